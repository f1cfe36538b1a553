"""One send rate for every instance together, kept in the database.

Each instance that sends on a channel reserves the next free slots of that channel's pace
(``Store.send_slots``, table ``send_slots``) and sends each message at its slot, so that two or
ten instances on one PostgreSQL together stay at the channel's limit (``TELEGRAM_MAX_RATE``,
``WHATSAPP_MAX_RATE``). One instance on its own file (SQLite) needs no shared slot: its client
library's own limiter keeps the rate, and this pace does nothing.

- **One round trip for many sends.** The sends waiting in an instance while its last
  reservation was on its way are reserved together, in one statement (up to ``MAX_BATCH``
  consecutive slots): under load an instance pays one round trip for several messages, and an
  idle one one per message, as before. Only sends that wait get a slot, so no slot is reserved
  for nothing.
- **Slots are times on the wall clock** (``time.time()``, the same on every instance of one
  machine, and kept by NTP across machines), so the time a reservation takes to come back does
  not move the send.
- ``SHARED_PACE`` keeps 5% to spare, and a send woken more than ``late`` seconds after its
  slot (a busy machine) takes a new slot instead of crowding the next ones: with slots at
  ``0.95 * max_rate`` a second, sends at most ``late`` after their slot never put more than
  ``max_rate`` in any one second (``late`` is half of what that allows, for the jitter of the
  request on its way).
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

SHARED_PACE = 0.95  # slots per second, of max_rate
LATE_TRIES = 5  # a send woken up late this often in a row goes anyway
MAX_BATCH = 16  # slots reserved in one round trip, at most (0.2 s of WhatsApp's 80/s)


class SlotStore(Protocol):
    @property
    def shared(self) -> bool: ...
    async def send_slots(self, name: str, interval: float, count: int) -> float: ...


class SharedPace:
    """``await pace.wait()`` before each send on channel ``name``."""

    def __init__(self, store: SlotStore, name: str, max_rate: float) -> None:
        self.store = store
        self.name = name
        self.interval = 1 / (max_rate * SHARED_PACE) if max_rate > 0 else 0.0
        # 0.95 r slots a second, each sent up to L late: at most 0.95 r (1 + L) + 1 in a second
        allowed = (max_rate - 1) / (max_rate * SHARED_PACE) - 1 if max_rate > 1 else 0.0
        self.late = max(self.interval / 2, allowed / 2)
        self._waiting: list[asyncio.Future[float]] = []
        self._reserving: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        return self.interval > 0 and self.store.shared

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
        """Reserve slots for every send waiting, ``MAX_BATCH`` per round trip."""
        batch: list[asyncio.Future[float]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                try:
                    first = await self.store.send_slots(self.name, self.interval, len(batch))
                except Exception as exc:  # the database: each waiting send hears it
                    for future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for n, future in enumerate(batch):
                    if not future.done():  # a waiter cancelled meanwhile leaves its slot unused
                        future.set_result(first + n * self.interval)
        finally:
            self._reserving = None
            for future in batch + self._waiting:  # cancelled meanwhile: nobody waits for ever
                if not future.done():
                    future.cancel()
            self._waiting = []
