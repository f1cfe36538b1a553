"""The dialogue's unit of work: users, tickets, reports, stats and the outbox.

:class:`SqlConversation` implements :class:`bot.core.dialogue.ports.Conversation` inside one
transaction (see :meth:`bot.storage.store.Store.unit_of_work`), on the connection seam
(:mod:`bot.storage.sql`): the same statements on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.core.dialogue.messages import Button, MediaRef, Outgoing
from bot.core.dialogue.ports import Report, Ticket, UserRecord
from bot.storage.sql import Connection, Row
from bot.storage.watches import WatchRows

_TICKET_FIELDS = {"status", "wants_woman", "urgent", "closed_at", "lang"}


@dataclass(frozen=True, slots=True)
class PendingMessage:
    """A message in the outbox, waiting for Telegram to accept it."""

    id: int
    chat_id: int
    payload: dict
    ticket_id: int | None
    attempts: int
    attachment: bytes | None = None
    urgent: bool = False  # its ticket is urgent (the staff queue serves those first)
    parts_done: int = 0  # parts the channel accepted already (a row sent as several messages)
    invited_for: float | None = None  # the person was invited back for this last-inbound time
    last_inbound: float | None = None  # when the person last wrote (a chat with one person)


def ticket_from_row(row: Row | None, token: str) -> Ticket | None:
    if row is None:
        return None
    return Ticket(
        id=row["id"], user_id=row["user_id"], chat_id=row["chat_id"], lang=row["lang"],
        status=row["status"], wants_woman=bool(row["wants_woman"]), urgent=bool(row["urgent"]),
        ref=f"{token}-{row['id']}",
    )


def outgoing_payload(message: Outgoing) -> dict:
    payload: dict[str, Any] = {"text": message.text}
    if message.buttons:
        payload["buttons"] = [[[b.label, b.data] for b in row] for row in message.buttons]
        shorts = {b.data: b.short for row in message.buttons for b in row if b.short}
        if shorts:
            payload["short"] = shorts
    if message.copy_of:
        payload["copy_of"] = list(message.copy_of)
    if message.attachment:
        payload["file"] = [message.attachment.kind, message.attachment.filename]
    if message.lang:
        payload["lang"] = message.lang
    if message.media_ref:
        ref = message.media_ref
        payload["media_ref"] = [ref.channel, ref.kind, ref.ref, ref.filename, ref.mime_type]
    return payload


def outgoing_from_payload(chat_id: int, payload: dict) -> Outgoing:
    """The :class:`Outgoing` an outbox payload was made from (without its attachment bytes)."""
    shorts = payload.get("short") or {}
    buttons = tuple(tuple(Button(label, data, shorts.get(data)) for label, data in row)
                    for row in payload.get("buttons") or ())
    copy_of = payload.get("copy_of")
    ref = payload.get("media_ref")
    return Outgoing(chat_id, payload.get("text", ""), buttons,
                    copy_of=(int(copy_of[0]), int(copy_of[1])) if copy_of else None,
                    media_ref=MediaRef(*ref) if ref else None, lang=payload.get("lang"))


async def enqueue(conn: Connection, message: Outgoing, *, user_id: int | None) -> int:
    """Put a message in the outbox (inside the caller's transaction); returns its id."""
    return await conn.insert(
        "INSERT INTO outbox (chat_id, kind, payload, ticket_id, user_id, created_at, attachment)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (message.chat_id, "copy" if message.copy_of else "text",
         json.dumps(outgoing_payload(message), ensure_ascii=False), message.ticket_id, user_id,
         time.time(), message.attachment.data if message.attachment else None))


