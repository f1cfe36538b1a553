"""The dialogue's unit of work on SQLite: users, tickets, reports, stats and the outbox.

:class:`SqlConversation` runs on the database thread (see :meth:`Store.unit_of_work`): its
methods are ``async`` to fit the dialogue's port but call sqlite3 directly and never wait.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.core.dialogue.messages import Outgoing
from bot.core.dialogue.ports import Report, Ticket, UserRecord

_TICKET_FIELDS = {"status", "wants_woman", "urgent", "closed_at", "lang"}


@dataclass(frozen=True, slots=True)
class PendingMessage:
    """A message in the outbox, waiting for Telegram to accept it."""

    id: int
    chat_id: int
    kind: str
    payload: dict
    ticket_id: int | None
    attempts: int
    next_attempt_at: float


def _ticket(row: sqlite3.Row | None) -> Ticket | None:
    if row is None:
        return None
    return Ticket(
        id=row["id"], user_id=row["user_id"], chat_id=row["chat_id"], lang=row["lang"],
        status=row["status"], wants_woman=bool(row["wants_woman"]), urgent=bool(row["urgent"]),
    )


def outgoing_payload(message: Outgoing) -> dict:
    return {
        "text": message.text,
        "buttons": [[[b.label, b.data] for b in row] for row in message.buttons],
        "copy_of": list(message.copy_of) if message.copy_of else None,
    }


def enqueue(conn: sqlite3.Connection, message: Outgoing, *, user_id: int | None) -> PendingMessage:
    """Put a message in the outbox (inside the caller's transaction)."""
    payload = outgoing_payload(message)
    kind = "copy" if message.copy_of else "text"
    cur = conn.execute(
        "INSERT INTO outbox (chat_id, kind, payload, ticket_id, user_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (message.chat_id, kind, json.dumps(payload, ensure_ascii=False), message.ticket_id,
         user_id, time.time()))
    return PendingMessage(int(cur.lastrowid or 0), message.chat_id, kind, payload,
                          message.ticket_id, 0, 0.0)


class SqlConversation:
    """Implements :class:`bot.core.dialogue.ports.Conversation` inside one transaction.

    ``queued`` lists what :meth:`enqueue` put in the outbox, for delivery after the commit.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.queued: list[PendingMessage] = []
        self._counts: list[tuple[str, str]] = []

    def _one(self, sql: str, params: tuple = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    async def load_user(self, user_id: int, chat_id: int) -> UserRecord:
        row = self._one(
            "SELECT chat_id, lang, state, share_recent FROM users WHERE user_id = ?", (user_id,))
        if row is None:
            return UserRecord(user_id=user_id, chat_id=chat_id, is_new=True)
        try:
            state = json.loads(row["state"]) or {}
        except ValueError:
            state = {}
        return UserRecord(user_id=user_id, chat_id=chat_id, lang=row["lang"], state=state,
                          share_recent=bool(row["share_recent"]))

    async def save_user(self, user: UserRecord) -> None:
        self.conn.execute(
            "INSERT INTO users (user_id, chat_id, lang, state, share_recent, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET chat_id = excluded.chat_id,"
            " lang = excluded.lang, state = excluded.state, share_recent = excluded.share_recent,"
            " updated_at = excluded.updated_at",
            (user.user_id, user.chat_id, user.lang, json.dumps(user.state, ensure_ascii=False),
             int(user.share_recent), time.time()),
        )

    async def add_activity(self, user_id: int, kind: str, summary: str) -> None:
        self.conn.execute(
            "INSERT INTO recent_activity (user_id, kind, summary, at) VALUES (?, ?, ?, ?)",
            (user_id, kind, summary[:200], time.time()))

    async def recent_activity(self, user_id: int, limit: int = 5) -> list[tuple[str, str]]:
        rows = self.conn.execute(
            "SELECT kind, summary FROM recent_activity WHERE user_id = ? ORDER BY id DESC LIMIT ?",
            (user_id, limit)).fetchall()
        return [(r["kind"], r["summary"]) for r in rows]

    async def open_ticket(self, user: UserRecord, lang: str, *, urgent: bool) -> Ticket:
        cur = self.conn.execute(
            "INSERT INTO tickets (user_id, chat_id, lang, urgent, opened_at) VALUES (?, ?, ?, ?, ?)",
            (user.user_id, user.chat_id, lang, int(urgent), time.time()))
        ticket = _ticket(self._one("SELECT * FROM tickets WHERE id = ?", (cur.lastrowid,)))
        assert ticket is not None
        return ticket

    async def open_ticket_of(self, user_id: int) -> Ticket | None:
        return _ticket(self._one(
            "SELECT * FROM tickets WHERE user_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1",
            (user_id,)))

    async def ticket_for_staff_message(self, chat_id: int, message_id: int) -> Ticket | None:
        return _ticket(self._one(
            "SELECT t.* FROM relay_map m JOIN tickets t ON t.id = m.ticket_id"
            " WHERE m.staff_chat_id = ? AND m.staff_message_id = ?", (chat_id, message_id)))

    async def ticket_by_id(self, ticket_id: int) -> Ticket | None:
        return _ticket(self._one("SELECT * FROM tickets WHERE id = ?", (ticket_id,)))

    async def update_ticket(self, ticket_id: int, **fields: Any) -> None:
        unknown = set(fields) - _TICKET_FIELDS
        if unknown:
            raise ValueError(f"unknown ticket fields: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in fields)  # names from the allow-list
        self.conn.execute(f"UPDATE tickets SET {assignments} WHERE id = ?",  # noqa: S608
                                (*fields.values(), ticket_id))

    async def add_report(self, user_id: int, lang: str, report: Report) -> int:
        cur = self.conn.execute(
            "INSERT INTO reports (user_id, lang, agent_name, agent_phone, story, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, lang, report.agent_name, report.agent_phone, report.story, time.time()))
        return int(cur.lastrowid or 0)

    async def delete_user_data(self, user_id: int) -> list[int]:
        """Remove every row about the user; returns the ids of the tickets removed."""
        tickets = [r["id"] for r in self.conn.execute(
            "SELECT id FROM tickets WHERE user_id = ?", (user_id,)).fetchall()]
        for ticket_id in tickets:
            self.conn.execute("DELETE FROM relay_map WHERE ticket_id = ?", (ticket_id,))
        for table in ("tickets", "reports", "recent_activity", "users"):
            self.conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))  # noqa: S608
        # Messages to the user or relays of their words to staff: undelivered ones are dropped,
        # delivered ones are bookkeeping that still names the person's chat, so they go too.
        self.conn.execute("DELETE FROM outbox WHERE user_id = ?", (user_id,))
        return tickets

    async def count(self, kind: str, key: str) -> None:
        self._counts.append((kind, key))  # written together by finish()

    def finish(self) -> None:
        """Write what is collected for the end of the unit of work (the statistics)."""
        if self._counts:
            day = datetime.now(UTC).date().isoformat()
            self.conn.executemany(
                "INSERT INTO stats (day, kind, key, count) VALUES (?, ?, ?, 1)"
                " ON CONFLICT(day, kind, key) DO UPDATE SET count = count + 1",
                [(day, kind, key) for kind, key in self._counts])
            self._counts.clear()

    async def enqueue(self, message: Outgoing, *, user_id: int | None) -> None:
        self.queued.append(enqueue(self.conn, message, user_id=user_id))
