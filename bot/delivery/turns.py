"""Whose message goes next into the shared staff chat.

The staff chat is shared by every ticket, and a group takes only about 20 messages a minute.
The next message is chosen per ticket: urgent tickets first, then the ticket served longest
ago (round robin); and a ticket's waiting plain texts go together as one message. One person's
flood therefore never holds back another's first message by more than a slot or two, and each
ticket's own messages stay in order.
"""

from __future__ import annotations

import time

from bot.core.markup import visible_length
from bot.storage import PendingMessage

COMBINED_LIMIT = 4000  # a combined relay stays below Telegram's 4096 characters


class TicketTurns:
    def __init__(self, combined_limit: int = COMBINED_LIMIT) -> None:
        self.combined_limit = combined_limit
        self._served: dict[int, float] = {}  # ticket -> when last served

    def choose(self, waiting: list[PendingMessage]) -> list[PendingMessage]:
        """The batch to send next from the staff chat's waiting messages (oldest first)."""
        if not waiting:
            return []
        heads: dict[int, list[PendingMessage]] = {}
        for message in waiting:
            heads.setdefault(message.ticket_id or 0, []).append(message)
        ticket = min(heads, key=lambda t: (not heads[t][0].urgent, self._served.get(t, 0.0), heads[t][0].id))
        # only tickets that are waiting need remembering (memory stays flat)
        self._served = {t: self._served[t] for t in heads if t in self._served}
        self._served[ticket] = time.monotonic()
        return self._combined(heads[ticket])

    def _combined(self, queue: list[PendingMessage]) -> list[PendingMessage]:
        """The head of a ticket's queue, with the plain texts right behind it joined on."""
        batch = [queue[0]]
        if not _plain_text(queue[0]):
            return batch
        length = visible_length(queue[0].payload.get("text", ""))
        for message in queue[1:]:
            size = visible_length(message.payload.get("text", "")) + 2
            if not _plain_text(message) or length + size > self.combined_limit:
                break
            batch.append(message)
            length += size
        return batch


def _plain_text(message: PendingMessage) -> bool:
    p = message.payload
    return not (p.get("copy_of") or p.get("file") or p.get("buttons") or p.get("media_ref"))
