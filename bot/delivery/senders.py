"""Each chat's waiting messages, sent in order by one sender at a time, on any channel.

A chat with messages in the outbox gets one sender task in this process. The task first takes
the chat's lease in the database (``outbox_leases``): among several instances on one database,
only the lease holder sends a chat's messages, so their order holds. It then asks its
:class:`Queue` for the next message (or batch) and has it delivered, until the chat's queue is
empty or a delivery is held back (a retry later, a back-off). Leases in use are renewed every
``renew`` seconds; one that is not renewed (its instance was killed) runs out after ``lease``
seconds and the chat goes to whichever instance scans next. A background scan every ``poll``
seconds picks up chats left over by an earlier run and retries that are due.

What a delivery is (Telegram's Bot API, WhatsApp's Cloud API) is the channel's business: this
module knows only chats, leases and time.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable, Iterable
from typing import Protocol

from bot.logging_setup import FailureLog
from bot.storage import PendingMessage, Store

MAX_BACKOFF = 30.0
LEASE_SECONDS = 5.0  # a chat's lease runs out this long after its holder last renewed it
RENEW_SECONDS = 1.0  # how often an instance renews its leases (and gives up idle ones)


class Queue(Protocol):
    """One channel's side of sending: what goes next in a chat, and sending it."""

    async def next(self, chat_id: int) -> list[PendingMessage] | None:
        """The next message(s) to send in one go; [] when the chat has none; None when the
        chat is held back now (it is tried again later, its lease kept)."""

    async def deliver(self, batch: list[PendingMessage]) -> bool:
        """Send and record the outcome. False: held back (call :meth:`ChatSenders.back_off`)."""


class ChatSenders:
    def __init__(self, store: Store, queue: Queue, *, holder: str, failures: FailureLog,
                 lease: float = LEASE_SECONDS, renew: float = RENEW_SECONDS, poll: float = 0.5,
                 linger: Callable[[int], float] = lambda _chat: 0.0,
                 owns: Callable[[int], bool] = lambda _chat: True) -> None:
        self.store = store
        self.queue = queue
        self.holder = holder  # this instance, in the leases it holds
        self.lease = lease
        self.renew = renew
        self.poll = poll
        self.linger = linger  # seconds a chat's lease is kept after its queue ran empty
        self.owns = owns  # the chats this channel sends to (the scan finds every channel's)
        self._failures = failures
        self._tasks: dict[int, asyncio.Task] = {}
        self._again: set[int] = set()  # woken while its sender was reading: look once more
        self._not_before: dict[int, float] = {}  # chat -> when it may be tried again
        self._held: dict[int, float] = {}  # chat -> when its lease may be given up (inf: in use)
        self._loops: list[asyncio.Task] = []

    def wake(self, chat_ids: Iterable[int]) -> None:
        """Messages for these chats were committed: send them now, in the background."""
        now = time.monotonic()
        for chat_id in chat_ids:
            if not self.owns(chat_id):
                continue
            if chat_id in self._tasks:
                self._again.add(chat_id)
            elif self._not_before.get(chat_id, 0) <= now:
                self._not_before.pop(chat_id, None)
                task = asyncio.create_task(self._send_chat(chat_id))
                self._tasks[chat_id] = task
                task.add_done_callback(lambda _t, c=chat_id: self._tasks.pop(c, None))

    def back_off(self, chat_id: int, seconds: float) -> None:
        """Do not try this chat again for ``seconds`` (its lease is kept meanwhile)."""
        self._not_before[chat_id] = time.monotonic() + seconds

    async def idle(self, within: float = MAX_BACKOFF) -> None:
        """Wait until no chat is being sent to, or due to be tried again within ``within``
        seconds (tests, benchmarks). A retry that came due is the scan's within ``poll`` seconds."""
        while True:
            now = time.monotonic()
            if not self._tasks and not any(now - 2 * self.poll < t <= now + within
                                           for t in self._not_before.values()):
                return
            if self._tasks:
                await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)
            else:
                await asyncio.sleep(min(self.poll, 0.05))

    async def start(self) -> None:
        if not self.store.shared:
            await self.store.release_leases()  # one process per SQLite file: none is held
        self._loops = [asyncio.create_task(self._scan()), asyncio.create_task(self._keep_leases())]

    async def stop(self, grace: float = 5.0) -> None:
        """Let sends in flight finish (up to ``grace`` seconds), then stop."""
        scan, keeper = self._loops or (None, None)
        await _cancelled(scan)
        senders = list(self._tasks.values())
        if senders:
            _, late = await asyncio.wait(senders, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await _cancelled(keeper)
        self._loops = []
        if self._held:
            self._held.clear()
            with contextlib.suppress(Exception):  # else they run out after the lease
                await self.store.release_leases(self.holder)

    async def _scan(self) -> None:
        while True:
            try:
                self.wake(await self.store.chats_with_pending_messages(self.holder))
            except Exception as exc:  # keep the loop alive whatever happens
                self._failures.failed("outbox: reading the queue", exc)
            await asyncio.sleep(self.poll)

    async def _keep_leases(self) -> None:
        """Renew the leases in use, give up the idle ones."""
        while True:
            try:
                now = time.monotonic()
                for chat_id, until in list(self._held.items()):
                    if until <= now and chat_id not in self._tasks:
                        del self._held[chat_id]
                        await self.store.release_chat(chat_id, self.holder)
                if self._held:
                    await self.store.renew_leases(self.holder, self.lease)
            except Exception as exc:
                self._failures.failed("outbox: renewing leases", exc)
            await asyncio.sleep(self.renew)

    async def _send_chat(self, chat_id: int) -> None:
        try:
            while True:
                if not await self.store.claim_chat(chat_id, self.holder, self.lease):
                    self._again.discard(chat_id)
                    return  # another instance sends this chat's messages now (and reads what is new)
                self._held[chat_id] = math.inf
                if not await self._send_in_order(chat_id):
                    return  # held back: the lease is kept (renewed) until it is tried again
                linger = self.linger(chat_id)
                if linger > 0:  # kept a while (a group's pace stays with its holder)
                    self._held[chat_id] = time.monotonic() + linger
                    return
                del self._held[chat_id]  # given up at once (it names a person's chat)
                await self.store.release_chat(chat_id, self.holder)
                if chat_id not in self._again:  # woken while it was given up: once more
                    return
        except Exception as exc:  # the database failing, say: logged once, tried again later
            self._failures.failed("outbox: delivering", exc)
            self.back_off(chat_id, MAX_BACKOFF)

    async def _send_in_order(self, chat_id: int) -> bool:
        """Send until the chat's queue is empty (True) or a message is held back (False)."""
        while True:
            self._again.discard(chat_id)
            batch = await self.queue.next(chat_id)
            if batch is None:
                return False
            if not batch:
                if chat_id in self._again:
                    continue
                return True
            if not await self.queue.deliver(batch):
                return False


async def _cancelled(task: asyncio.Task | None) -> None:
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
