"""The SQLite database: one aiosqlite connection in WAL mode, versioned migrations.

All access goes through :class:`Database`. Every transaction is one function handed to the
database thread at once (:meth:`Database.run`): aiosqlite's single thread runs them one after
another, so a unit of work (one update: state, tickets, outbox) commits or rolls back as a
whole and never interleaves with another, without any lock on the asyncio side, and several
can wait in the thread's queue while the event loop goes on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")

# Each entry upgrades the schema by one version. Never edit a shipped entry: append a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE users (
        user_id     INTEGER PRIMARY KEY,
        chat_id     INTEGER NOT NULL,
        lang        TEXT,
        state       TEXT NOT NULL DEFAULT '{}',
        share_recent INTEGER NOT NULL DEFAULT 0,
        updated_at  REAL NOT NULL
    );
    CREATE TABLE recent_activity (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id  INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        summary  TEXT NOT NULL,
        at       REAL NOT NULL
    );
    CREATE INDEX recent_activity_user ON recent_activity(user_id, id);
    CREATE TABLE tickets (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id     INTEGER NOT NULL,
        chat_id     INTEGER NOT NULL,
        lang        TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'open',
        wants_woman INTEGER NOT NULL DEFAULT 0,
        urgent      INTEGER NOT NULL DEFAULT 0,
        opened_at   REAL NOT NULL,
        closed_at   REAL
    );
    CREATE INDEX tickets_user ON tickets(user_id, status);
    CREATE TABLE relay_map (
        staff_chat_id    INTEGER NOT NULL,
        staff_message_id INTEGER NOT NULL,
        ticket_id        INTEGER NOT NULL,
        PRIMARY KEY (staff_chat_id, staff_message_id)
    );
    CREATE INDEX relay_map_ticket ON relay_map(ticket_id);
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id         INTEGER NOT NULL,
        kind            TEXT NOT NULL,
        payload         TEXT NOT NULL,
        ticket_id       INTEGER,
        user_id         INTEGER,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL DEFAULT 0,
        created_at      REAL NOT NULL,
        delivered_at    REAL,
        failed          INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT
    );
    CREATE INDEX outbox_pending ON outbox(chat_id, id) WHERE delivered_at IS NULL AND failed = 0;
    CREATE TABLE processed_updates (
        update_id INTEGER PRIMARY KEY,
        at        REAL NOT NULL
    );
    CREATE TABLE reports (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id     INTEGER NOT NULL,
        lang        TEXT NOT NULL,
        agent_name  TEXT NOT NULL DEFAULT '',
        agent_phone TEXT NOT NULL DEFAULT '',
        story       TEXT NOT NULL DEFAULT '',
        created_at  REAL NOT NULL
    );
    CREATE TABLE stats (
        day   TEXT NOT NULL,
        kind  TEXT NOT NULL,
        key   TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, kind, key)
    );
    """,
    # 2: keep only a person's last five activities, inside SQLite (no extra round trip)
    """
    CREATE TRIGGER recent_activity_keep_five AFTER INSERT ON recent_activity BEGIN
        DELETE FROM recent_activity WHERE user_id = NEW.user_id AND id NOT IN
            (SELECT id FROM recent_activity WHERE user_id = NEW.user_id ORDER BY id DESC LIMIT 5);
    END;
    """,
)


class Database:
    """One connection, WAL, foreign-key-free simple schema, one-hand-off transactions."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def open(self) -> Database:
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = await aiosqlite.connect(self.path, isolation_level=None)
        self._conn.row_factory = aiosqlite.Row
        await self._conn.execute("PRAGMA journal_mode=WAL")
        await self._conn.execute("PRAGMA synchronous=NORMAL")
        await self._conn.execute("PRAGMA busy_timeout=5000")
        await self._migrate()
        return self

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        version = await self.schema_version()
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # One script, one transaction: a failed migration leaves the previous version.
            try:
                await self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {int(number)};\nCOMMIT;")
            except BaseException:
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                raise

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(connection)`` on the database thread in one hand-off, after whatever was
        handed over before. ``fn`` gets the plain sqlite3 connection (usable on that thread
        only); a transaction must begin and end inside it (see :func:`in_transaction`)."""
        conn = self.conn
        # aiosqlite has no public call for "run this function on your thread"; _execute is
        # what its own methods use (pinned in pyproject, exercised by every storage test).
        return await conn._execute(lambda: fn(conn._conn))

    async def fetchall(self, sql: str, params: tuple = ()) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: tuple = ()) -> aiosqlite.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: tuple = ()) -> None:
        """One statement on its own: atomic without an explicit transaction (autocommit)."""
        await self.conn.execute(sql, params)


def in_transaction(raw: sqlite3.Connection, fn: Callable[[], T]) -> T:
    """``fn()`` inside BEGIN IMMEDIATE … COMMIT on the database thread; rolled back on any error."""
    raw.execute("BEGIN IMMEDIATE")
    try:
        result = fn()
        raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise
    return result


def run_to_completion(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never really waits (the dialogue over synchronous storage).

    The dialogue core is written against an async port; on the database thread its storage
    calls return at once, so the coroutine finishes on its first step. Anything that would
    suspend is a bug here and raises instead of blocking the thread.
    """
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("a unit of work waited on something other than the database")
