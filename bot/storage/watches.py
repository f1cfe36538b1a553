"""The `watches` table: who asked to be told when a licence changes, and what they saw.

`WatchRows` gives :class:`bot.storage.conversation.SqlConversation` the dialogue's calls
(add, remove); :class:`SqlWatchLedger` is the notifier's side (`bot.core.dialogue.ports.
WatchLedger`): read the watches a few hundred people at a time, and record what people were
told together with the messages in one transaction. Portable SQL (``?`` placeholders,
``ON CONFLICT``, savepoints, times computed in Python), so PostgreSQL can run it too.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from bot.core.agencies.watching import Standing
from bot.core.dialogue.ports import Tell, Watch
from bot.storage.sql import Database

# The statements, as module constants so that the PostgreSQL storage (and its test) use the same.
OF_PERSON = "SELECT license_no FROM watches WHERE user_id = ?"
ADD = ("INSERT INTO watches (user_id, chat_id, license_no, lang, status, valid_until, notice,"
       " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, license_no) DO UPDATE"
       " SET chat_id = excluded.chat_id, lang = excluded.lang, status = excluded.status,"
       " valid_until = excluded.valid_until, notice = excluded.notice,"
       " created_at = excluded.created_at")
REMOVE_ALL = "DELETE FROM watches WHERE user_id = ?"
REMOVE_ONE = "DELETE FROM watches WHERE user_id = ? AND license_no = ?"
# every watch of the next N people after a user id (their saved language first)
PAGE = ("SELECT w.user_id, w.chat_id, w.license_no, COALESCE(u.lang, w.lang) AS lang, w.status,"
        " w.valid_until, w.notice, w.created_at, w.told_at"
        " FROM watches w LEFT JOIN users u ON u.user_id = w.user_id"
        " WHERE w.user_id IN (SELECT DISTINCT user_id FROM watches WHERE user_id > ?"
        " ORDER BY user_id LIMIT ?) ORDER BY w.user_id, w.license_no")
# compare-and-set: only a watch that still stands as it was read moves on
MOVE = ("UPDATE watches SET status = ?, valid_until = ?, notice = ?, told_at = ?"
        " WHERE user_id = ? AND license_no = ? AND status = ? AND valid_until = ? AND notice = ?")
SAVEPOINT, ROLLBACK_TO, RELEASE = ("SAVEPOINT tell", "ROLLBACK TO SAVEPOINT tell",
                                   "RELEASE SAVEPOINT tell")
COUNTS = "SELECT COUNT(*), COUNT(DISTINCT user_id) FROM watches"
LOWEST_ID = -(2 ** 63)


def _watch(row: Any) -> Watch:
    return Watch(int(row["user_id"]), int(row["chat_id"]), str(row["license_no"]), str(row["lang"]),
                 Standing(row["status"], row["valid_until"] or "", row["notice"] or ""),
                 float(row["created_at"]), None if row["told_at"] is None else float(row["told_at"]))


class WatchRows:
    """The dialogue's calls on the watches, inside the conversation's transaction (needs
    ``self.conn``: a :class:`bot.storage.sql.Connection`)."""

    conn: Any

    async def add_watch(self, watch: Watch, *, limit: int) -> str:
        """"added", "again" (already watched: what they saw and their language are renewed) or
        "full" (the person watches `limit` licences already)."""
        rows = await self.conn.fetchall(OF_PERSON, (watch.user_id,))
        again = any(r["license_no"] == watch.license_no for r in rows)
        if not again and len(rows) >= limit:
            return "full"
        seen = watch.seen
        await self.conn.execute(ADD, (watch.user_id, watch.chat_id, watch.license_no, watch.lang,
                                      seen.status, seen.valid_until, seen.notice, watch.created_at))
        return "again" if again else "added"

    async def remove_watch(self, user_id: int, license_no: str | None) -> int:
        """Stop one watch, or (None) all of the person's; returns how many went."""
        if license_no is None:
            return max(0, await self.conn.execute(REMOVE_ALL, (user_id,)))
        return max(0, await self.conn.execute(REMOVE_ONE, (user_id, license_no)))


class SqlWatchLedger:
    """Implements :class:`bot.core.dialogue.ports.WatchLedger` on the store's database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def watches_after(self, user_id: int | None, people: int) -> list[Watch]:
        rows = await self.db.fetchall(PAGE, (LOWEST_ID if user_id is None else user_id, int(people)))
        return [_watch(r) for r in rows]

    async def record(self, tells: list[Tell]) -> tuple[list[int], set[int]]:
        """Each Tell in a savepoint: its watches move to their new standing only if they still
        stand as read (another instance may have told the person, or the person stopped the
        watch); then its messages are queued. All of it commits together."""
        from bot.storage.conversation import SqlConversation, enqueue

        ids: list[int] = []
        chats: set[int] = set()
        async with self.db.transaction() as conn:
            conversation = SqlConversation(conn, self.db.token)
            for tell in tells:
                await conn.execute(SAVEPOINT)
                if await _moved_all(conn, tell):
                    for message in tell.messages:
                        ids.append(await enqueue(conn, message, user_id=tell.updates[0][0].user_id))
                        chats.add(message.chat_id)
                    await conversation.count("watch", "told")
                else:
                    await conn.execute(ROLLBACK_TO)
                await conn.execute(RELEASE)
        return ids, chats

    async def waiting(self, outbox_ids: Iterable[int]) -> int:
        """How many of these outbox messages are still waiting to be delivered."""
        rows = await self._outbox_rows("SELECT COUNT(*) FROM outbox WHERE id IN ({})"
                                       " AND delivered_at IS NULL AND failed = 0", outbox_ids)
        return sum(int(r[0]) for r in rows)

    async def failures(self, outbox_ids: Iterable[int]) -> list[tuple[int, str]]:
        """(user id, error) of these outbox messages that were given up on."""
        rows = await self._outbox_rows("SELECT user_id, last_error FROM outbox WHERE id IN ({})"
                                       " AND failed = 1 AND user_id IS NOT NULL", outbox_ids)
        return [(int(r[0]), str(r[1] or "")) for r in rows]

    async def forget(self, user_ids: Iterable[int]) -> int:
        """Remove every watch of these people; returns how many went."""
        removed = 0
        async with self.db.transaction() as conn:
            for user_id in sorted(set(user_ids)):
                removed += max(0, await conn.execute(REMOVE_ALL, (user_id,)))
        return removed

    async def _outbox_rows(self, template: str, outbox_ids: Iterable[int]) -> list[Any]:
        ids = list(outbox_ids)
        rows: list[Any] = []
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ", ".join("?" for _ in part)  # only placeholders go into the text
            rows += await self.db.fetchall(template.format(marks), tuple(part))
        return rows

    async def counts(self) -> dict[str, int]:
        """For /stats: how many watches, by how many people (no one is named)."""
        row = await self.db.fetchone(COUNTS)
        return {"watches": int(row[0]), "people": int(row[1])} if row else {}


async def _moved_all(conn: Any, tell: Tell) -> bool:
    at = tell.at or time.time()
    for watch, now in tell.updates:
        seen = watch.seen
        changed = await conn.execute(MOVE, (now.status, now.valid_until, now.notice, at, watch.user_id,
                                            watch.license_no, seen.status, seen.valid_until,
                                            seen.notice))
        if changed != 1:
            return False
    return True
