"""The Telegram bot as one service: open the database, come up, poll, shut down.

    database -> knowledge -> getMe, deleteWebhook (retried until Telegram answers)
             -> outbox, housekeeping, setMyCommands (retried in the background)
             -> the polling loop (bot/telegram_app/updates.py) until SIGTERM / SIGINT

A database that cannot be used, or content that does not load, stops the bot at once with a
clear message and exit status 2; a network that does not answer never does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from telegram import BotCommand, BotCommandScopeChat
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.core.dialogue.engine import Dialogue
from bot.core.dialogue.messages import Outgoing
from bot.core.i18n import N_, translator
from bot.core.knowledge_holder import KnowledgeError, KnowledgeHolder
from bot.core.languages import LANGUAGES
from bot.core.markup import escape
from bot.logging_setup import FailureLog, configure_logging
from bot.storage import DatabaseUnusable, Store, open_store
from bot.telegram_app.admin import COMMANDS as ADMIN_COMMANDS
from bot.telegram_app.admin import AdminCommands, in_background
from bot.telegram_app.handlers import FloodGuard, Handlers
from bot.telegram_app.outbox import GROUP_INTERVAL, Outbox, StaffChat
from bot.telegram_app.updates import POLL_TIMEOUT, pause, poll, retry_forever

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
PURGE_EVERY_SECONDS = 3600
CHECK_EVERY_SECONDS = 10


def make_bot(settings: Settings) -> ExtBot:
    """PTB's own HTTPX transport; with a rate limit, PTB's AIORateLimiter."""
    assert settings.token, "TELEGRAM_BOT_TOKEN is required for Telegram mode"
    urls: dict[str, str] = {}
    if settings.api_base_url:
        base = settings.api_base_url.rstrip("/")
        urls = {"base_url": base, "base_file_url": base.rsplit("/bot", 1)[0] + "/file/bot"}
    limiter = None
    if settings.max_rate > 0:
        # One message every 1/R seconds, without bursts: a burst of R on top of R per second
        # is what makes Telegram answer 429. Into a group, one every 3.2 s (Telegram allows 20 a
        # minute; one less, so that jitter never makes 21): a burst of 20 would close the group to
        # everyone for the rest of the minute.
        limiter = AIORateLimiter(overall_max_rate=1, overall_time_period=1 / settings.max_rate,
                                 group_max_rate=1, group_time_period=GROUP_INTERVAL,
                                 max_retries=3)
    return ExtBot(settings.token, **urls, rate_limiter=limiter,
                  request=HTTPXRequest(connection_pool_size=64, pool_timeout=30),
                  get_updates_request=HTTPXRequest(connection_pool_size=1))


class TelegramService:
    def __init__(self, settings: Settings, *, knowledge: KnowledgeHolder | None = None,
                 poll_timeout: int = POLL_TIMEOUT) -> None:
        self.settings = settings
        self.knowledge = knowledge
        self.poll_timeout = poll_timeout
        self.staff = StaffChat(settings.helpline_chat_id)
        self.database_problem = ""
        self.failures = FailureLog(log)
        self.ready = asyncio.Event()  # set once the bot polls

    def health(self) -> list[str]:
        """What is wrong now (empty: healthy). The future /healthz answers from this."""
        problems = []
        if not self.staff.reachable:
            problems.append(f"staff chat unreachable: {self.staff.problem}")
        if self.database_problem:
            problems.append(self.database_problem)
        return problems

    async def run(self, stop: asyncio.Event) -> None:
        settings = self.settings
        store = await open_store(settings)  # DatabaseUnusable: the caller stops
        background: list[asyncio.Task] = []
        bot = make_bot(settings)
        outbox = admin = None
        try:
            knowledge = self.knowledge or await in_background(
                KnowledgeHolder, settings.content_dir, settings.agencies_file,
                last_good_dir=settings.data_dir / "content-last-good")
            if self.staff.id is not None:
                self.staff.id = await store.moved_to(self.staff.id)  # a migration seen before
            outbox = Outbox(bot, store, staff=self.staff, alert_admins=self._alert(store),
                            max_rate=settings.max_rate)
            self._outbox = outbox
            dialogue = Dialogue(knowledge, self.staff.id)
            staff_chats = {c for c in (settings.helpline_chat_id, self.staff.id) if c is not None}
            admin = AdminCommands(settings, store, knowledge, outbox, staff_chats=staff_chats,
                                  health=self.health)
            handlers = Handlers(dialogue, store, outbox, staff=self.staff, knowledge=knowledge,
                                flood=FloodGuard(settings.user_flood_per_minute), admin=admin.route)
            handlers.staff_chats |= staff_chats
            if not (await retry_forever("getMe", bot.initialize, stop, self.failures)
                    and await retry_forever("deleteWebhook", bot.delete_webhook, stop, self.failures)):
                return  # stopped before Telegram answered
            await outbox.start()
            background += [asyncio.create_task(self._register_commands(bot, stop)),
                           asyncio.create_task(self._housekeeping(store, stop))]
            if settings.agencies_update_at and self.staff.id is not None:
                background.append(asyncio.create_task(self._daily_update(admin, stop)))
            log.info("Rahnuma is up (Telegram long polling)")
            self.ready.set()
            await poll(bot, handlers.handle, stop, poll_timeout=self.poll_timeout)
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            if admin is not None:
                await admin.stop()
            if outbox is not None:
                await outbox.stop()
            with contextlib.suppress(Exception):
                await bot.shutdown()
            await store.close()

    def _alert(self, store: Store) -> Callable[[str], Awaitable[None]]:
        async def alert(text: str) -> None:
            """Tell every admin privately (through the outbox)."""
            log.warning("admins alerted: %s", text.split(".")[0][:120])
            if self.settings.admin_ids:
                self._outbox.wake(await store.enqueue(
                    [Outgoing(admin_id, escape(text)) for admin_id in sorted(self.settings.admin_ids)]))
        return alert

    async def _register_commands(self, bot: ExtBot, stop: asyncio.Event) -> None:
        for lang in LANGUAGES:
            t = translator(lang)
            commands = [BotCommand(name, t.gettext(desc)) for name, desc in USER_COMMANDS]
            await retry_forever("setMyCommands", lambda c=commands, lang=lang: bot.set_my_commands(
                c, language_code=None if lang == "en" else lang), stop, self.failures)
        admin_commands = [BotCommand(n, n) for n in ADMIN_COMMANDS] + [
            BotCommand(n, translator("en").gettext(d)) for n, d in USER_COMMANDS]
        for admin_id in sorted(self.settings.admin_ids):
            with contextlib.suppress(Exception):  # an admin who never wrote to the bot: no scope
                await bot.set_my_commands(admin_commands, scope=BotCommandScopeChat(admin_id))

    async def _daily_update(self, admin: AdminCommands, stop: asyncio.Event) -> None:
        """Fetch the BE&OE list every day at AGENCIES_UPDATE_AT (UTC); what changed goes to
        the staff group."""
        try:
            hour, minute = (int(part) for part in (self.settings.agencies_update_at or "").split(":"))
            datetime.now(UTC).replace(hour=hour, minute=minute)
        except ValueError:
            log.error("AGENCIES_UPDATE_AT must be HH:MM (UTC), e.g. 02:30; the daily update is off")
            return
        while not stop.is_set():
            now = datetime.now(UTC)
            due = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if due <= now:
                due += timedelta(days=1)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), (due - now).total_seconds())
                return
            if self.staff.id is not None:
                admin.start_daily_update(self.staff.id)

    async def _housekeeping(self, store: Store, stop: asyncio.Event) -> None:
        """Retention purge every hour; every few seconds, whether the database file is still there."""
        since_purge = PURGE_EVERY_SECONDS
        while not stop.is_set():
            problem = await store.check() or ""
            if problem and problem != self.database_problem:
                log.critical("%s: the bot keeps running on the open file, but a restart will refuse "
                             "to start until it is restored", problem)
                with contextlib.suppress(Exception):
                    await self._alert(store)(f"⚠️ {problem}. The bot keeps working for now, but nothing "
                                             "written from now on survives a restart. Restore the file "
                                             "from a backup.")
            self.database_problem = problem
            if since_purge >= PURGE_EVERY_SECONDS:
                since_purge = 0
                try:
                    removed = await store.purge(self.settings.retention_days)
                    if removed:
                        log.info("retention: purged %d old tickets/reports", removed)
                except Exception as exc:
                    self.failures.failed("retention purge", exc)
            await pause(CHECK_EVERY_SECONDS, stop)
            since_purge += CHECK_EVERY_SECONDS


def run_polling(settings: Settings) -> None:
    """``python -m bot`` with a token: run until SIGTERM / SIGINT; exit 2 when it cannot start."""
    configure_logging(settings)
    log.info("Rahnuma starting (Telegram long polling)")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await TelegramService(settings).run(stop)

    try:
        asyncio.run(main())
    except (DatabaseUnusable, KnowledgeError) as exc:
        log.critical("Rahnuma cannot start: %s", exc)
        raise SystemExit(2) from None
    log.info("Rahnuma stopped")
