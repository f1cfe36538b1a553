"""What the dialogue needs from storage, as a protocol (implemented by :mod:`bot.storage`).

Every method is a real ``async`` call: an implementation may wait on its database (aiosqlite
today, a PostgreSQL pool later) and the dialogue awaits it. One :class:`Conversation` is one
transaction: what a single event changes commits together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.core.agencies.watching import Standing
from bot.core.dialogue.messages import Outgoing


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


@dataclass(frozen=True, slots=True)
class Watch:
    """A person asked to be told when a licence changes: the least needed to tell them."""

    user_id: int
    chat_id: int
    license_no: str
    lang: str  # their language when they asked (the saved one wins when they have one)
    seen: Standing  # what they saw, or were last told
    created_at: float
    told_at: float | None = None


@dataclass(frozen=True, slots=True)
class Tell:
    """One person told about their watches in one message: the standings recorded in the same
    transaction as the message, so it is sent once (and never lost) whatever happens."""

    updates: tuple[tuple[Watch, Standing], ...]  # each watch with the standing it now records
    messages: tuple[Outgoing, ...]
    at: float


class WatchLedger(Protocol):
    """The watches as the notifier needs them, outside any conversation."""

    async def watches_after(self, user_id: int | None, people: int) -> list[Watch]: ...
    # every watch of the next `people` persons with a user_id above `user_id`, by user_id
    async def record(self, tells: list[Tell]) -> tuple[list[int], set[int]]: ...
    # one transaction: each Tell whose watches still stand as they were read is recorded and
    # its messages queued; returns the outbox ids and the chats queued


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
    async def add_watch(self, watch: Watch, *, limit: int) -> str: ...  # "added" | "again" | "full"
    async def remove_watch(self, user_id: int, license_no: str | None) -> int: ...  # None: all