class SqlConversation(WatchRows):
    """Implements :class:`bot.core.dialogue.ports.Conversation` inside one transaction.

    ``queued_chats`` names the chats :meth:`enqueue` put messages in, to wake the outbox
    after the commit.
    """

    def __init__(self, conn: Connection, token: str) -> None:
        self.conn = conn
        self.token = token
        self.queued_chats: set[int] = set()

    async def _ticket(self, sql: str, params: tuple) -> Ticket | None:
        return ticket_from_row(await self.conn.fetchone(sql, params), self.token)

    async def load_user(self, user_id: int, chat_id: int) -> UserRecord:
        row = await self.conn.fetchone(
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
        await self.conn.execute(
            "INSERT INTO users (user_id, chat_id, lang, state, share_recent, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET chat_id = excluded.chat_id,"
            " lang = excluded.lang, state = excluded.state, share_recent = excluded.share_recent,"
            " updated_at = excluded.updated_at",
            (user.user_id, user.chat_id, user.lang, json.dumps(user.state, ensure_ascii=False),
             int(user.share_recent), time.time()),
        )

    async def add_activity(self, user_id: int, kind: str, summary: str) -> None:
        await self.conn.execute(
            "INSERT INTO recent_activity (user_id, kind, summary, at) VALUES (?, ?, ?, ?)",
            (user_id, kind, summary[:200], time.time()))

    async def recent_activity(self, user_id: int, limit: int = 5) -> list[tuple[str, str]]:
        rows = await self.conn.fetchall(
            "SELECT kind, summary FROM recent_activity WHERE user_id = ? ORDER BY id DESC LIMIT ?",
            (user_id, limit))
        return [(r["kind"], r["summary"]) for r in rows]

    async def open_ticket(self, user: UserRecord, lang: str, *, urgent: bool) -> Ticket:
        ticket_id = await self.conn.insert(
            "INSERT INTO tickets (user_id, chat_id, lang, urgent, opened_at) VALUES (?, ?, ?, ?, ?)",
            (user.user_id, user.chat_id, lang, int(urgent), time.time()))
        ticket = await self.ticket_by_id(ticket_id)
        assert ticket is not None
        return ticket

    async def open_ticket_of(self, user_id: int) -> Ticket | None:
        return await self._ticket(
            "SELECT * FROM tickets WHERE user_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1",
            (user_id,))

    async def ticket_for_staff_message(self, chat_id: int, message_id: int) -> Ticket | None:
        return await self._ticket(
            "SELECT t.* FROM relay_map m JOIN tickets t ON t.id = m.ticket_id"
            " WHERE m.staff_chat_id = ? AND m.staff_message_id = ?", (chat_id, message_id))

    async def ticket_by_id(self, ticket_id: int) -> Ticket | None:
        return await self._ticket("SELECT * FROM tickets WHERE id = ?", (ticket_id,))

    async def update_ticket(self, ticket_id: int, **fields: Any) -> None:
        unknown = set(fields) - _TICKET_FIELDS
        if unknown:
            raise ValueError(f"unknown ticket fields: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = ?" for name in fields)  # names from the allow-list
        values = (int(v) if isinstance(v, bool) else v for v in fields.values())  # flags are 0/1
        await self.conn.execute(f"UPDATE tickets SET {assignments} WHERE id = ?",  # noqa: S608
                                (*values, ticket_id))

    async def add_report(self, user_id: int, lang: str, report: Report) -> int:
        return await self.conn.insert(
            "INSERT INTO reports (user_id, lang, agent_name, agent_phone, story, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, lang, report.agent_name, report.agent_phone, report.story, time.time()))

    async def delete_user_data(self, user_id: int) -> list[str]:
        """Remove every row about the user; returns the references of the tickets removed."""
        tickets = [r["id"] for r in await self.conn.fetchall(
            "SELECT id FROM tickets WHERE user_id = ? ORDER BY id", (user_id,))]
        await self.conn.execute(
            "DELETE FROM relay_map WHERE ticket_id IN (SELECT id FROM tickets WHERE user_id = ?)", (user_id,))
        for table in ("tickets", "reports", "recent_activity", "users", "last_inbound", "delivery_marks"):
            await self.conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))  # noqa: S608
        # Messages to the user or relays of their words to staff: undelivered ones are dropped,
        # delivered ones are bookkeeping that still names the person's chat, so they go too.
        await self.conn.execute("DELETE FROM outbox WHERE user_id = ?", (user_id,))
        return [f"{self.token}-{t}" for t in tickets]

    async def count(self, kind: str, key: str) -> None:
        await self.conn.execute(
            "INSERT INTO stats (day, kind, key, count) VALUES (?, ?, ?, 1)"
            " ON CONFLICT(day, kind, key) DO UPDATE SET count = stats.count + 1",
            (datetime.now(UTC).date().isoformat(), kind, key))

    async def note_inbound(self, user_id: int, at: float) -> None:
        """The person wrote at ``at`` (a channel's customer-service window starts again)."""
        await self.conn.execute(
            "INSERT INTO last_inbound (user_id, at) VALUES (?, ?)"
            " ON CONFLICT(user_id) DO UPDATE SET at = excluded.at", (user_id, at))

    async def enqueue(self, message: Outgoing, *, user_id: int | None) -> None:
        await enqueue(self.conn, message, user_id=user_id)
        self.queued_chats.add(message.chat_id)
