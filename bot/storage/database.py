"""The SQLite database: one aiosqlite connection in WAL mode, versioned migrations, checks.

Everything goes through aiosqlite's public API. :meth:`Database.transaction` is one
transaction (``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error); an asyncio lock
keeps two transactions on the one connection from interleaving. Statements go through the
connection seam (:mod:`bot.storage.sql`); SQLite's errors come out as
:class:`~bot.storage.errors.StorageError`. :data:`MIGRATIONS` is the one schema both
dialects run (:mod:`bot.storage.schema`; PostgreSQL: :mod:`bot.storage.postgres`).

A database that cannot be used is never replaced by a fresh empty one: :meth:`Database.open`
raises :class:`DatabaseUnusable` with a message for the operator when the file is corrupt,
read-only, fails its integrity check, or is missing although this data directory had one
(the marker file written next to it when it was created says so).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite

from bot.storage.errors import DatabaseUnusable, StorageError
from bot.storage.schema import Dialects, Migration, for_sqlite, token_of
from bot.storage.sql import Params, Row, Statements, driver_errors

# Each entry upgrades the schema by one version. Never edit a shipped entry: append a new one.
# An entry is one script in SQLite's words that PostgreSQL runs translated (bot/storage/schema.py),
# or a Dialects(sqlite=..., postgres=...) pair. Write new ones portably: ON CONFLICT, not INSERT OR.
MIGRATIONS: tuple[Migration, ...] = (
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
    # 2: keep only a person's last five activities, inside the database (no extra round trip)
    Dialects(sqlite="""
    CREATE TRIGGER recent_activity_keep_five AFTER INSERT ON recent_activity BEGIN
        DELETE FROM recent_activity WHERE user_id = NEW.user_id AND id NOT IN
            (SELECT id FROM recent_activity WHERE user_id = NEW.user_id ORDER BY id DESC LIMIT 5);
    END;
    """, postgres="""
    CREATE FUNCTION recent_activity_keep_five() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM recent_activity WHERE user_id = NEW.user_id AND id NOT IN
            (SELECT id FROM recent_activity WHERE user_id = NEW.user_id ORDER BY id DESC LIMIT 5);
        RETURN NULL;
    END $$;
    CREATE TRIGGER recent_activity_keep_five AFTER INSERT ON recent_activity
        FOR EACH ROW EXECUTE FUNCTION recent_activity_keep_five();
    """),
    # 3: facts about this database (its ticket prefix, the staff chat it follows) and files
    # attached to outgoing messages (a chart, an export, a list of import problems)
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    ALTER TABLE outbox ADD COLUMN attachment BLOB;
    """,
    # 4: "Tell me if this changes": a person, a licence, their language, the standing they saw
    # (status, valid until, latest notice) and when; told_at paces them to one message a day
    """
    CREATE TABLE watches (
        user_id     BIGINT NOT NULL,
        chat_id     BIGINT NOT NULL,
        license_no  TEXT NOT NULL,
        lang        TEXT NOT NULL,
        status      TEXT NOT NULL,
        valid_until TEXT NOT NULL DEFAULT '',
        notice      TEXT NOT NULL DEFAULT '',
        created_at  DOUBLE PRECISION NOT NULL,
        told_at     DOUBLE PRECISION,
        PRIMARY KEY (user_id, license_no)
    );
    """,
    # 5: when each person last wrote (WhatsApp's 24-hour window); kept for 2 days at most
    """
    CREATE TABLE last_inbound (
        user_id BIGINT PRIMARY KEY,
        at      DOUBLE PRECISION NOT NULL
    );
    """,
    # 6: many instances on one database: which instance sends a chat's messages now (a lease
    # that runs out when its holder stops renewing it), and the shared pace of all sends
    """
    CREATE TABLE outbox_leases (
        chat_id    INTEGER PRIMARY KEY,
        holder     TEXT NOT NULL,
        expires_at REAL NOT NULL
    );
    CREATE TABLE send_slots (
        name    TEXT PRIMARY KEY,
        next_at REAL NOT NULL
    );
    """,
    # 7: what a channel's delivery must remember whichever instance sends or hears a status:
    # how many parts of a row the channel accepted (a long answer sent as several messages),
    # the window a waiting row's person was invited back for, and marks (a send that a status
    # confirmed, staff told once about a ticket) that any instance may set or read
    """
    ALTER TABLE outbox ADD COLUMN parts_done INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN invited_for REAL;
    CREATE TABLE delivery_marks (
        key     TEXT PRIMARY KEY,
        user_id INTEGER,
        at      REAL NOT NULL
    );
    """,
)

MARKER_NAME = "rahnuma.database-created"
_ERRORS = (sqlite3.Error,)


