"""What the dialogue needs from storage, as a protocol (implemented by :mod:`bot.storage`).

Every method is a real ``async`` call: an implementation may wait on its database (aiosqlite
today, a PostgreSQL pool later) and the dialogue awaits it. One :class:`Conversation` is one
transaction: what a single event changes commits together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(slots=True)
class UserRecord:
    user_id: int
    chat_id: int
    lang: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    share_recent: bool = False
    is_new: bool = False


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    user_id: int
    chat_id: int
    lang: str
    status: str
    wants_woman: bool
    urgent: bool
    ref: str = ""  # what people and staff see, e.g. "K7QM-12": never repeats across databases

    def __post_init__(self) -> None:
        if not self.ref:
            object.__setattr__(self, "ref", str(self.id))


@dataclass(frozen=True, slots=True)
class Report:
    agent_name: str
    agent_phone: str
    story: str


class Conversation(Protocol):
    """One unit of work: everything done for one incoming event commits together."""

    async def load_user(self, user_id: int, chat_id: int) -> UserRecord: ...
    async def save_user(self, user: UserRecord) -> None: ...
    async def add_activity(self, user_id: int, kind: str, summary: str) -> None: ...
    async def recent_activity(self, user_id: int, limit: int = 5) -> list[tuple[str, str]]: ...
    async def open_ticket(self, user: UserRecord, lang: str, *, urgent: bool) -> Ticket: ...
    async def open_ticket_of(self, user_id: int) -> Ticket | None: ...
    async def ticket_for_staff_message(self, chat_id: int, message_id: int) -> Ticket | None: ...
    async def ticket_by_id(self, ticket_id: int) -> Ticket | None: ...
    async def update_ticket(self, ticket_id: int, **fields: Any) -> None: ...
    async def add_report(self, user_id: int, lang: str, report: Report) -> int: ...
    async def delete_user_data(self, user_id: int) -> list[str]: ...  # refs of the tickets removed
    async def count(self, kind: str, key: str) -> None: ...
