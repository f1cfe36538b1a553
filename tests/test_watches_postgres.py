"""The watches' schema and statements are portable: the same text runs on PostgreSQL (with
``?`` numbered as ``$n``), so the PostgreSQL storage can take them as they are. Skipped without
RAHNUMA_TEST_DATABASE_URL (see tests/pg.py)."""

from __future__ import annotations

import itertools
import re

import asyncpg

from bot.storage import watches as sql
from bot.storage.database import MIGRATIONS


def numbered(statement: str) -> str:
    counter = itertools.count(1)
    return re.sub(r"\?", lambda _m: f"${next(counter)}", statement)


async def test_the_watches_statements_run_on_postgresql(pg_url: str) -> None:
    conn = await asyncpg.connect(pg_url)
    try:
        [migration] = [m for m in MIGRATIONS if "CREATE TABLE watches" in m]
        await conn.execute(migration)
        await conn.execute("CREATE TABLE users (user_id BIGINT PRIMARY KEY, lang TEXT)")
        big = 7_000_000_000  # Telegram and WhatsApp ids outgrow 32 bits
        await conn.execute("INSERT INTO users (user_id, lang) VALUES ($1, 'sd')", big)
        for uid, lic in ((big, "0001/RWP"), (big, "0002/RWP"), (5, "0001/RWP"), (big, "0001/RWP")):
            await conn.execute(numbered(sql.ADD), uid, uid, lic, "en", "valid", "2027-06-30", "", 1.5)
        assert len(await conn.fetch(numbered(sql.OF_PERSON), big)) == 2  # the second add renewed

        rows = await conn.fetch(numbered(sql.PAGE), -(2 ** 63), 10)
        assert [(r["user_id"], r["license_no"], r["lang"]) for r in rows] == [
            (5, "0001/RWP", "en"), (big, "0001/RWP", "sd"), (big, "0002/RWP", "sd")]
        assert [r["user_id"] for r in await conn.fetch(numbered(sql.PAGE), 5, 10)] == [big, big]

        async with conn.transaction():
            await conn.execute(sql.SAVEPOINT)
            moved = await conn.execute(numbered(sql.MOVE), "suspended", "2027-06-30", "", 2.5,
                                       big, "0001/RWP", "valid", "2027-06-30", "")
            assert moved == "UPDATE 1"
            again = await conn.execute(numbered(sql.MOVE), "suspended", "2027-06-30", "", 2.5,
                                       big, "0001/RWP", "valid", "2027-06-30", "")
            assert again == "UPDATE 0"   # compare-and-set: the second pass records nothing
            await conn.execute(sql.ROLLBACK_TO)
            await conn.execute(sql.RELEASE)
        assert await conn.fetchval("SELECT status FROM watches WHERE user_id = $1 AND license_no = $2",
                                   big, "0001/RWP") == "valid"   # rolled back to the savepoint
        row = await conn.fetchrow(sql.COUNTS)
        assert (row[0], row[1]) == (3, 2)
        await conn.execute(numbered(sql.REMOVE_ONE), big, "0002/RWP")
        await conn.execute(numbered(sql.REMOVE_ALL), 5)
        assert (await conn.fetchrow(sql.COUNTS))[0] == 1
    finally:
        await conn.close()
