"""The outbox: committed messages go out from memory, the database stays the truth."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import pytest
from telegram.error import NetworkError

from bot.core.dialogue.messages import Outgoing
from bot.storage.conversation import PendingMessage, SqlConversation
from bot.storage.store import Store
from bot.telegram_app.outbox import Outbox


class FakeBot:
    """Records what is sent; fails the texts it is told to fail, once each."""

    def __init__(self, fail_once: set[str] = frozenset()) -> None:
        self.sent: list[str] = []
        self.attempts: list[str] = []
        self.fail_once = set(fail_once)

    async def send_message(self, chat_id: int, text: str, **_: object) -> SimpleNamespace:
        self.attempts.append(text)
        if text in self.fail_once:
            self.fail_once.discard(text)
            raise NetworkError("connection reset")
        self.sent.append(text)
        return SimpleNamespace(message_id=1000 + len(self.sent))


@pytest.fixture
async def store(tmp_path: Path):
    s = await Store.open(tmp_path / "db.sqlite3")
    yield s
    await s.close()


async def commit(store: Store, chat_id: int, *texts: str, ticket_id: int | None = None
                 ) -> list[PendingMessage]:
    async def work(conversation: SqlConversation) -> None:
        for text in texts:
            await conversation.enqueue(Outgoing(chat_id, text, ticket_id=ticket_id), user_id=chat_id)

    return (await store.unit_of_work(None, work)).queued


async def until(condition, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


async def test_messages_left_by_an_earlier_run_go_first_then_new_ones(store: Store) -> None:
    await commit(store, 7, "left over 1", "left over 2")  # the process died before sending
    bot = FakeBot()
    outbox = Outbox(bot, store)  # type: ignore[arg-type]
    await outbox.start()
    outbox.add(await commit(store, 7, "new"))
    await until(lambda: len(bot.sent) == 3)
    await outbox.stop()
    assert bot.sent == ["left over 1", "left over 2", "new"]
    assert await store.pending_count() == 0  # every delivery recorded before the store closed


async def test_a_failed_message_holds_back_the_next_and_nothing_goes_twice(store: Store) -> None:
    bot = FakeBot(fail_once={"first"})
    outbox = Outbox(bot, store)  # type: ignore[arg-type]
    await outbox.start()
    outbox.add(await commit(store, 8, "first", "second"))
    outbox.add(await commit(store, 9, "other person"))
    await until(lambda: "other person" in bot.sent)
    assert "second" not in bot.sent  # waits behind the failed "first"
    await until(lambda: len(bot.sent) == 3, seconds=10)  # the retry loop sends it again
    outbox.add(await commit(store, 8, "third"))
    await until(lambda: len(bot.sent) == 4)
    await outbox.stop()
    assert [t for t in bot.sent if t != "other person"] == ["first", "second", "third"]
    assert bot.attempts.count("first") == 2 and bot.attempts.count("second") == 1
    assert await store.pending_count() == 0


async def test_staff_message_ids_are_recorded_with_the_ticket(store: Store) -> None:
    bot = FakeBot()
    outbox = Outbox(bot, store)  # type: ignore[arg-type]
    await outbox.start()
    outbox.add(await commit(store, -100, "#5 hello", "#5 again", ticket_id=5))
    await until(lambda: len(bot.sent) == 2)
    await outbox.stop()
    rows = await store.db.fetchall("SELECT staff_message_id, ticket_id FROM relay_map ORDER BY 1")
    assert [tuple(r) for r in rows] == [(1001, 5), (1002, 5)]
