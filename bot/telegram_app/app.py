"""The Telegram bot as one service: open the database, come up, poll, shut down.

    runtime (database -> knowledge -> housekeeping, bot/runtime.py)
             -> getMe, deleteWebhook (retried until Telegram answers)
             -> outbox, setMyCommands (retried in the background), the daily list update
             -> the polling loop (bot/telegram_app/updates.py) until SIGTERM / SIGINT

The webhook server (``python -m bot serve``, bot/web/) builds the same service on the same
runtime and skips deleteWebhook and the polling loop: its route hands each update to the same
``Handlers.handle``.

A database that cannot be used, or content that does not load, stops the bot at once with a
clear message and exit status 2; a network that does not answer never does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import BotCommand, BotCommandScopeChat
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.core.dialogue.engine import Dialogue
from bot.core.dialogue.messages import Outgoing
from bot.core.flood import FloodGuard
from bot.core.i18n import N_, translator
from bot.core.knowledge_holder import KnowledgeHolder
from bot.core.languages import LANGUAGES
from bot.core.markup import escape
from bot.delivery import StaffChat, WatchNotifier
from bot.logging_setup import FailureLog
from bot.runtime import Runtime, run_until_signalled
from bot.storage.watches import SqlWatchLedger
from bot.telegram_app.admin import COMMANDS as ADMIN_COMMANDS
from bot.telegram_app.admin import AdminCommands
from bot.telegram_app.handlers import Handlers
from bot.telegram_app.outbox import GROUP_INTERVAL, Outbox, unreachable
from bot.telegram_app.updates import POLL_TIMEOUT, poll, retry_forever

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
    """The Telegram side of the bot on a :class:`Runtime`: the outbox, the handlers, admin
    commands, the daily list update. Long polling (:meth:`run`) and the webhook server
    (``bot/web``) build it the same way and differ only in how updates arrive::

        async with service.attached(runtime, stop):     # outbox, handlers, admin (not started)
            await service.connect(stop, webhook=...)     # getMe (retried) -> outbox, commands
            ...   # poll, or let the webhook route call service.handlers.handle
    """

    def __init__(self, settings: Settings, *, knowledge: KnowledgeHolder | None = None,
                 poll_timeout: int = POLL_TIMEOUT) -> None:
        self.settings = settings
        self.knowledge = knowledge
        self.poll_timeout = poll_timeout
        self.staff = StaffChat(settings.helpline_chat_id)
        self.failures = FailureLog(log)
        self.runtime: Runtime | None = None
        self.ready = asyncio.Event()  # set once Telegram answered and the outbox runs
        self.watches: WatchNotifier | None = None  # tells watchers; set once the bot is up

    async def run(self, stop: asyncio.Event) -> None:
        """Long polling until ``stop`` is set (``python -m bot``)."""
        async with Runtime.opened(self.settings, stop, knowledge=self.knowledge) as runtime, \
                self.attached(runtime, stop):
            if not await self.connect(stop, webhook=False):
                return  # stopped before Telegram answered
            log.info("Rahnuma is up (Telegram long polling)")
            await poll(self.bot, self.handlers.handle, stop, poll_timeout=self.poll_timeout)

    @contextlib.asynccontextmanager
    async def attached(self, runtime: Runtime, stop: asyncio.Event) -> AsyncIterator[TelegramService]:
        """Build the Telegram parts on ``runtime``; on leaving, stop them (admin jobs, the
        outbox with its sends in flight) and close the connection to Telegram."""
        settings, store, knowledge = self.settings, runtime.store, runtime.knowledge
        self.runtime = runtime
        self.bot = bot = make_bot(settings)
        self._background: list[asyncio.Task] = []
        outbox = admin = None
        try:
            if self.staff.id is not None:
                self.staff.id = await store.moved_to(self.staff.id)  # a migration seen before
            self.staff.alert = self._alert
            self.outbox = outbox = Outbox(bot, store, staff=self.staff, max_rate=settings.max_rate)
            dialogue = Dialogue(knowledge, self.staff.id)
            staff_chats = {c for c in (settings.helpline_chat_id, self.staff.id) if c is not None}
            self.admin = admin = AdminCommands(settings, store, knowledge, outbox,
                                               staff_chats=staff_chats, health=runtime.health)
            self.handlers = Handlers(dialogue, store, outbox, staff=self.staff, knowledge=knowledge,
                                     flood=FloodGuard(settings.user_flood_per_minute), admin=admin.route)
            self.handlers.staff_chats |= staff_chats
            runtime.health_checks.append(self.staff.health)
            yield self
        finally:
            for task in self._background:
                task.cancel()
            await asyncio.gather(*self._background, return_exceptions=True)
            if self._alert in runtime.alerts:
                runtime.alerts.remove(self._alert)
            if admin is not None:
                await admin.jobs.stop()
            if outbox is not None:
                await outbox.stop()
            with contextlib.suppress(Exception):
                await bot.shutdown()

    async def connect(self, stop: asyncio.Event, *, webhook: bool) -> bool:
        """getMe (and, for long polling, deleteWebhook) retried until Telegram answers, then
        the outbox, the command menus and the daily update start. False: stopped first."""
        if not await retry_forever("getMe", self.bot.initialize, stop, self.failures):
            return False
        if not webhook and not await retry_forever("deleteWebhook", self.bot.delete_webhook, stop,
                                                   self.failures):
            return False
        await self.outbox.start()
        assert self.runtime is not None
        self.runtime.alerts.append(self._alert)
        self.watches = WatchNotifier(self.runtime.knowledge, SqlWatchLedger(self.runtime.store.db),
                                     self.outbox.wake, unreachable=unreachable,
                                     max_rate=self.settings.max_rate)
        self._background += [asyncio.create_task(self._register_commands(self.bot, stop)),
                             asyncio.create_task(self.watches.run(stop))]
        if self.settings.agencies_update_at and self.staff.id is not None:
            self._background.append(asyncio.create_task(
                self.admin.jobs.daily_update(lambda: self.staff.id, stop)))
        self.ready.set()
        return True

    async def _alert(self, text: str) -> None:
        """Tell every admin privately (through the outbox)."""
        if self.settings.admin_ids and self.runtime is not None:
            self.outbox.wake(await self.runtime.store.enqueue(
                [Outgoing(admin_id, escape(text)) for admin_id in sorted(self.settings.admin_ids)]))

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


def run_polling(settings: Settings) -> int:
    """``python -m bot`` with a token: run until SIGTERM / SIGINT; exit 2 when it cannot start."""
    return run_until_signalled(settings, "Telegram long polling", TelegramService(settings).run)
