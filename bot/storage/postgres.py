"""PostgreSQL through asyncpg (when ``DATABASE_URL`` is set): a pool, one connection per transaction.

The same statements as on SQLite (``?`` placeholders, numbered here as ``$1, $2, …``), the same
migrations (:data:`bot.storage.database.MIGRATIONS`, translated by :mod:`bot.storage.schema`),
the version in a ``schema_version`` table. Transactions of different chats run side by side;
:meth:`PostgresDatabase.transaction` with a ``chat_key`` first takes that chat's
transaction-scoped advisory lock, so one chat's units of work follow each other even across
many instances. Migrations take a lock of their own: instances that start together migrate once.

At start a server that does not answer yet is waited for (with back-off, up to ``patience``
seconds: in a compose file the database often starts after the bot); wrong credentials or a
database that does not exist stop at once. Either way :class:`DatabaseUnusable` says what to
do, without the password, and the bot never falls back to an empty SQLite file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from urllib.parse import unquote, urlsplit, urlunsplit

import asyncpg

from bot.storage import database
from bot.storage.errors import DatabaseUnusable, StorageError
from bot.storage.schema import for_postgres, token_of
from bot.storage.sql import Params, Row, Statements, driver_errors, numbered, rowcount

log = logging.getLogger(__name__)
POOL_SIZE = 10  # connections per instance: transactions of this many chats at once
COMMAND_TIMEOUT = 30.0  # a statement that takes longer fails (the server is gone, say)
CONNECT_PATIENCE = 60.0  # seconds to wait at start for a server that does not answer yet
MIGRATION_LOCK = (0x5248, 1)  # pg_advisory_xact_lock(int, int): apart from the chats' bigint keys
_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)
_CONFLICTS = (asyncpg.DeadlockDetectedError, asyncpg.SerializationError)
# Errors at connection time that say "not yet": the server is down, starting, or full.
_NOT_YET = (OSError, TimeoutError, asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError,
            asyncpg.ConnectionDoesNotExistError)


def without_password(url: str) -> tuple[str, str | None]:
    """``url`` with its password taken out, and the password (decoded), if any."""
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    if not at or not colon:
        return url, None
    return urlunsplit(parts._replace(netloc=f"{user}@{hostport}")), unquote(password)


def shown(url: str) -> str:
    """What may be logged of a database URL: everything but the password and the query."""
    safe, _ = without_password(url)
    return urlunsplit(urlsplit(safe)._replace(query=""))



async def _keep_session(conn: asyncpg.Connection) -> None:
    """What a connection needs when it goes back to the pool: nothing more than asyncpg always
    does (an open transaction rolled back, listeners removed). The bot keeps no session state
    (no SET, LISTEN, cursors or session advisory locks: only transaction locks), so asyncpg's
    default reset query would be one more round trip per statement for nothing."""


class PgConnection(Statements):
    """The seam (:class:`bot.storage.sql.Connection`) over one asyncpg connection."""

    def __init__(self, conn: asyncpg.Connection | asyncpg.Pool) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        with driver_errors(_ERRORS, "PostgreSQL", _CONFLICTS):
            return rowcount(await self.conn.execute(numbered(sql), *params))

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        with driver_errors(_ERRORS, "PostgreSQL", _CONFLICTS):
            return list(await self.conn.fetch(numbered(sql), *params))


class PostgresDatabase(Statements):
    """A pool of connections to one PostgreSQL database, shared with any number of instances.
    Statements outside a transaction run on any free connection of the pool."""

    dialect = "postgres"

    def __init__(self, url: str, *, patience: float = CONNECT_PATIENCE, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        self.patience = patience
        self.pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self.token = ""

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StorageError("database is not open")
        return self._pool

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await PgConnection(self.pool).execute(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await PgConnection(self.pool).fetchall(sql, params)

    def describe(self) -> str:
        return f"PostgreSQL {shown(self.url)}"

    async def open(self) -> PostgresDatabase:
        self._pool = await self._connect()
        try:
            await self._migrate()
            self.token = await token_of(self)
        except StorageError as exc:
            await self.close()
            if isinstance(exc, DatabaseUnusable):
                raise
            raise DatabaseUnusable(f"The database {shown(self.url)} cannot be used ({exc}).") from exc
        return self

    async def _connect(self) -> asyncpg.Pool:
        deadline = time.monotonic() + self.patience
        delay = 0.25
        while True:
            try:
                return await asyncpg.create_pool(self.url, min_size=1, max_size=self.pool_size,
                                                 command_timeout=COMMAND_TIMEOUT, reset=_keep_session)
            except _NOT_YET as exc:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DatabaseUnusable(
                        f"The PostgreSQL server of {shown(self.url)} did not answer within "
                        f"{self.patience:.0f} s ({type(exc).__name__}: {exc}). Is it running, and are "
                        "the host and port in DATABASE_URL right?") from exc
                log.warning("PostgreSQL does not answer yet (%s); trying again in %.1f s",
                            type(exc).__name__, delay)
                await asyncio.sleep(min(delay, remaining))
                delay = min(delay * 2, 5.0)
            except (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError) as exc:
                raise DatabaseUnusable(
                    f"PostgreSQL refused the user of {shown(self.url)} ({exc}). Check the user name "
                    "and password in DATABASE_URL.") from exc
            except asyncpg.InvalidCatalogNameError as exc:
                raise DatabaseUnusable(
                    f"{exc} ({shown(self.url)}). Create it (createdb) or fix the database name in "
                    "DATABASE_URL.") from exc
            except (asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as exc:
                raise DatabaseUnusable(
                    f"Cannot use DATABASE_URL {shown(self.url)}: {type(exc).__name__}: {exc}") from exc

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), 10)
            except (TimeoutError, *_ERRORS):
                pool.terminate()

    @contextlib.asynccontextmanager
    async def transaction(self, chat_key: int | None = None) -> AsyncIterator[PgConnection]:
        """One transaction on a connection of its own: everything inside commits together or not
        at all. With ``chat_key``, after every other transaction holding that chat's lock."""
        with driver_errors(_ERRORS, "PostgreSQL", _CONFLICTS):
            raw = await self.pool.acquire()
        try:
            tx = raw.transaction()
            with driver_errors(_ERRORS, "PostgreSQL", _CONFLICTS):
                await tx.start()
            try:
                conn = PgConnection(raw)
                if chat_key is not None:
                    await conn.execute("SELECT pg_advisory_xact_lock(?)", (int(chat_key),))
                yield conn
            except BaseException:
                with contextlib.suppress(*_ERRORS):
                    await tx.rollback()
                raise
            with driver_errors(_ERRORS, "PostgreSQL", _CONFLICTS):
                await tx.commit()
        finally:
            with contextlib.suppress(*_ERRORS):
                await self.pool.release(raw)

    async def schema_version(self) -> int:
        row = await self.fetchone("SELECT version FROM schema_version")
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        """Each migration in a transaction of its own, under a lock: instances starting together
        wait for each other, and each step is taken once."""
        while True:
            async with self.transaction() as conn:
                await conn.execute("SELECT pg_advisory_xact_lock(?, ?)", MIGRATION_LOCK)
                await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
                row = await conn.fetchone("SELECT version FROM schema_version")
                if row is None:
                    await conn.execute("INSERT INTO schema_version (version) VALUES (0)")
                version = int(row[0]) if row else 0
                migrations = database.MIGRATIONS
                if version > len(migrations):
                    raise DatabaseUnusable(
                        f"The database {shown(self.url)} has schema version {version}, newer than this "
                        f"program knows ({len(migrations)}): run the newer program, or restore a backup.")
                if version == len(migrations):
                    return
                await conn.execute(for_postgres(migrations[version]))
                await conn.execute("UPDATE schema_version SET version = ?", (version + 1,))

    def file_problem(self) -> str | None:
        return None  # no file: a server that stops answering is what Store.check notices
