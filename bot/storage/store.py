"""The store: units of work for incoming updates, the outbox queue, stats, reports, purging."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from bot.core.dialogue.messages import Outgoing
from bot.core.dialogue.ports import Ticket
from bot.storage.conversation import PendingMessage, SqlConversation, ticket_from_row
from bot.storage.database import Database
from bot.storage.errors import DatabaseUnusable, StorageConflict, StorageError
from bot.storage.sql import Database as AnyDatabase
from bot.storage.sql import Row

if TYPE_CHECKING:
    from bot.config import Settings

PROCESSED_UPDATES_KEPT_SECONDS = 7 * 24 * 3600
CONFLICT_ATTEMPTS = 3  # a unit of work PostgreSQL rolled back to end a deadlock runs again
T = TypeVar("T")

__all__ = ["AlreadyProcessed", "DatabaseUnusable", "Done", "PendingMessage", "StorageError", "Store",
           "open_store"]

@dataclass(frozen=True, slots=True)
class Done(Generic[T]):
    """What a unit of work returned, and the chats it put messages in the outbox for."""

    value: T
    queued_chats: set[int]


class AlreadyProcessed(Exception):
    """The update was handled before (Telegram delivered it again after a crash)."""


def _pending(row: Row) -> PendingMessage:
    return PendingMessage(row["id"], row["chat_id"], json.loads(row["payload"]), row["ticket_id"],
                          row["attempts"], row["attachment"], bool(row["urgent"]), int(row["parts_done"]),
                          None if row["invited_for"] is None else float(row["invited_for"]),
                          None if row["last_inbound"] is None else float(row["last_inbound"]))


_PENDING_SQL = (
    "SELECT o.id, o.chat_id, o.payload, o.ticket_id, o.attempts, o.attachment, o.parts_done, o.invited_for,"
    " COALESCE(t.urgent, 0) AS urgent, (SELECT i.at FROM last_inbound i WHERE i.user_id = o.chat_id)"
    " AS last_inbound FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket_id"
    " WHERE o.chat_id = ? AND o.delivered_at IS NULL AND o.failed = 0 ORDER BY o.id LIMIT ?")


async def open_store(settings: Settings) -> Store:
    """The store the settings name: PostgreSQL when ``DATABASE_URL`` is set, else the SQLite file
    in ``DATA_DIR``. Raises :class:`DatabaseUnusable` (with a message for the operator)."""
    if settings.database_url:
        from bot.storage.postgres import PostgresDatabase  # asyncpg only when it is used

        return Store(await PostgresDatabase(settings.database_url).open())
    return await Store.open(settings.database_path)


_DELIVERED_SQL = ("UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, payload = '{}',"
                  " attachment = NULL WHERE id = ?")
_PENDING_HELD_SQL = _PENDING_SQL.replace(" ORDER BY", " AND EXISTS (SELECT 1 FROM outbox_leases l"
                                         " WHERE l.chat_id = ? AND l.holder = ? AND l.expires_at >= ?)"
                                         " ORDER BY")


class Store:
    """Everything the bot keeps, on either database (``db``: :class:`bot.storage.sql.Database`)."""

    def __init__(self, db: AnyDatabase) -> None:
        self.db = db

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """The SQLite store at ``path``. Raises :class:`DatabaseUnusable` (with a message for the
        operator) when it cannot."""
        return cls(await Database(path).open())

    async def close(self) -> None:
        await self.db.close()

    @property
    def token(self) -> str:
        return self.db.token

    async def unit_of_work(self, update_id: int | None,
                           work: Callable[[SqlConversation], Awaitable[T]], *,
                           chat_key: int | None = None) -> Done[T]:
        """Run ``work`` in one transaction; raises AlreadyProcessed for a repeated update_id.

        Marking the update processed commits together with everything it caused, so a crash
        either loses the whole update (Telegram sends it again) or none of it; the same update
        reaching two instances at once commits once (the second waits for the first, then finds
        it done). Units of work with the same ``chat_key`` follow each other, also across
        instances (SQLite has only one at a time anyway).
        """
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            try:
                async with self.db.transaction(chat_key) as conn:
                    if update_id is not None:
                        added = await conn.execute("INSERT INTO processed_updates (update_id, at)"
                                                   " VALUES (?, ?) ON CONFLICT DO NOTHING",
                                                   (update_id, time.time()))
                        if added == 0:
                            raise AlreadyProcessed(update_id)
                    conversation = SqlConversation(conn, self.token)
                    value = await work(conversation)
                return Done(value, conversation.queued_chats)
            except StorageConflict:
                if attempt == CONFLICT_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    async def answer(self, update_id: int | None, messages: Iterable[Outgoing], *,
                     user_id: int | None = None, chat_key: int | None = None) -> set[int] | None:
        """Mark the update handled and queue ``messages`` in one transaction; returns their chats,
        or None when the update was handled before."""
        messages = list(messages)  # a unit of work a deadlock rolled back runs again

        async def queue(conversation: SqlConversation) -> None:
            for message in messages:
                await conversation.enqueue(message, user_id=user_id)

        try:
            return (await self.unit_of_work(update_id, queue, chat_key=chat_key)).queued_chats
        except AlreadyProcessed:
            return None

    async def enqueue(self, messages: Iterable[Outgoing], *, user_id: int | None = None) -> set[int]:
        """Queue messages outside any update (notices, admin answers); returns their chats."""
        return await self.answer(None, messages, user_id=user_id) or set()

    # --- the outbox -------------------------------------------------------------------

    async def chats_with_pending_messages(self, holder: str | None = None) -> list[int]:
        """Chats with messages waiting, oldest first. With ``holder``: only the chats no other
        instance is sending to (no lease, an expired one, or ``holder``'s own)."""
        if holder is None:
            rows = await self.db.fetchall(
                "SELECT chat_id FROM outbox WHERE delivered_at IS NULL AND failed = 0"
                " GROUP BY chat_id ORDER BY MIN(id)")
        else:
            rows = await self.db.fetchall(
                "SELECT o.chat_id FROM outbox o LEFT JOIN outbox_leases l ON l.chat_id = o.chat_id"
                " WHERE o.delivered_at IS NULL AND o.failed = 0"
                " AND (l.chat_id IS NULL OR l.holder = ? OR l.expires_at < ?)"
                " GROUP BY o.chat_id ORDER BY MIN(o.id)", (holder, time.time()))
        return [row["chat_id"] for row in rows]

    async def pending(self, chat_id: int, limit: int = 1, *,
                      holder: str | None = None) -> list[PendingMessage]:
        """The oldest undelivered messages of a chat, in order (with their ticket's urgency).
        With ``holder``: none unless ``holder`` still holds the chat's lease."""
        if holder is None:
            rows = await self.db.fetchall(_PENDING_SQL, (chat_id, limit))
        else:
            rows = await self.db.fetchall(_PENDING_HELD_SQL, (chat_id, chat_id, holder, time.time(), limit))
        return [_pending(r) for r in rows]

    # --- many instances: who sends to which chat, and the pace they share ---------------

    @property
    def shared(self) -> bool:
        """Other instances may use this database at the same time (PostgreSQL)."""
        return self.db.dialect == "postgres"

    async def claim_chat(self, chat_id: int, holder: str, seconds: float) -> bool:
        """Take (or keep) the lease on sending ``chat_id``'s messages for ``seconds``; False when
        another instance holds it and has renewed it in time."""
        now = time.time()
        return await self.db.execute(
            "INSERT INTO outbox_leases (chat_id, holder, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
            " WHERE outbox_leases.holder = excluded.holder OR outbox_leases.expires_at < ?",
            (chat_id, holder, now + seconds, now)) > 0

    async def renew_leases(self, holder: str, seconds: float) -> int:
        """Every lease ``holder`` has: ``seconds`` more. One statement, whatever their number."""
        return await self.db.execute("UPDATE outbox_leases SET expires_at = ? WHERE holder = ?",
                                     (time.time() + seconds, holder))

    async def release_chat(self, chat_id: int, holder: str) -> None:
        await self.db.execute("DELETE FROM outbox_leases WHERE chat_id = ? AND holder = ?", (chat_id, holder))

    async def release_leases(self, holder: str | None = None) -> None:
        """Give up ``holder``'s leases (shutting down), or with None every lease (a SQLite file
        is used by one process: what an earlier, killed one held is free at once)."""
        if holder is None:
            await self.db.execute("DELETE FROM outbox_leases")
        else:
            await self.db.execute("DELETE FROM outbox_leases WHERE holder = ?", (holder,))

    async def send_slots(self, name: str, interval: float, count: int = 1) -> float:
        """Reserve the next ``count`` free slots of a pace every instance shares (one every
        ``interval`` seconds); returns the time (``time.time()``) of the first, the others
        following it every ``interval``. One statement, whatever ``count``."""
        now = time.time()
        span = interval * count
        row = await self.db.fetchone(
            "INSERT INTO send_slots (name, next_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET"
            " next_at = (CASE WHEN send_slots.next_at > ? THEN send_slots.next_at ELSE ? END) + ?"
            " RETURNING next_at", (name, now + span, now, now, span))
        return float(row[0]) - span if row is not None else now

    async def send_window(self, name: str, limit: int, window: float, count: int = 1,
                          spacing: float = 0.0) -> list[float]:
        """Reserve the next ``count`` sends of a pace every instance shares, keeping at most
        ``limit`` sends in any ``window`` seconds; returns their times (``time.time()``, in
        order, the earliest now). Send k may go at once unless send k - ``limit`` was less than
        ``window`` ago, and sends are at least ``spacing`` apart. The rows ``name#0`` …
        ``name#limit-1`` of ``send_slots`` hold the last ``limit`` send times (a ring),
        the row ``name#n`` how many sends were reserved. One transaction, whatever ``count``;
        the ``name#n`` row's update locks it against the other instances."""
        async with self.db.transaction() as conn:
            row = await conn.fetchone(
                "INSERT INTO send_slots (name, next_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET"
                " next_at = send_slots.next_at + ? RETURNING next_at", (f"{name}#n", count, count))
            first = int(row[0]) - count if row is not None else 0
            keys = [f"{name}#{(first + i) % limit}" for i in range(-1, count)]
            marks = ", ".join("?" * len(keys))  # only placeholders in the text, values as parameters
            rows = await conn.fetchall(
                f"SELECT name, next_at FROM send_slots WHERE name IN ({marks})", tuple(keys))  # noqa: S608
            known = {str(key): float(at) for key, at in rows}
            now = time.time()
            last = known.get(keys[0], 0.0) if first > 0 else 0.0  # the send just before
            ring = dict(known)
            times: list[float] = []
            for key in keys[1:]:
                last = max(now, last + spacing, ring.get(key, 0.0) + window)
                ring[key] = last
                times.append(last)
            written = list(dict.fromkeys(keys[1:]))  # once each (count > limit: a key twice)
            values = ", ".join("(?, ?)" for _ in written)
            params: list[object] = []
            for key in written:
                params += [key, ring[key]]
            await conn.execute(
                f"INSERT INTO send_slots (name, next_at) VALUES {values} ON CONFLICT (name)"  # noqa: S608
                " DO UPDATE SET next_at = excluded.next_at", tuple(params))
        return times

    async def pending_count(self) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND failed = 0")
        return int(row[0]) if row else 0

    async def mark_delivered(self, messages: list[PendingMessage], sent_message_id: int) -> None:
        """Telegram accepted ``messages`` (one, or several combined) as ``sent_message_id``:
        recorded at once, with the relay map for ticket messages. A message whose row is gone
        (the person deleted their data meanwhile) leaves no relay map behind."""
        async with self.db.transaction() as conn:
            for message in messages:
                changed = await conn.execute(_DELIVERED_SQL, (time.time(), message.id))
                if changed and message.ticket_id is not None:
                    await conn.execute(
                        "INSERT INTO relay_map (staff_chat_id, staff_message_id, ticket_id)"
                        " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        (message.chat_id, sent_message_id, message.ticket_id))

    async def mark_attempt(self, message: PendingMessage, error: str) -> None:
        await self.db.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                              (error[:200], message.id))

    async def mark_sent(self, message: PendingMessage) -> None:
        """A channel without relay maps (WhatsApp) accepted ``message``: one statement."""
        await self.db.execute(_DELIVERED_SQL, (time.time(), message.id))

    async def note_parts_done(self, message: PendingMessage, parts: int) -> None:
        """The channel accepted the first ``parts`` messages of a row it sends as several:
        after a crash, whichever instance goes on starts with the next one."""
        await self.db.execute("UPDATE outbox SET parts_done = ? WHERE id = ? AND parts_done < ?",
                              (parts, message.id, parts))

    async def note_invited(self, message: PendingMessage, last_inbound: float | None) -> bool:
        """Record that the person a waiting row is for was invited back for the window that
        closed after ``last_inbound`` (None: never seen); False when that was done already
        (by any instance), so an invitation goes once per closed window."""
        value = -1.0 if last_inbound is None else last_inbound
        return await self.db.execute(
            "UPDATE outbox SET invited_for = ? WHERE id = ? AND (invited_for IS NULL OR invited_for <> ?)",
            (value, message.id, value)) > 0

    async def mark_once(self, key: str, user_id: int | None = None) -> bool:
        """Set the mark ``key`` (about ``user_id``, who may ask for it to be deleted); False when
        it was set before, by any instance. Marks are kept a week."""
        return await self.db.execute(
            "INSERT INTO delivery_marks (key, user_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (key, user_id, time.time())) > 0

    async def mark_while_pending(self, key: str, row_id: int, user_id: int | None = None) -> None:
        """Set the mark ``key`` if outbox row ``row_id`` is still being sent (a status about a
        message whose row is done needs no mark: nothing waits for it)."""
        await self.db.execute(
            "INSERT INTO delivery_marks (key, user_id, at) SELECT ?, ?, ? WHERE EXISTS"
            " (SELECT 1 FROM outbox WHERE id = ? AND delivered_at IS NULL AND failed = 0)"
            " ON CONFLICT DO NOTHING", (key, user_id, time.time(), row_id))

    async def marked(self, key: str) -> bool:
        return await self.db.fetchone("SELECT 1 FROM delivery_marks WHERE key = ?", (key,)) is not None

    async def mark_failed(self, messages: list[PendingMessage], error: str) -> None:
        async with self.db.transaction() as conn:
            for message in messages:
                await conn.execute(
                    "UPDATE outbox SET failed = 1, attempts = attempts + 1, last_error = ?,"
                    " payload = '{}', attachment = NULL WHERE id = ?", (error[:200], message.id))

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: what waits for the old id goes to the new one."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND delivered_at IS NULL",
                               (new_chat_id, old_chat_id))
            await conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                               " SET value = excluded.value", (f"moved:{old_chat_id}", str(new_chat_id)))

    async def moved_to(self, chat_id: int) -> int:
        """Where a chat lives now (a group becomes a supergroup once)."""
        row = await self.db.fetchone("SELECT value FROM meta WHERE key = ?", (f"moved:{chat_id}",))
        return int(row[0]) if row else chat_id

    async def relay_recorded(self, staff_chat_id: int, staff_message_id: int) -> bool:
        """Whether the delivery of this staff-chat message has been recorded (its relay map)."""
        return await self.db.fetchone(
            "SELECT 1 FROM relay_map WHERE staff_chat_id = ? AND staff_message_id = ?",
            (staff_chat_id, staff_message_id)) is not None

    async def tickets_by_id(self, ids: Iterable[int]) -> list[Ticket]:
        rows = [await self.db.fetchone("SELECT * FROM tickets WHERE id = ?", (i,)) for i in sorted(set(ids))]
        return [t for t in (ticket_from_row(r, self.token) for r in rows) if t is not None]

    async def open_ticket_for_chat(self, chat_id: int) -> Ticket | None:
        return ticket_from_row(await self.db.fetchone(
            "SELECT * FROM tickets WHERE chat_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1",
            (chat_id,)), self.token)

    async def last_inbound(self, user_id: int) -> float | None:
        """When the person last wrote (as recorded by ``note_inbound``), or None."""
        row = await self.db.fetchone("SELECT at FROM last_inbound WHERE user_id = ?", (user_id,))
        return float(row[0]) if row else None

    async def forget_inbound(self, user_id: int) -> None:
        """The channel said the window is closed: the next free-form message waits."""
        await self.db.execute("DELETE FROM last_inbound WHERE user_id = ?", (user_id,))

    async def check(self) -> str | None:
        """A problem with the database now (the file gone or replaced, no answer), or None."""
        problem = self.db.file_problem()
        if problem:
            return problem
        try:
            await self.db.fetchone("SELECT 1")
        except Exception as exc:
            return f"the database does not answer ({type(exc).__name__})"
        return None

    # --- staff tools -------------------------------------------------------------------

    async def stats(self, days: int = 30) -> dict[str, dict[str, int]]:
        """Aggregate counts by kind (topic, lang, verdict …); no personal data."""
        since = (datetime.now(UTC).date() - timedelta(days=int(days))).isoformat()
        rows = await self.db.fetchall(
            "SELECT kind, key, SUM(count) AS n FROM stats WHERE day >= ?"
            " GROUP BY kind, key ORDER BY kind, n DESC, key", (since,))
        result: dict[str, dict[str, int]] = {}
        for row in rows:
            result.setdefault(row["kind"], {})[row["key"]] = int(row["n"])
        tickets = await self.db.fetchall("SELECT status, COUNT(*) AS n FROM tickets GROUP BY status")
        result["tickets"] = {row["status"]: int(row["n"]) for row in tickets}
        return result

    async def reports(self) -> list[Row]:
        """Every report, oldest first (the export: bot/staff)."""
        return await self.db.fetchall(
            "SELECT id, created_at, lang, agent_name, agent_phone, story FROM reports ORDER BY id")

    async def purge(self, retention_days: int, now: float | None = None) -> int:
        """Delete closed tickets, reports and bookkeeping older than the retention period."""
        now = time.time() if now is None else now
        cutoff = now - retention_days * 86400
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM relay_map WHERE ticket_id IN (SELECT id FROM tickets"
                               " WHERE status = 'closed' AND closed_at < ?)", (cutoff,))
            removed = await conn.execute(
                "DELETE FROM tickets WHERE status = 'closed' AND closed_at < ?", (cutoff,))
            removed += await conn.execute("DELETE FROM reports WHERE created_at < ?", (cutoff,))
            await conn.execute("DELETE FROM recent_activity WHERE at < ?", (cutoff,))
            await conn.execute("DELETE FROM last_inbound WHERE at < ?", (now - 2 * 86400,))
            await conn.execute("DELETE FROM delivery_marks WHERE at < ?", (now - 7 * 86400,))
            await conn.execute("DELETE FROM outbox WHERE (delivered_at IS NOT NULL OR failed = 1)"
                               " AND created_at < ?", (now - 86400,))
            await conn.execute("DELETE FROM processed_updates WHERE at < ?",
                               (now - PROCESSED_UPDATES_KEPT_SECONDS,))
        return removed
