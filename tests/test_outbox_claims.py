"""Leases on a chat's queue: with several instances on one database, one of them at a time sends
a chat's messages, in order; a lease its holder stops renewing runs out (SQLite and PostgreSQL).
Two Store objects on one database are two instances."""

from __future__ import annotations

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


async def test_one_instance_holds_a_chat_and_the_other_waits_for_it(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    await a.enqueue([Outgoing(CHAT, "one"), Outgoing(CHAT, "two")])
    await b.enqueue([Outgoing(CHAT + 1, "elsewhere")])
    assert await a.claim_chat(CHAT, "a", 5)
    assert not await b.claim_chat(CHAT, "b", 5)  # the same chat is not sent by two
    assert await b.pending(CHAT, 5, holder="b") == []  # nor read by the one without the lease
    assert await b.chats_with_pending_messages("b") == [CHAT + 1]  # what b's scan may take
    [head] = await a.pending(CHAT, holder="a")
    await a.mark_delivered([head], sent_message_id=1)
    await a.release_chat(CHAT, "a")  # its queue is b's to send now
    assert await b.claim_chat(CHAT, "b", 5)
    assert [m.payload["text"] for m in await b.pending(CHAT, 5, holder="b")] == ["two"]


async def test_a_lease_ends_when_given_up_or_not_renewed(two_stores: tuple[Store, Store]) -> None:
    a, b = two_stores
    await a.enqueue([Outgoing(CHAT, "one")])
    assert await a.claim_chat(CHAT, "a", 5) and await a.claim_chat(CHAT, "a", 5)  # kept by its holder
    await a.release_leases("a")  # shutting down
    assert await b.claim_chat(CHAT, "b", -1)  # b then stops renewing (killed a second ago)
    assert await b.renew_leases("a", 5) == 0
    assert await a.claim_chat(CHAT, "a", 5)  # ran out: taken over
    assert await a.renew_leases("a", 5) == 1
    assert not await b.claim_chat(CHAT, "b", 5)
