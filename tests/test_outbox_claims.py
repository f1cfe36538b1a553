"""Claiming the head of a chat's queue: with several instances on one database, each message is
sent by one of them, and the next one only after it (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.dialogue.messages import Outgoing
from bot.storage import Store, open_store

CHAT = 4242


@pytest.fixture
async def two_stores(database_url: str | None, tmp_path: Path) -> AsyncIterator[tuple[Store, Store]]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    first = await open_store(settings)
    second = await open_store(settings)  # another instance on the same database
    try:
        yield first, second
    finally:
        await second.close()
        await first.close()


async def test_one_instance_wins_the_head_and_the_next_message_waits_for_it(
        two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    await a.enqueue([Outgoing(CHAT, "one"), Outgoing(CHAT, "two")])
    [head_a] = await a.pending(CHAT)
    [head_b] = await b.pending(CHAT)
    assert head_a.id == head_b.id
    assert await a.claim([head_a], 30)
    assert not await b.claim([head_b], 30)  # the same message is not sent twice
    assert [m.payload["text"] for m in await b.pending(CHAT, 5)] == ["one", "two"]  # two waits
    await a.mark_delivered([head_a], sent_message_id=1)
    [second] = await b.pending(CHAT)
    assert second.payload["text"] == "two"
    assert await b.claim([second], 30)


async def test_a_claim_ends_when_released_attempted_or_expired(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    await a.enqueue([Outgoing(CHAT, "one")])
    [head] = await a.pending(CHAT)
    assert await a.claim([head], 30)
    await a.release([head])
    assert await b.claim([head], 30)
    await b.mark_attempt(head, "NetworkError")
    assert await a.claim([head], 0.2)
    deadline = time.monotonic() + 5
    while not await b.claim([head], 30):  # the claimer died: after its time, anyone may send it
        assert time.monotonic() < deadline
    assert not await a.claim([head], 30)


async def test_a_batch_is_claimed_whole_or_not_at_all(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    await a.enqueue([Outgoing(CHAT, "one"), Outgoing(CHAT, "two")])
    first, second = await a.pending(CHAT, 2)
    assert await b.claim([second], 30)
    assert not await a.claim([first, second], 30)
    assert await b.claim([first], 30)  # the failed batch left nothing claimed behind
