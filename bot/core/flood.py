"""The flood limit: how many messages and button presses one person may send a minute, on any
channel (USER_FLOOD_PER_MINUTE). Each instance counts the people it serves."""

from __future__ import annotations

import time


class FloodGuard:
    """At most ``per_minute`` messages and button presses per person in each clock minute.

    Counts are kept for the current minute only, so memory stays flat by construction.
    """

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._minute = -1
        self._counts: dict[int, int] = {}
        self._warned: set[int] = set()

    def allow(self, user_id: int, now: float | None = None) -> bool:
        minute = int((time.monotonic() if now is None else now) // 60)
        if minute != self._minute:
            self._minute, self._counts, self._warned = minute, {}, set()
        count = self._counts[user_id] = self._counts.get(user_id, 0) + 1
        return self.per_minute <= 0 or count <= self.per_minute

    def should_warn(self, user_id: int) -> bool:
        """True once per person and minute: the first refused message is answered."""
        if user_id in self._warned:
            return False
        self._warned.add(user_id)
        return True
