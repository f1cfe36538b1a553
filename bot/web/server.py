"""``python -m bot serve``: the webhook server, on the same runtime as long polling.

    settings checked (a token needs TELEGRAM_WEBHOOK_SECRET)  -> else exit 2
    runtime (database -> knowledge -> housekeeping)           -> DatabaseUnusable etc.: exit 2
    with a token: the Telegram service (outbox, handlers, admin), not yet connected
    the web app listens on HOST:PORT at once (/healthz answers from the first second)
    in the background: getMe (retried) -> outbox, commands -> setWebhook (retried, when
                       TELEGRAM_WEBHOOK_URL is set; else the webhook is left alone)
    SIGTERM / SIGINT: stop accepting, finish the requests in flight, stop the outbox, close
                       the database
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re

from aiohttp import web
from telegram.error import InvalidToken

from bot.config import Settings
from bot.runtime import Runtime, run_until_signalled
from bot.telegram_app.app import TelegramService
from bot.telegram_app.handlers import WEBHOOK_UPDATES
from bot.telegram_app.updates import retry_forever
from bot.web.app import Channel, build_app
from bot.web.telegram import TelegramWebhook
from bot.whatsapp import WhatsAppService, WhatsAppSettings, fetch_for_staff

log = logging.getLogger(__name__)
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as secret_token
SHUTDOWN_GRACE_SECONDS = 20.0  # requests in flight get this long to finish


class CannotStart(Exception):
    """A setting or the environment makes serving impossible; the message says what to do."""


def settings_problem(settings: Settings) -> str | None:
    """Why ``serve`` cannot run with these settings, or None."""
    if settings.token and not settings.webhook_secret:
        return ("TELEGRAM_WEBHOOK_SECRET is not set. With a Telegram token, serve only accepts "
                "updates that carry this secret; make one with `openssl rand -hex 32`, put it in "
                "the settings (TELEGRAM_WEBHOOK_SECRET=...) and start again.")
    if settings.webhook_secret and not SECRET_SHAPE.fullmatch(settings.webhook_secret):
        return ("TELEGRAM_WEBHOOK_SECRET may only contain letters A-Z and a-z, digits, _ and - "
                "(1 to 256 of them), as Telegram requires; make one with `openssl rand -hex 32`.")
    if not 0 < settings.port < 65536:
        return f"PORT must be a TCP port between 1 and 65535, not {settings.port}."
    try:
        WhatsAppSettings.from_env()
    except ValueError as exc:
        return f"{exc}: set them (see docs/whatsapp.md) or unset WHATSAPP_TOKEN."
    return None


async def serve(settings: Settings, stop: asyncio.Event, *,
                listening: asyncio.Event | None = None) -> None:
    """Run the webhook server until ``stop`` is set. Raises :class:`CannotStart`,
    :class:`DatabaseUnusable` or :class:`KnowledgeError` when it cannot start."""
    problem = settings_problem(settings)
    if problem:
        raise CannotStart(problem)
    async with contextlib.AsyncExitStack() as stack:
        runtime = await stack.enter_async_context(Runtime.opened(settings, stop))
        channels: list[Channel] = []
        if settings.token:
            assert settings.webhook_secret
            service = TelegramService(settings)
            await stack.enter_async_context(service.attached(runtime, stop))
            channels.append(TelegramWebhook(service, settings.webhook_secret))
            connecting = asyncio.create_task(_connect_telegram(service, stop))
            stack.push_async_callback(_cancel, connecting)
        else:
            service = None
            log.info("no TELEGRAM_BOT_TOKEN: no Telegram updates")
        whatsapp = _whatsapp(settings, runtime, service)
        if whatsapp is not None:
            channels.append(whatsapp.channel)
            await whatsapp.start()
            stack.push_async_callback(whatsapp.stop)
        runner = web.AppRunner(build_app(runtime, channels), access_log=None, handle_signals=False,
                               shutdown_timeout=SHUTDOWN_GRACE_SECONDS)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)  # first out: stop accepting, finish requests
        try:
            await web.TCPSite(runner, settings.host, settings.port).start()
        except OSError as exc:
            raise CannotStart(f"cannot listen on {settings.host}:{settings.port} ({exc.strerror}); "
                              "is another program using the port? Set HOST and PORT.") from None
        log.info("Rahnuma is up (webhook server on %s:%d)", settings.host, settings.port)
        if listening is not None:
            listening.set()
        await stop.wait()
        log.info("stopping: no new requests; finishing the ones in flight")
        if settings.token and connecting.done() and not connecting.cancelled() and connecting.exception():
            raise CannotStart("Telegram rejected TELEGRAM_BOT_TOKEN; check it (and TELEGRAM_API_BASE_URL)")


def _whatsapp(settings: Settings, runtime: Runtime,
              telegram: TelegramService | None) -> WhatsAppService | None:
    """The WhatsApp channel when WHATSAPP_TOKEN is set: the same dialogue (and, with Telegram,
    the same staff group: relays and their files go through the Telegram outbox, staff replies
    to a WhatsApp person through WhatsApp's delivery)."""
    wa_settings = WhatsAppSettings.from_env()
    if wa_settings is None:
        return None
    if telegram is None:
        from bot.core.dialogue.engine import Dialogue

        dialogue = Dialogue(runtime.knowledge, None)  # no staff group without Telegram
        log.warning("WhatsApp without TELEGRAM_BOT_TOKEN: the helpline shows its numbers only")
        return WhatsAppService(wa_settings, runtime.store, dialogue, content_dir=settings.content_dir,
                               flood_per_minute=settings.user_flood_per_minute)
    from bot.telegram_app.media import download

    outbox = telegram.outbox
    whatsapp = WhatsAppService(
        wa_settings, runtime.store, telegram.handlers.dialogue, content_dir=settings.content_dir,
        telegram_file=lambda ref: download(telegram.bot, ref), on_staff_queued=outbox.wake,
        flood_per_minute=settings.user_flood_per_minute)
    outbox.wake_other = whatsapp.delivery.wake
    outbox.fetch_media = lambda ref: fetch_for_staff(whatsapp.sender, ref)
    return whatsapp


async def _connect_telegram(service: TelegramService, stop: asyncio.Event) -> None:
    """getMe until Telegram answers (the outbox starts then), then setWebhook when
    TELEGRAM_WEBHOOK_URL is set; both retried with back-off, never holding up start-up. A
    token Telegram rejects stops the server."""
    settings = service.settings
    try:
        if not await service.connect(stop, webhook=True):
            return
        if not settings.webhook_url:
            log.info("TELEGRAM_WEBHOOK_URL is not set: the webhook registered with Telegram is left as it is")
            return
        if await retry_forever("setWebhook", lambda: service.bot.set_webhook(
                settings.webhook_url, secret_token=settings.webhook_secret,
                allowed_updates=list(WEBHOOK_UPDATES)), stop, service.failures):
            log.info("webhook registered with Telegram")
    except InvalidToken:
        stop.set()  # serve() raises CannotStart: exit 2
        raise


async def _cancel(task: asyncio.Task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def run_serve(settings: Settings) -> int:
    """``python -m bot serve``: run until SIGTERM / SIGINT; exit 2 when it cannot start."""
    return run_until_signalled(settings, "webhook server", lambda stop: serve(settings, stop),
                               cannot_start=(CannotStart,))
