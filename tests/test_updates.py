"""The polling loop: get updates, handle each (one chat in order), then confirm the offset."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update
from telegram.error import NetworkError

from bot.storage import StorageError
from bot.telegram_app.updates import handle_batch, poll


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, text="hi"))


async def test_one_chats_updates_wait_for_each_other_other_chats_do_not() -> None:
    log: list[str] = []
    pauses = {1: 0.05, 2: 0.0, 3: 0.0, 4: 0.0}
    names = {1: "A1", 2: "B1", 3: "A2", 4: "A3"}

    async def handle(u: Update) -> None:
        log.append(f"start {names[u.update_id]}")
        await asyncio.sleep(pauses[u.update_id])
        log.append(f"end {names[u.update_id]}")

    await handle_batch([update(1, 100), update(2, 200), update(3, 100), update(4, 100)], handle)
    assert log.index("end A1") < log.index("start A2") < log.index("start A3")
    assert log.index("end B1") < log.index("end A1")  # another person did not wait


class FakeBot:
    """getUpdates as Telegram answers it: everything from ``offset`` on; faults on demand."""

    def __init__(self, updates: list[Update], faults: int = 0) -> None:
        self.updates = updates
        self.offsets: list[int | None] = []
        self.faults = faults

    async def get_updates(self, offset: int | None = None, **_: object) -> tuple[Update, ...]:
        self.offsets.append(offset)
        if self.faults:
            self.faults -= 1
            raise NetworkError("connection reset")
        batch = tuple(u for u in self.updates if offset is None or u.update_id >= offset)
        if not batch:
            await asyncio.sleep(0.01)
        return batch


async def test_the_offset_moves_only_after_the_batch_is_handled_and_faults_are_retried() -> None:
    bot = FakeBot([update(1, 1), update(2, 2)], faults=3)
    stop = asyncio.Event()
    handled: list[int] = []

    async def handle(u: Update) -> None:
        assert bot.offsets[-1] is None  # nothing confirmed while the batch is handled
        handled.append(u.update_id)
        if len(handled) == 2:
            asyncio.get_running_loop().call_later(0.05, stop.set)

    await asyncio.wait_for(poll(bot, handle, stop), 10)  # type: ignore[arg-type]
    assert sorted(handled) == [1, 2]
    assert bot.offsets[:4] == [None] * 4  # three faults, then the batch
    assert 3 in bot.offsets  # confirmed after handling


async def test_a_batch_the_database_could_not_commit_is_fetched_again() -> None:
    bot = FakeBot([update(7, 1)])
    stop = asyncio.Event()
    attempts: list[int] = []

    async def handle(u: Update) -> None:
        attempts.append(u.update_id)
        if len(attempts) == 1:
            raise StorageError("SQLite: OperationalError: disk I/O error")
        stop.set()

    await asyncio.wait_for(poll(bot, handle, stop), 10)  # type: ignore[arg-type]
    assert attempts == [7, 7]
    assert bot.offsets[:2] == [None, None]  # not confirmed after the failure


def test_one_log_line_per_kind_of_failure(caplog) -> None:
    import logging

    from bot.logging_setup import FailureLog

    failures = FailureLog(logging.getLogger("test"))
    with caplog.at_level(logging.INFO, logger="test"):
        for _ in range(50):
            failures.failed("getUpdates", NetworkError("reset"))
            failures.ok("getUpdates")
        failures.failed("getUpdates", TimeoutError())
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3, lines  # the first NetworkError, that it works again, the first TimeoutError
    assert all("Traceback" not in line for line in lines)
