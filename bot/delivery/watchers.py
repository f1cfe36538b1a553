"""Telling watchers, in the running bot: a pass over the watches whenever a new agency list
takes effect (/reload, /import_agencies, /update_agencies, the daily update: every path ends in
`KnowledgeHolder.reload`), once at start-up (what changed while the bot was down, or a pass a
crash cut short), and every hour (people told less than a day ago, licences that expired by
date).

Pacing: the pass queues a small batch of messages (a third of a second's worth at the send
rate), wakes the delivery (``wake``: each channel's outbox), and waits until that batch is
delivered before it queues the next. A person writing to the bot meanwhile finds at most one
batch ahead of their reply, never thousands.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable

from bot.core.dialogue.watch import NotifySummary, notify
from bot.core.knowledge_holder import KnowledgeHolder
from bot.logging_setup import FailureLog
from bot.storage.watches import SqlWatchLedger

log = logging.getLogger(__name__)
EVERY_SECONDS = 3600.0
BATCH_SECONDS = 1 / 3   # a batch is this many seconds of sending at the rate limit
UNLIMITED_BATCH = 50    # the batch when the rate limit is lifted (max_rate 0)
WAIT_FOR_BATCH = 60.0   # a batch that is not delivered by then (a chat backing off) is left behind
CHECK_DELIVERY = 0.05


def batch_size(max_rate: float) -> int:
    return max(1, int(max_rate * BATCH_SECONDS)) if max_rate > 0 else UNLIMITED_BATCH


class WatchNotifier:
    def __init__(self, knowledge: KnowledgeHolder, ledger: SqlWatchLedger,
                 wake: Callable[[Iterable[int]], None], *, unreachable: Callable[[str], bool],
                 max_rate: float, every: float = EVERY_SECONDS) -> None:
        self.knowledge = knowledge
        self.ledger = ledger
        self.wake = wake
        self.unreachable = unreachable  # the error the outbox gave up with: the person is gone
        self.batch = batch_size(max_rate)
        self.every = every
        self.passes = 0
        self.last: NotifySummary | None = None
        self._due = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failures = FailureLog(log)

    def list_changed(self, _knowledge: object = None) -> None:
        """A KnowledgeHolder listener: called in the reloading thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._due.set)

    async def run(self, stop: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self.knowledge.listeners.append(self.list_changed)
        try:
            while not stop.is_set():
                self._due.clear()
                await self.run_pass()
                if self._due.is_set():
                    continue
                waiting = asyncio.create_task(self._due.wait())
                stopping = asyncio.create_task(stop.wait())
                _, pending = await asyncio.wait({waiting, stopping}, timeout=self.every,
                                                return_when=asyncio.FIRST_COMPLETED)
                for task in pending:
                    task.cancel()
        finally:
            with contextlib.suppress(ValueError):
                self.knowledge.listeners.remove(self.list_changed)

    async def run_pass(self) -> NotifySummary | None:
        try:
            summary = await notify(self.knowledge, self.ledger, self._pace, batch=self.batch)
        except Exception as exc:  # the database failing, say: tried again at the next pass
            self._failures.failed("watches: telling people", exc)
            return None
        self._failures.ok("watches: telling people")
        self.passes += 1
        self.last = summary
        if summary.superseded:
            self._due.set()
        if summary.people or summary.deferred:
            log.info("watches: %d people told, %d wait for their daily message", summary.people,
                     summary.deferred)
        return summary

    async def _pace(self, ids: list[int], chats: set[int]) -> None:
        """Wake the delivery for the batch, and wait until it is delivered."""
        self.wake(chats)
        deadline = time.monotonic() + WAIT_FOR_BATCH
        # delivery is recorded in the database (by any instance's outbox): looked at there
        while await self.ledger.waiting(ids) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(CHECK_DELIVERY)
        # A person who blocked the bot (or left Telegram) is not written to again and again:
        # their watches go, as their only use is a message.
        gone = {user_id for user_id, error in await self.ledger.failures(ids) if self.unreachable(error)}
        if gone:
            await self.ledger.forget(gone)
            log.info("watches: %d people cannot be reached (blocked the bot?); their watches "
                     "were removed", len(gone))
