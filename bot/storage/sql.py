"""The connection seam: what the store and the conversation say to a database, in either dialect.

Every statement is written once, with ``?`` placeholders, in SQL that SQLite and PostgreSQL
both run (``ON CONFLICT … DO NOTHING`` rather than ``INSERT OR IGNORE``, ``RETURNING id``
rather than ``lastrowid``, dates computed in Python). :class:`Connection` is the small
interface they run on; :mod:`bot.storage.database` (SQLite) and :mod:`bot.storage.postgres`
implement it, and turn their driver's errors into :class:`StorageError`.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from bot.storage.errors import StorageConflict, StorageError

Params = Sequence[Any]


class Row(Protocol):
    """A result row: by column name or position (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: int | str) -> Any: ...
    def keys(self) -> Any: ...


class Connection(Protocol):
    """One connection inside one transaction (or on its own, each statement committed)."""

    async def execute(self, sql: str, params: Params = ()) -> int: ...  # rows changed
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...
    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...
    async def insert(self, sql: str, params: Params = ()) -> int: ...  # the new row's id


class Database(Connection, Protocol):
    """A database of either dialect: transactions, plus single statements outside any."""

    dialect: str  # "sqlite" or "postgres"
    token: str  # random per database: ticket references never repeat across databases

    async def open(self) -> Database: ...
    async def close(self) -> None: ...
    def transaction(self, chat_key: int | None = None) -> contextlib.AbstractAsyncContextManager[
        Connection]: ...
    async def schema_version(self) -> int: ...
    def file_problem(self) -> str | None: ...


class Statements:
    """``insert`` and ``fetchone`` from ``fetchall``: the part both dialects share."""

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        raise NotImplementedError

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def insert(self, sql: str, params: Params = ()) -> int:
        row = await self.fetchone(f"{sql} RETURNING id", params)
        if row is None:
            raise StorageError("an INSERT returned no id")
        return int(row[0])


@contextlib.contextmanager
def driver_errors(errors: tuple[type[BaseException], ...], what: str,
                  conflicts: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """Raise the driver's ``errors`` as :class:`StorageError` (the cause kept, no SQL values),
    its ``conflicts`` (a deadlock, say) as :class:`StorageConflict`."""
    try:
        yield
    except StorageError:
        raise
    except conflicts as exc:
        raise StorageConflict(f"{what}: {type(exc).__name__}: {exc}") from exc
    except errors as exc:
        raise StorageError(f"{what}: {type(exc).__name__}: {exc}") from exc


# What a placeholder is not: a quoted string or name, a comment. Each ``?`` outside them is one.
_PLACEHOLDER = re.compile(r"'[^']*'|\"[^\"]*\"|--[^\n]*|\?")


@functools.lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2, …`` (not inside quotes or comments)."""
    n = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: f"${next(n)}" if m[0] == "?" else m[0], sql)


def rowcount(status: str) -> int:
    """Rows changed, from a PostgreSQL command tag ("UPDATE 3", "INSERT 0 1", "SELECT 2")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0
