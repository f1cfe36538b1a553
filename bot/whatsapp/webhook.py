"""``GET/POST /whatsapp``: the Cloud API webhook (CONTRACTS.md "Webhook mode").

- ``GET``: the verification handshake; ``hub.verify_token`` is compared in constant time and
  ``hub.challenge`` answered, else 403.
- ``POST``: ``X-Hub-Signature-256`` is checked on the raw body (HMAC-SHA256 with the app
  secret, ``hmac.compare_digest`` on bytes, so a non-ASCII header cannot raise) before the
  body is parsed: 401 without it, 403 when it is wrong, and nothing is processed. Each message
  becomes a core :class:`~bot.core.dialogue.messages.Incoming` handed to ``handle(incoming,
  key)``, which runs the dialogue and commits; ``key`` (:func:`message_key`) makes a message
  Meta sends again take effect once. 200 only once every message of the body is committed;
  if ``handle`` raises (the database failed), 500, and Meta sends the body again. Status
  notifications (sent, delivered, read, failed) go to ``on_status``.

pywa's webhook side is not used: it serves Flask or FastAPI, and ``serve`` is aiohttp.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.channels import whatsapp_chat_id
from bot.core.dialogue.messages import Incoming, MediaRef
from bot.whatsapp.config import WhatsAppSettings

log = logging.getLogger(__name__)
KEY_BIT = 1 << 62  # message keys live in [2**62, 2**63): never a Telegram update_id

# WhatsApp message type -> core media kind
MEDIA_TYPES = {"image": "photo", "audio": "audio", "document": "document", "video": "video",
               "sticker": "sticker"}
IGNORED_TYPES = frozenset({"reaction", "system", "request_welcome"})


def message_key(message_id: str) -> int:
    """The processed-update key of a WhatsApp message id: a stable 62-bit hash, offset by
    2**62 so that it never meets a Telegram update_id in the same table."""
    digest = hashlib.blake2b(message_id.encode("utf-8", "surrogateescape"), digest_size=8).digest()
    return KEY_BIT | (int.from_bytes(digest, "big") & (KEY_BIT - 1))


@dataclass(frozen=True, slots=True)
class Status:
    """A status notification for a message the bot sent."""

    message_id: str
    status: str  # sent | delivered | read | failed
    wa_id: str
    tracker: str | None = None  # the biz_opaque_callback_data sent with it
    error_code: int | None = None


def signature_ok(raw: bytes, header: str, app_secret: str) -> bool:
    expected = "sha256=" + hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.encode("utf-8", "surrogateescape"))


def _command(text: str) -> tuple[str, str] | None:
    head, _, args = text[1:].partition(" ")
    name = head.lower()
    return (name, args.strip()) if text.startswith("/") and name.replace("_", "").isalnum() else None


def to_incoming(message: dict[str, Any]) -> Incoming | None:
    """One webhook message as a core event; None for what has no effect (reactions …)."""
    kind = message.get("type")
    try:
        chat = whatsapp_chat_id(str(message.get("from", "")))
    except ValueError:
        return None
    if kind in IGNORED_TYPES:
        return None
    base: dict[str, Any] = {"user_id": chat, "chat_id": chat, "channel": "whatsapp"}
    content = message.get(kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        text = str(content.get("body") or "")
        command = _command(text)
        if command:
            return Incoming(**base, text=text, command=command[0], args=command[1])
        return Incoming(**base, text=text)
    if kind == "interactive":
        reply = content.get("button_reply") or content.get("list_reply") or {}
        return Incoming(**base, button=str(reply.get("id") or "")[:256])
    if kind == "button":  # a template's quick-reply button: read as what it says
        return Incoming(**base, text=str(content.get("text") or content.get("payload") or ""))
    if kind in MEDIA_TYPES or kind == "audio":
        media = "voice" if kind == "audio" and content.get("voice") else MEDIA_TYPES[kind]
        ref = MediaRef("whatsapp", media, str(content.get("id") or ""), content.get("filename"),
                       content.get("mime_type"))
        return Incoming(**base, media=media, text=content.get("caption"),
                        media_ref=ref if ref.ref else None)
    if kind == "location":
        place = ", ".join(str(content[k]) for k in ("name", "address") if content.get(k))
        where = f"📍 {content.get('latitude')}, {content.get('longitude')}" + (f" ({place})" if place else "")
        return Incoming(**base, media="location", text=where)
    if kind == "contacts":
        return Incoming(**base, media="contact")
    return Incoming(**base, media="other")


def parse(body: Any) -> tuple[list[tuple[int, Incoming]], list[Status]]:
    """The messages (with their keys) and statuses of one webhook body, in order."""
    messages: list[tuple[int, Incoming]] = []
    statuses: list[Status] = []
    if not isinstance(body, dict):
        return messages, statuses
    for entry in body.get("entry") or ():
        for change in (entry or {}).get("changes") or ():
            value = (change or {}).get("value") or {}
            for message in value.get("messages") or ():
                incoming = to_incoming(message) if isinstance(message, dict) else None
                if incoming is not None and message.get("id"):
                    messages.append((message_key(str(message["id"])), incoming))
            for status in value.get("statuses") or ():
                if not isinstance(status, dict) or not status.get("id"):
                    continue
                errors = status.get("errors") or [{}]
                code = errors[0].get("code") if isinstance(errors[0], dict) else None
                statuses.append(Status(str(status["id"]), str(status.get("status")),
                                       str(status.get("recipient_id") or ""),
                                       status.get("biz_opaque_callback_data"),
                                       int(code) if isinstance(code, int | str) and str(code).isdigit()
                                       else None))
    return messages, statuses


Handle = Callable[[Incoming, int], Awaitable[object]]
OnStatus = Callable[[Status], Awaitable[object]]


class WhatsAppChannel:
    """The webhook routes. ``handle(incoming, key)`` runs the dialogue and commits (and raises
    when it could not); ``on_status`` receives status notifications."""

    path = "/whatsapp"

    def __init__(self, settings: WhatsAppSettings, handle: Handle, on_status: OnStatus | None = None) -> None:
        self.settings = settings
        self.handle = handle
        self.on_status = on_status

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(self.path, self.verify)
        app.router.add_post(self.path, self.receive)

    async def verify(self, request: web.Request) -> web.Response:
        query = request.query
        token = query.get("hub.verify_token", "")
        if query.get("hub.mode") == "subscribe" and hmac.compare_digest(
                token.encode("utf-8", "surrogateescape"), self.settings.verify_token.encode()):
            return web.Response(text=query.get("hub.challenge", ""))
        return web.Response(status=403, text="forbidden")

    async def receive(self, request: web.Request) -> web.Response:
        raw = await request.read()
        header = request.headers.get("X-Hub-Signature-256")
        if not header:
            return web.Response(status=401, text="signature missing")
        if not signature_ok(raw, header, self.settings.app_secret):
            return web.Response(status=403, text="signature wrong")
        try:
            body = json.loads(raw)
        except ValueError:
            return web.Response(status=400, text="not JSON")
        messages, statuses = parse(body)
        try:
            for key, incoming in messages:
                await self.handle(incoming, key)
            if self.on_status is not None:
                for status in statuses:
                    await self.on_status(status)
        except Exception as exc:  # not committed: Meta sends the body again
            log.error("a WhatsApp webhook could not be handled: %s", type(exc).__name__)
            return web.Response(status=500, text="try again")
        return web.Response(text="ok")