class SqliteConnection(Statements):
    """The seam (:class:`bot.storage.sql.Connection`) over one aiosqlite connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        with driver_errors(_ERRORS, "SQLite"):
            async with self.conn.execute(sql, tuple(params)) as cur:
                return cur.rowcount

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        with driver_errors(_ERRORS, "SQLite"):
            return list(await self.conn.execute_fetchall(sql, tuple(params)))


class Database(Statements):
    """One connection, WAL, versioned migrations, one transaction at a time."""

    dialect = "sqlite"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._inode: tuple[int, int] | None = None
        self.token = ""  # random per database: ticket references never repeat across databases

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StorageError("database is not open")
        return self._conn

    @property
    def marker(self) -> Path:
        return self.path.with_name(MARKER_NAME)

    def describe(self) -> str:
        return f"SQLite {self.path}"

    async def open(self) -> Database:
        """Open (or create, on the very first run) the database, migrate it and check it."""
        memory = str(self.path) == ":memory:"
        if not memory:
            self._check_location()
        try:
            mode = "rwc" if memory or not self.path.exists() else "rw"
            target = ":memory:" if memory else f"file:{self.path}?mode={mode}"
            self._conn = await aiosqlite.connect(target, uri=not memory, isolation_level=None)
            self._conn.row_factory = aiosqlite.Row
            await self._conn.execute("PRAGMA busy_timeout=5000")
            await self._integrity_check()
            await self._conn.execute("PRAGMA journal_mode=WAL")
            await self._conn.execute("PRAGMA synchronous=NORMAL")
            await self._migrate()
            self.token = await token_of(SqliteConnection(self._conn))
        except (sqlite3.DatabaseError, StorageError) as exc:
            await self.close()
            raise DatabaseUnusable(
                f"The database {self.path} cannot be used ({exc}). The bot will not start with a "
                "fresh empty database in its place: restore the file from a backup, or move it "
                f"away and delete {MARKER_NAME} to start empty.") from exc
        if not memory:
            self.marker.touch()
            self._inode = self._identity()
        return self

    def _check_location(self) -> None:
        folder = self.path.parent
        if not folder.exists():
            if not folder.parent.exists():
                raise DatabaseUnusable(
                    f"The data directory {folder} does not exist, nor does {folder.parent}. Is the "
                    "volume mounted? Create it (or set DATA_DIR) and start again.")
            folder.mkdir()  # the first run
        if not folder.is_dir():
            raise DatabaseUnusable(f"DATA_DIR {folder} is not a directory.")
        if not self.path.exists() and self.marker.exists():
            raise DatabaseUnusable(
                f"The database {self.path} is missing, but this data directory had one ({MARKER_NAME} "
                "is there). The bot will not start with a fresh empty database: restore the file from "
                f"a backup, or delete {self.marker} to start empty on purpose.")
        if self.path.exists() and not (self.path.is_file() and os.access(self.path, os.R_OK | os.W_OK)):
            raise DatabaseUnusable(f"The database {self.path} is not a readable and writable file.")
        if not os.access(folder, os.W_OK):
            raise DatabaseUnusable(f"The data directory {folder} is read-only; the database needs to "
                                   "write its journal there.")

    async def _integrity_check(self) -> None:
        rows = list(await self.conn.execute_fetchall("PRAGMA quick_check"))
        found = [str(r[0]) for r in rows]
        if found != ["ok"]:
            raise sqlite3.DatabaseError("integrity check failed: " + "; ".join(found[:3]))

    def _identity(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_dev, st.st_ino)

    def file_problem(self) -> str | None:
        """Why the database file is no longer the one in use (deleted, replaced), or None."""
        if self._inode is None:
            return None
        now = self._identity()
        if now is None:
            return f"the database file {self.path} has disappeared"
        if now != self._inode:
            return f"the database file {self.path} was replaced by another file"
        return None

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def schema_version(self) -> int:
        rows = list(await self.conn.execute_fetchall("PRAGMA user_version"))
        return int(rows[0][0]) if rows else 0

    async def _migrate(self) -> None:
        version = await self.schema_version()
        if version > len(MIGRATIONS):
            raise sqlite3.DatabaseError(f"schema version {version} is newer than this program knows")
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            # One script, one transaction: a failed migration leaves the previous version.
            try:
                await self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{for_sqlite(migration)}\nPRAGMA user_version = {int(number)};\n"
                    "COMMIT;")
            except BaseException:
                if self.conn.in_transaction:
                    await self.conn.execute("ROLLBACK")
                raise

    @contextlib.asynccontextmanager
    async def transaction(self, chat_key: int | None = None) -> AsyncIterator[SqliteConnection]:
        """One transaction: everything inside commits together or not at all. One at a time on
        the one connection, so ``chat_key`` (PostgreSQL's per-chat lock) is not needed here."""
        async with self._lock:
            conn = SqliteConnection(self.conn)
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                await conn.execute("COMMIT")
            except BaseException:  # the work or the COMMIT failed
                if self.conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        await self.conn.execute("ROLLBACK")
                raise

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._lock:
            return await SqliteConnection(self.conn).fetchall(sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One statement on its own: atomic without an explicit transaction (autocommit)."""
        async with self._lock:
            return await SqliteConnection(self.conn).execute(sql, params)
