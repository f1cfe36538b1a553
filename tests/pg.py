"""PostgreSQL for tests: the `pg_url` fixture (a pytest plugin, loaded by tests/conftest.py).

Tests that need PostgreSQL take `pg_url`: the URL of a fresh, empty database of their own on the
server named by ``RAHNUMA_TEST_DATABASE_URL``, dropped after the test. Without that variable they
are skipped, so the SQLite suite runs anywhere. `.ci/run` starts a throwaway server and sets it;
by hand:

    scripts/test-postgres.sh start
    RAHNUMA_TEST_DATABASE_URL=$(scripts/test-postgres.sh url) .venv/bin/pytest -q tests/test_postgres.py
    scripts/test-postgres.sh stop

The fixture is synchronous (it works for plain and async tests alike): it talks to the server
through asyncpg on a thread of its own, away from the test's event loop.

Tests of storage take `database_url` (None for SQLite, else a `pg_url`) or `store` (a Store on
it): each runs once on SQLite and once on PostgreSQL, the PostgreSQL run skipped without a
server. Only what exercises storage is parametrised (CI runs the whole suite on both).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV = "RAHNUMA_TEST_DATABASE_URL"


def server_url() -> str:
    """The test server's URL (its maintenance database), or skip the test."""
    url = os.environ.get(ENV, "").strip()
    if not url:
        pytest.skip(f"{ENV} is not set (scripts/test-postgres.sh starts a test server)")
    return url


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` instead (query parameters kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _on_server(url: str, action: Callable[[Any], Awaitable[None]]) -> None:
    """Run ``await action(connection)`` on the server, on a thread with its own event loop."""
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(url, timeout=30)
        try:
            await action(conn)
        finally:
            await conn.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh empty database for this test; its URL. Dropped afterwards (even if still in use)."""
    admin = server_url()
    name = f"rahnuma_test_{uuid.uuid4().hex[:16]}"  # our own name: safe to put in the statement

    async def create(conn: Any) -> None:
        # PostgreSQL 15+: copying the template's files is twice as fast as the WAL_LOG default
        strategy = " STRATEGY = FILE_COPY" if conn.get_server_version() >= (15,) else ""
        await conn.execute(f'CREATE DATABASE "{name}"{strategy}')

    async def drop(conn: Any) -> None:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    _on_server(admin, create)
    try:
        yield with_database(admin, name)
    finally:
        _on_server(admin, drop)


def all_rows(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of the database at ``url`` (a look from outside the bot)."""
    found: dict[str, list[dict[str, Any]]] = {}

    async def read(conn: Any) -> None:
        names = [r[0] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for name in names:
            found[name] = [dict(r) for r in await conn.fetch(f'SELECT * FROM "{name}"')]

    _on_server(url, read)
    return found


DIALECTS = ["sqlite", "postgres"]


@pytest.fixture(params=DIALECTS)
def database_url(request: pytest.FixtureRequest) -> str | None:
    """None (SQLite in the test's DATA_DIR) or a fresh PostgreSQL database: both, in turn."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg_url")


@pytest.fixture
async def store(database_url: str | None, tmp_path: Path) -> AsyncIterator[Any]:
    """The real store on SQLite, then on PostgreSQL (``open_store``, as the bot opens it)."""
    from bot.config import Settings
    from bot.storage import open_store

    s = await open_store(Settings(data_dir=tmp_path / "data", database_url=database_url))
    try:
        yield s
    finally:
        await s.close()
