"""What every way of running the bot shares: the database, the knowledge, housekeeping.

    async with Runtime.opened(settings, stop) as runtime:   # database -> knowledge -> housekeeping
        ...   # a channel (long polling, or the webhook server) on top of it

Long polling (``python -m bot``) and the webhook server (``python -m bot serve``) open the
same runtime and differ only in how updates arrive. A database that cannot be used
(:class:`DatabaseUnusable`) or content that does not load (:class:`KnowledgeError`) is raised
at once: the caller stops with exit status 2.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.config import Settings
from bot.core.knowledge_holder import KnowledgeError, KnowledgeHolder
from bot.logging_setup import FailureLog, configure_logging
from bot.storage import DatabaseUnusable, Store, open_store

__all__ = ["DatabaseUnusable", "KnowledgeError", "Runtime", "in_background", "pause",
           "run_until_signalled"]

log = logging.getLogger(__name__)
PURGE_EVERY_SECONDS = 3600
CHECK_EVERY_SECONDS = 10
HEALTH_TIMEOUT_SECONDS = 3.0  # /healthz: a database that takes longer than this is not answering

Alert = Callable[[str], Awaitable[None]]
T = TypeVar("T")


def without_gc_pauses(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn`` (a big load, in a worker thread) with the cycle collector paused, then freeze
    what is alive. Loading 200,000 agencies otherwise triggers full collections over millions
    of new objects, each holding the interpreter (and so every reply) for up to a second; the
    frozen knowledge is never scanned again. The knowledge has no reference cycles, so what a
    reload replaces is still freed at once."""
    gc.disable()
    try:
        return fn(*args, **kwargs)
    finally:
        gc.enable()
        gc.freeze()


async def in_background(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Blocking work (loading content, an import) on a thread, without stalling replies."""
    return await asyncio.to_thread(without_gc_pauses, fn, *args, **kwargs)


def run_until_signalled(settings: Settings, what: str, main: Callable[[asyncio.Event], Awaitable[None]], *,
                        cannot_start: tuple[type[Exception], ...] = ()) -> int:
    """Long polling or the webhook server (``what``), logged: ``asyncio.run(main(stop))``, with
    SIGTERM and SIGINT setting ``stop``. Exit status 0, or 2 when it cannot start (the database,
    the content, or one of ``cannot_start``)."""
    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)

    configure_logging(settings)
    log.info("Rahnuma starting (%s)", what)
    try:
        asyncio.run(run())
    except (DatabaseUnusable, KnowledgeError, *cannot_start) as exc:
        log.critical("Rahnuma cannot start: %s", exc)
        return 2
    log.info("Rahnuma stopped")
    return 0


async def pause(seconds: float, stop: asyncio.Event) -> None:
    """Sleep, but wake at once when ``stop`` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


@dataclass
class Runtime:
    """The open database and the knowledge in service, with the housekeeping around them.

    Channels add what they know to :meth:`health` (``health_checks``) and a way to tell
    admins about trouble (``alerts``).
    """

    settings: Settings
    store: Store
    knowledge: KnowledgeHolder
    database_problem: str = ""  # what housekeeping last found wrong with the database
    alerts: list[Alert] = field(default_factory=list)
    health_checks: list[Callable[[], list[str]]] = field(default_factory=list)
    failures: FailureLog = field(default_factory=lambda: FailureLog(log))

    @classmethod
    @contextlib.asynccontextmanager
    async def opened(cls, settings: Settings, stop: asyncio.Event, *,
                     knowledge: KnowledgeHolder | None = None) -> AsyncIterator[Runtime]:
        """Open the database, load the knowledge, run housekeeping until the block ends."""
        store = await open_store(settings)  # DatabaseUnusable: the caller stops
        try:
            if knowledge is None:
                knowledge = await in_background(
                    KnowledgeHolder, settings.content_dir, settings.agencies_file,
                    last_good_dir=settings.data_dir / "content-last-good")
            runtime = cls(settings, store, knowledge)
            housekeeping = asyncio.create_task(runtime.housekeeping(stop))
            try:
                yield runtime
            finally:
                housekeeping.cancel()
                await asyncio.gather(housekeeping, return_exceptions=True)
        finally:
            await store.close()

    def health(self) -> list[str]:
        """What is wrong now, as housekeeping and the channels last saw it (empty: healthy)."""
        problems = [p for check in self.health_checks for p in check()]
        if self.database_problem:
            problems.append(self.database_problem)
        return problems

    async def database_now(self, timeout: float = HEALTH_TIMEOUT_SECONDS) -> str | None:  # noqa: ASYNC109
        """Ask the database now (at most ``timeout`` seconds): its problem, or None."""
        try:
            return await asyncio.wait_for(self.store.check(), timeout)
        except TimeoutError:
            return f"the database does not answer within {timeout:g} s"

    async def alert(self, text: str) -> None:
        """Tell the admins through every channel that can (logged when none can)."""
        log.warning("admins alerted: %s", text.split(".")[0][:120])
        for alert in self.alerts:
            with contextlib.suppress(Exception):
                await alert(text)

    async def housekeeping(self, stop: asyncio.Event) -> None:
        """Retention purge every hour; every few seconds, whether the database file is still there."""
        since_purge = PURGE_EVERY_SECONDS
        while not stop.is_set():
            problem = await self.store.check() or ""
            if problem and problem != self.database_problem:
                log.critical("%s: the bot keeps running on the open file, but a restart will refuse "
                             "to start until it is restored", problem)
                await self.alert(f"⚠️ {problem}. The bot keeps working for now, but nothing "
                                 "written from now on survives a restart. Restore the file "
                                 "from a backup.")
            self.database_problem = problem
            if since_purge >= PURGE_EVERY_SECONDS:
                since_purge = 0
                try:
                    removed = await self.store.purge(self.settings.retention_days)
                    if removed:
                        log.info("retention: purged %d old tickets/reports", removed)
                except Exception as exc:
                    self.failures.failed("retention purge", exc)
            await pause(CHECK_EVERY_SECONDS, stop)
            since_purge += CHECK_EVERY_SECONDS
