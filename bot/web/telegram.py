"""``POST /telegram``: Telegram's webhook, into the same handlers as long polling.

- The header ``X-Telegram-Bot-Api-Secret-Token`` must equal ``TELEGRAM_WEBHOOK_SECRET``
  (compared in constant time): otherwise 403 and nothing is read or processed.
- 503 until Telegram has answered getMe once (the handlers need to know who the bot is).
- A body that is not one JSON ``Update`` answers 400 (sending it again cannot help); a body
  over the size limit 413.
- The update goes to ``Handlers.handle``: one transaction with its ``update_id`` mark and
  everything it queues in the outbox. 200 only once that committed, or when the update was
  handled before (``processed_updates``); a storage failure answers 500, so Telegram sends the
  update again.
- One chat's updates are handled one after another, in the order they arrived (one lock per
  chat, dropped when idle); different chats side by side.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update

from bot.logging_setup import FailureLog
from bot.telegram_app.app import TelegramService
from bot.telegram_app.updates import chat_key
from bot.web.order import KeyedLocks

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
PATH = "/telegram"


class TelegramWebhook:
    """The Telegram channel of the web app (see the module's docstring)."""

    def __init__(self, service: TelegramService, secret: str) -> None:
        if not secret:
            raise ValueError("the Telegram webhook needs a secret")
        self.service = service
        self._secret = secret.encode()
        self.locks = KeyedLocks()
        self.failures = FailureLog(log)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(PATH, self.receive)

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=403, text="forbidden\n")
        if not self.service.ready.is_set():
            return web.Response(status=503, text="starting\n", headers={"Retry-After": "1"})
        update = self._update(await request.read())  # over the size limit: 413
        if update is None:
            return web.Response(status=400, text="not a Telegram update\n")
        async with self.locks.hold(chat_key(update)):
            try:
                await self.service.handlers.handle(update)
            except Exception as exc:  # not committed: Telegram sends it again
                self.failures.failed("committing updates", exc)
                return web.Response(status=500, text="not stored, send again\n")
        self.failures.ok("committing updates")
        return web.Response(text="ok\n")

    def _update(self, body: bytes) -> Update | None:
        try:
            data = json.loads(body)
            if not (isinstance(data, dict) and type(data.get("update_id")) is int):
                return None
            return Update.de_json(data, self.service.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log.info("webhook: a body that is not an update (%s)", type(exc).__name__)
            return None
