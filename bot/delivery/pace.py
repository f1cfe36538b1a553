"""One send rate for every instance together, kept in the database.

Each instance that sends on a channel reserves its next sends in that channel's shared window
(``Store.send_window``, rows of table ``send_slots``) and makes each send at its time, so that two
or ten instances on one PostgreSQL together keep the channel's limit (``TELEGRAM_MAX_RATE``,
``WHATSAPP_MAX_RATE``). One instance on its own file (SQLite) needs no shared window: its client
library's own limiter keeps the rate, and this pace does nothing.

- **The server's own rule, a sliding window.** Meta (and Telegram) allow at most ``max_rate``
  messages in *any* one second; so a send may go at once unless ``max_rate`` sends already went
  in the last ``WINDOW`` seconds. After a stall (GC, a busy core) the sends that queued meanwhile
  go at once, in the room the stall left in the window: evenly spaced slots (the earlier pace,
  0.95 × max_rate a second) could never catch up, and at 75 messages/s offered against 76 slots/s
  a 0.5-s stall took ~37 s to drain.
- **The margin.** ``WINDOW`` is 1.04 s, not 1 s: two sends ``max_rate`` apart are at least 1.04 s
  apart on the wall clock, so the second may reach the server up to 40 ms sooner, relative to the
  first, than planned (request jitter; the clocks are the same on one machine, NTP keeps them
  within a few ms across machines) and the server still counts at most ``max_rate`` in a second.
  A send woken more than ``late`` (20 ms, half the margin, the other half for the request on its
  way) after its time takes a new one rather than crowd the window. The cost: at most
  max_rate / 1.04 sends a second in the long run (76.9 at WhatsApp's 80).
- **One round trip for many sends.** The sends waiting in an instance while its last
  reservation was on its way are reserved together, in one transaction (up to ``MAX_BATCH``):
  under load an instance pays one reservation for several messages, an idle one one per
  message. Only sends that wait get a time, so none is reserved for nothing.
- **Times are on the wall clock** (``time.time()``, the same on every instance of one machine),
  so the time a reservation takes to come back does not move the send.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

WINDOW = 1.04  # seconds: at most max_rate sends in any WINDOW (the margin: see above)
SPACING = 0.5  # seconds / max_rate between two sends at least: a burst goes at twice the rate,
# so that the window does not echo it (a burst of 80 at once would return 1.04 s later)
SHARED_PACE = 0.95  # without the window: evenly spaced slots per second, of max_rate
MARGIN_LATE = 0.02  # seconds a send may be woken after its time (half of WINDOW - 1)
LATE_TRIES = 5  # a send woken up late this often in a row goes anyway
MAX_BATCH = 16  # slots reserved in one round trip, at most (0.2 s of WhatsApp's 80/s)


class SlotStore(Protocol):
    @property
    def shared(self) -> bool: ...
    async def send_window(self, name: str, limit: int, window: float, count: int,
                          spacing: float) -> list[float]: ...
    async def send_slots(self, name: str, interval: float, count: int) -> float: ...


class SharedPace:
    """``await pace.wait()`` before each send on channel ``name``."""

    def __init__(self, store: SlotStore, name: str, max_rate: float, *, window: bool = False) -> None:
        """``window``: the sliding window (WhatsApp); without it evenly spaced slots at
        ``SHARED_PACE`` x max_rate (Telegram, whose two-instance test drew 429s with the window;
        not looked into yet)."""
        self.store = store
        self.name = name
        self.window = window
        self.limit = max(1, int(max_rate)) if max_rate > 0 else 0
        self.interval = 1 / (max_rate * SHARED_PACE) if max_rate > 0 else 0.0
        allowed = (max_rate - 1) / (max_rate * SHARED_PACE) - 1 if max_rate > 1 else 0.0
        self.late = MARGIN_LATE if window else max(self.interval / 2, allowed / 2)
        self._waiting: list[asyncio.Future[float]] = []
        self._reserving: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        return self.limit > 0 and self.store.shared

    async def wait(self) -> None:
        if not self.active:
            return
        for _ in range(LATE_TRIES):
            slot = await self._slot()
            await asyncio.sleep(max(0.0, slot - time.time()))
            if time.time() - slot <= self.late:
                return

    def _slot(self) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting.append(future)
        if self._reserving is None:
            self._reserving = asyncio.get_running_loop().create_task(self._reserve())
        return future

    async def _reserve(self) -> None:
        """Reserve times for every send waiting, ``MAX_BATCH`` per round trip."""
        batch: list[asyncio.Future[float]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                try:
                    if self.window:
                        times = await self.store.send_window(self.name, self.limit, WINDOW, len(batch),
                                                             SPACING / self.limit)
                    else:
                        first = await self.store.send_slots(self.name, self.interval, len(batch))
                        times = [first + n * self.interval for n in range(len(batch))]
                except Exception as exc:  # the database: each waiting send hears it
                    for future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for future, at in zip(batch, times, strict=True):
                    if not future.done():  # a waiter cancelled meanwhile leaves its time unused
                        future.set_result(at)
        finally:
            self._reserving = None
            for future in batch + self._waiting:  # cancelled meanwhile: nobody waits for ever
                if not future.done():
                    future.cancel()
            self._waiting = []
