"""One send rate for every instance together, kept in the database.

Each instance that sends on a channel first reserves the next slot of that channel's pace
(``Store.send_slot``: one statement per message, table ``send_slots``) and waits for it, so
that two or ten instances on one PostgreSQL together stay at the channel's limit
(``TELEGRAM_MAX_RATE``, ``WHATSAPP_MAX_RATE``). One instance on its own file (SQLite) needs no
shared slot: its client library's own limiter keeps the rate, and this pace does nothing.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

# A little below max_rate: a slot is kept by when the message leaves, and two processes on a
# busy machine leave a few ms off their slot.
SHARED_PACE = 0.95
LATE_TRIES = 5  # a slot woken up for late (a busy machine) is left, not crowded into


class SlotStore(Protocol):
    @property
    def shared(self) -> bool: ...
    async def send_slot(self, name: str, interval: float) -> float: ...


class SharedPace:
    """``await pace.wait()`` before each send on channel ``name``."""

    def __init__(self, store: SlotStore, name: str, max_rate: float) -> None:
        self.store = store
        self.name = name
        self.interval = 1 / (max_rate * SHARED_PACE) if max_rate > 0 else 0.0

    @property
    def active(self) -> bool:
        return self.interval > 0 and self.store.shared

    async def wait(self) -> None:
        if not self.active:
            return
        for _ in range(LATE_TRIES):
            slot = time.monotonic() + await self.store.send_slot(self.name, self.interval)
            await asyncio.sleep(max(0.0, slot - time.monotonic()))
            if time.monotonic() - slot < self.interval / 2:
                return
