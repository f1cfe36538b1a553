"""A send pace that every instance on one database keeps together (``TELEGRAM_MAX_RATE``,
``WHATSAPP_MAX_RATE``): the one place that owns it, for both channels.

Each send first reserves the next free slot of the pace named ``name`` in the database
(:meth:`bot.storage.store.Store.send_slot`, table ``send_slots``: one statement per message),
then waits for it. The slots are a little closer apart than ``1 / max_rate`` would give
(``SHARED_PACE``): a slot is kept by when the message leaves, and two processes on a busy
machine leave a few milliseconds off their slot. A slot woken up for too late (a busy
machine) is left, not crowded into, so a late process never makes a burst. On SQLite (one
process) the pace is not shared and :attr:`SharedPace.active` is False: the channel's own
in-process limiter does the job without a round trip.
"""

from __future__ import annotations

import asyncio
import time

from bot.storage.store import Store

SHARED_PACE = 0.95
LATE_SLOTS = 5  # slots left because they were woken up for too late, before sending anyway


class SharedPace:
    """``max_rate`` sends a second through ``name``, all instances together (0: no limit)."""

    def __init__(self, store: Store, name: str, max_rate: float) -> None:
        self.store = store
        self.name = name
        self.max_rate = max_rate

    @property
    def active(self) -> bool:
        """Whether there is a limit to share (a rate, and a database other instances use)."""
        return self.max_rate > 0 and self.store.shared

    @property
    def interval(self) -> float:
        return 1 / (self.max_rate * SHARED_PACE)

    async def wait(self) -> None:
        """Wait for this send's slot (at once when the pace is not active)."""
        if not self.active:
            return
        interval = self.interval
        for _ in range(LATE_SLOTS):
            slot = time.monotonic() + await self.store.send_slot(self.name, interval)
            await asyncio.sleep(max(0.0, slot - time.monotonic()))
            if time.monotonic() - slot < interval / 2:
                return
