"""The PostgreSQL test infrastructure works: the `pg_url` fixture (tests/pg.py) gives each test a
fresh empty database, asyncpg passes parameters, and `FOR UPDATE SKIP LOCKED` really lets two
connections claim different rows (what the outbox of many instances will rely on).

Skipped without RAHNUMA_TEST_DATABASE_URL (see tests/pg.py)."""

from __future__ import annotations

import asyncpg
import pytest
from pg import with_database

CLAIM = "SELECT id FROM jobs WHERE done = false ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"


def test_with_database_keeps_everything_but_the_name() -> None:
    url = "postgresql://u:p%40ss@db.example:5433/postgres?sslmode=require"
    assert with_database(url, "t1") == "postgresql://u:p%40ss@db.example:5433/t1?sslmode=require"


@pytest.mark.parametrize("run", [1, 2])
async def test_each_test_gets_its_own_empty_database(pg_url: str, run: int) -> None:
    conn = await asyncpg.connect(pg_url)
    try:
        tables = await conn.fetchval(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        assert tables == 0
        # the same table name in both runs: they cannot share a database
        await conn.execute("CREATE TABLE marker (run int)")
        await conn.execute("INSERT INTO marker VALUES ($1)", run)
        assert await conn.fetchval("SELECT current_database()") == pg_url.rsplit("/", 1)[1]
    finally:
        await conn.close()


async def test_parameters_reach_the_server_as_values(pg_url: str) -> None:
    conn = await asyncpg.connect(pg_url)
    try:
        await conn.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)")
        tricky = ["سلام'); DROP TABLE notes; --", "Roman Urdu: mera passport", "ٻڌايو \u202e"]
        for body in tricky:
            await conn.execute("INSERT INTO notes (body) VALUES ($1)", body)
        rows = await conn.fetch("SELECT body FROM notes WHERE body = ANY($1::text[]) ORDER BY id", tricky)
        assert [r["body"] for r in rows] == tricky
        assert await conn.fetchval("SELECT $1::int + $2::int", 40, 2) == 42
    finally:
        await conn.close()


async def test_skip_locked_claims_are_disjoint_between_connections(pg_url: str) -> None:
    a = await asyncpg.connect(pg_url)
    b = await asyncpg.connect(pg_url)
    try:
        await a.execute("CREATE TABLE jobs (id int PRIMARY KEY, done bool NOT NULL DEFAULT false)")
        await a.executemany("INSERT INTO jobs (id) VALUES ($1)", [(1,), (2,), (3,)])
        # no test may hang on a lock: fail fast instead
        await b.execute("SET lock_timeout = '2s'")

        tx_a = a.transaction()
        await tx_a.start()
        assert await a.fetchval(CLAIM) == 1

        async with b.transaction():
            # the row A holds is really locked: taking it without SKIP LOCKED fails at once...
            with pytest.raises(asyncpg.LockNotAvailableError):
                await b.fetchval("SELECT id FROM jobs WHERE id = 1 FOR UPDATE NOWAIT")
        async with b.transaction():
            # ...and SKIP LOCKED passes over it to the next free row, without waiting
            assert await b.fetchval(CLAIM) == 2
            await b.execute("UPDATE jobs SET done = true WHERE id = 2")

        # A gives its row back (e.g. its instance died): the next claim gets it again
        await tx_a.rollback()
        async with b.transaction():
            assert await b.fetchval(CLAIM) == 1
        assert await a.fetchval("SELECT array_agg(id ORDER BY id) FROM jobs WHERE done") == [2]
    finally:
        await a.close()
        await b.close()
