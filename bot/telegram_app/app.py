"""Build and run the python-telegram-bot Application (long polling)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatType
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.core.dialogue.engine import Dialogue
from bot.core.i18n import N_, translator
from bot.core.knowledge_holder import KnowledgeHolder
from bot.core.languages import LANGUAGES, language_for_code
from bot.logging_setup import configure_logging
from bot.storage.store import Store
from bot.telegram_app.admin import AdminCommands
from bot.telegram_app.handlers import FloodGuard, Handlers
from bot.telegram_app.outbox import Outbox
from bot.telegram_app.transport import AiohttpRequest
from bot.telegram_app.updates import ConfirmAfterHandling, InOrderPerChat

log = logging.getLogger(__name__)

USER_COMMANDS = (
    ("start", N_("Start and main menu")),
    ("check", N_("Check a recruiter's licence")),
    ("helpline", N_("Talk to the helpline")),
    ("report", N_("Report a recruiter")),
    ("language", N_("Change language")),
    ("privacy", N_("What we store about you")),
    ("delete_my_data", N_("Delete your data")),
    ("cancel", N_("Stop what you are doing")),
    ("help", N_("How to use Rahnuma")),
)
ADMIN_COMMANDS = ("reload", "stats", "export_reports")
PURGE_EVERY_SECONDS = 3600


async def _error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log without personal data and tell the person something went wrong."""
    error = context.error
    log.error("error while handling an update: %s", type(error).__name__,
              exc_info=(type(error), error, error.__traceback__) if error else None)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
        lang = (update.effective_user.language_code or "") if update.effective_user else ""
        lang = language_for_code(lang)
        with contextlib.suppress(Exception):
            await context.bot.send_message(update.effective_chat.id, translator(lang).gettext(
                "Sorry, something went wrong. Please try again, or use /helpline."))


async def _register_commands(application: Application) -> None:
    for lang in LANGUAGES:
        t = translator(lang)
        commands = [BotCommand(name, t.gettext(desc)) for name, desc in USER_COMMANDS]
        await application.bot.set_my_commands(commands, language_code=None if lang == "en" else lang)


def build_application(settings: Settings, *, knowledge: KnowledgeHolder | None = None) -> Application:
    assert settings.token, "TELEGRAM_BOT_TOKEN is required for Telegram mode"
    knowledge = knowledge or KnowledgeHolder(settings.content_dir, settings.agencies_file)
    builder: ApplicationBuilder = Application.builder().token(settings.token)
    if settings.api_base_url:
        base = settings.api_base_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(base.rsplit("/bot", 1)[0] + "/file/bot")
    if settings.max_rate > 0:
        # One message every 1/R seconds, without bursts: a burst of R on top of R per second
        # is what makes Telegram answer 429.
        builder = builder.rate_limiter(AIORateLimiter(
            overall_max_rate=1, overall_time_period=1 / settings.max_rate, max_retries=3))
    update_queue: asyncio.Queue = asyncio.Queue()
    builder = builder.request(AiohttpRequest(64, pool_timeout=30)).update_queue(update_queue)
    builder = builder.get_updates_request(ConfirmAfterHandling(update_queue, 1, read_timeout=40))
    builder = builder.concurrent_updates(InOrderPerChat())
    state: dict[str, object] = {}

    async def post_init(app: Application) -> None:
        store = await Store.open(settings.database_path)
        outbox = Outbox(app.bot, store, staff_chat_id=settings.helpline_chat_id)
        dialogue = Dialogue(knowledge, settings.helpline_chat_id)
        handlers = Handlers(dialogue, store, outbox, staff_chat_id=settings.helpline_chat_id,
                            flood=FloodGuard(settings.user_flood_per_minute))
        admin = AdminCommands(settings, store, knowledge)
        _install_handlers(app, settings, handlers, admin)
        state.update(store=store, outbox=outbox)
        await outbox.start()
        state["purge"] = asyncio.create_task(_purge_loop(store, settings.retention_days))
        try:
            await _register_commands(app)
            if settings.admin_ids:
                for admin_id in settings.admin_ids:
                    with contextlib.suppress(Exception):
                        await app.bot.set_my_commands(
                            [BotCommand(n, n) for n in ADMIN_COMMANDS] + [
                                BotCommand(n, d) for n, d in USER_COMMANDS],
                            scope=BotCommandScopeChat(admin_id))
        except Exception as exc:  # commands are a convenience; never block start-up
            log.warning("setMyCommands failed: %s", type(exc).__name__)

    async def post_shutdown(app: Application) -> None:
        purge = state.get("purge")
        if isinstance(purge, asyncio.Task):
            purge.cancel()
        outbox = state.get("outbox")
        if isinstance(outbox, Outbox):
            await outbox.stop()
        store = state.get("store")
        if isinstance(store, Store):
            await store.close()

    return builder.post_init(post_init).post_shutdown(post_shutdown).build()


def _install_handlers(app: Application, settings: Settings, handlers: Handlers,
                      admin: AdminCommands) -> None:
    private = filters.ChatType.PRIVATE
    staff = filters.Chat(settings.helpline_chat_id) if settings.helpline_chat_id else None
    admin_scope = private | staff if staff is not None else private
    new_messages = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("reload", admin.reload, filters=admin_scope & new_messages))
    app.add_handler(CommandHandler("stats", admin.stats, filters=admin_scope & new_messages))
    app.add_handler(CommandHandler("export_reports", admin.export_reports,
                                   filters=admin_scope & new_messages))
    app.add_handler(MessageHandler(
        admin_scope & new_messages & filters.Document.ALL & filters.CaptionRegex(r"^/import_agencies\b"),
        admin.import_agencies))
    if staff is not None:
        app.add_handler(MessageHandler(staff & new_messages, handlers.staff_message))
    app.add_handler(MessageHandler(private & new_messages, handlers.private_message))
    app.add_handler(CallbackQueryHandler(handlers.button))
    app.add_error_handler(_error_handler)


async def _purge_loop(store: Store, retention_days: int) -> None:
    while True:
        try:
            removed = await store.purge(retention_days)
            if removed:
                log.info("retention: purged %d old tickets/reports", removed)
        except Exception:
            log.exception("retention purge failed")
        await asyncio.sleep(PURGE_EVERY_SECONDS)


def run_polling(settings: Settings) -> None:
    configure_logging(settings)
    app = build_application(settings)
    log.info("Rahnuma starting (Telegram long polling)")
    # bootstrap_retries=-1: getMe and deleteWebhook are retried with back-off until Telegram
    # answers; a network blip at start-up must never keep the helpline down.
    app.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=30,
                    drop_pending_updates=False, close_loop=False, bootstrap_retries=-1)


__all__ = ["ChatType", "build_application", "run_polling"]
