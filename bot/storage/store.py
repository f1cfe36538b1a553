"""The store: units of work for incoming updates, the outbox queue, stats, exports, purging."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from bot.core.dialogue.messages import Outgoing
from bot.storage.conversation import PendingMessage, SqlConversation, enqueue
from bot.storage.database import Database, in_transaction, run_to_completion

PROCESSED_UPDATES_KEPT_SECONDS = 7 * 24 * 3600
T = TypeVar("T")

__all__ = ["AlreadyProcessed", "Done", "PendingMessage", "Store", "spreadsheet_safe"]


@dataclass(frozen=True, slots=True)
class Done(Generic[T]):
    """What a unit of work returned, and the messages it put in the outbox."""

    value: T
    queued: list[PendingMessage]


class AlreadyProcessed(Exception):
    """The update was handled before (Telegram delivered it again after a crash)."""


def spreadsheet_safe(value: str) -> str:
    """Neutralise formula injection: a cell starting with = + - @ (or tab/CR) is quoted."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


class Store:
    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        return cls(await Database(path).open())

    async def close(self) -> None:
        await self.db.close()

    async def unit_of_work(self, update_id: int | None,
                           work: Callable[[SqlConversation], Awaitable[T]]) -> Done[T]:
        """Run ``work`` in one transaction on the database thread; raises AlreadyProcessed for a
        repeated update_id.

        Marking the update processed commits together with everything it caused, so a crash
        either loses the whole update (Telegram sends it again) or none of it. ``work`` must
        only wait on the conversation it is given (it runs to completion in one step).
        """
        def body(raw: sqlite3.Connection) -> Done[T]:
            def transaction() -> Done[T]:
                if update_id is not None:
                    cur = raw.execute(
                        "INSERT OR IGNORE INTO processed_updates (update_id, at) VALUES (?, ?)",
                        (update_id, time.time()))
                    if cur.rowcount == 0:
                        raise AlreadyProcessed(update_id)
                conversation = SqlConversation(raw)
                value = run_to_completion(work(conversation))  # type: ignore[arg-type]
                conversation.finish()
                return Done(value, conversation.queued)
            return in_transaction(raw, transaction)

        return await self.db.run(body)

    # --- the outbox -------------------------------------------------------------------

    async def chats_with_due_messages(self, now: float | None = None) -> list[int]:
        """Chats whose oldest undelivered message is due for a (re)try, oldest first."""
        rows = await self.db.fetchall(
            "SELECT o.chat_id FROM outbox o JOIN (SELECT MIN(id) AS head FROM outbox"
            " WHERE delivered_at IS NULL AND failed = 0 GROUP BY chat_id) h ON o.id = h.head"
            " WHERE o.next_attempt_at <= ? ORDER BY o.id",
            (time.time() if now is None else now,))
        return [row["chat_id"] for row in rows]

    async def chats_with_pending_messages(self) -> list[int]:
        """Every chat with an undelivered message, due or not."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT chat_id FROM outbox WHERE delivered_at IS NULL AND failed = 0")
        return [row["chat_id"] for row in rows]

    async def next_pending(self, chat_id: int, *, after: int = 0) -> PendingMessage | None:
        """The oldest undelivered message for a chat: delivery is strictly in order.

        ``after``: skip messages up to this id (sent already; their delivery mark may still
        be on its way to the database)."""
        row = await self.db.fetchone(
            "SELECT id, chat_id, kind, payload, ticket_id, attempts, next_attempt_at FROM outbox"
            " WHERE chat_id = ? AND id > ? AND delivered_at IS NULL AND failed = 0"
            " ORDER BY id LIMIT 1", (chat_id, after))
        if row is None:
            return None
        return PendingMessage(row["id"], row["chat_id"], row["kind"], json.loads(row["payload"]),
                              row["ticket_id"], row["attempts"], row["next_attempt_at"])

    async def pending_count(self) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND failed = 0")
        return int(row[0]) if row else 0

    async def mark_delivered(self, message: PendingMessage, sent_message_ids: list[int]) -> None:
        await self.mark_delivered_many([(message, sent_message_ids)])

    async def mark_delivered_many(self, delivered: list[tuple[PendingMessage, list[int]]]) -> None:
        """Record deliveries (and, for ticket messages, which staff-chat message belongs to
        which ticket) in one transaction."""
        def write(raw: sqlite3.Connection) -> None:
            now = time.time()
            raw.executemany("UPDATE outbox SET delivered_at = ?, attempts = attempts + 1,"
                            " payload = '{}' WHERE id = ?", [(now, m.id) for m, _ in delivered])
            raw.executemany(
                "INSERT OR IGNORE INTO relay_map (staff_chat_id, staff_message_id, ticket_id)"
                " VALUES (?, ?, ?)", [(m.chat_id, sent_id, m.ticket_id) for m, sent_ids in delivered
                                      if m.ticket_id is not None for sent_id in sent_ids])

        await self.db.run(lambda raw: in_transaction(raw, lambda: write(raw)))

    async def mark_retry(self, message: PendingMessage, delay: float, error: str) -> None:
        await self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
            " WHERE id = ?", (time.time() + delay, error[:200], message.id))

    async def mark_failed(self, message: PendingMessage, error: str) -> None:
        await self.db.execute(
            "UPDATE outbox SET failed = 1, attempts = attempts + 1, last_error = ?,"
            " payload = '{}' WHERE id = ?", (error[:200], message.id))

    async def open_ticket_for_chat(self, chat_id: int) -> int | None:
        row = await self.db.fetchone(
            "SELECT id FROM tickets WHERE chat_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1",
            (chat_id,))
        return int(row["id"]) if row else None

    async def enqueue_note(self, chat_id: int, text: str, *,
                           ticket_id: int | None = None) -> PendingMessage:
        """Queue a message outside any update (a notice from the delivery machinery itself)."""
        note = Outgoing(chat_id, text, ticket_id=ticket_id)
        return await self.db.run(lambda raw: in_transaction(
            raw, lambda: enqueue(raw, note, user_id=None)))

    # --- staff tools -------------------------------------------------------------------

    async def stats(self, days: int = 30) -> dict[str, dict[str, int]]:
        """Aggregate counts by kind (topic, lang, verdict …); no personal data."""
        rows = await self.db.fetchall(
            "SELECT kind, key, SUM(count) AS n FROM stats WHERE day >= date('now', ?)"
            " GROUP BY kind, key ORDER BY kind, n DESC", (f"-{int(days)} days",))
        result: dict[str, dict[str, int]] = {}
        for row in rows:
            result.setdefault(row["kind"], {})[row["key"]] = int(row["n"])
        tickets = await self.db.fetchall("SELECT status, COUNT(*) AS n FROM tickets GROUP BY status")
        result["tickets"] = {row["status"]: int(row["n"]) for row in tickets}
        return result

    async def export_reports_csv(self) -> bytes:
        rows = await self.db.fetchall(
            "SELECT id, datetime(created_at, 'unixepoch') AS created, lang, agent_name,"
            " agent_phone, story FROM reports ORDER BY id")
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["report", "created_utc", "lang", "agent_name", "agent_phone", "what_happened"])
        for row in rows:
            writer.writerow([spreadsheet_safe(str(v)) for v in tuple(row)])
        return ("\ufeff" + out.getvalue()).encode("utf-8")

    async def purge(self, retention_days: int, now: float | None = None) -> int:
        """Delete closed tickets, reports and bookkeeping older than the retention period."""
        now = time.time() if now is None else now
        cutoff = now - retention_days * 86400

        def delete(raw: sqlite3.Connection) -> int:
            raw.execute("DELETE FROM relay_map WHERE ticket_id IN (SELECT id FROM tickets"
                        " WHERE status = 'closed' AND closed_at < ?)", (cutoff,))
            removed = raw.execute(
                "DELETE FROM tickets WHERE status = 'closed' AND closed_at < ?", (cutoff,)).rowcount
            removed += raw.execute("DELETE FROM reports WHERE created_at < ?", (cutoff,)).rowcount
            raw.execute("DELETE FROM recent_activity WHERE at < ?", (cutoff,))
            raw.execute("DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?",
                        (now - 86400,))
            raw.execute("DELETE FROM processed_updates WHERE at < ?",
                        (now - PROCESSED_UPDATES_KEPT_SECONDS,))
            return removed

        return await self.db.run(lambda raw: in_transaction(raw, lambda: delete(raw)))
