"""How updates come in: confirmed only after handling; in order within a chat."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, Update
from telegram.error import TimedOut

from bot.telegram_app.transport import AiohttpRequest
from bot.telegram_app.updates import ConfirmAfterHandling, InOrderPerChat


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, text="hi"))


async def test_one_chats_updates_wait_for_each_other_other_chats_do_not() -> None:
    processor = InOrderPerChat()
    log: list[str] = []

    async def handle(name: str, seconds: float) -> None:
        log.append(f"start {name}")
        await asyncio.sleep(seconds)
        log.append(f"end {name}")

    await asyncio.gather(
        processor.process_update(update(1, 100), handle("A1", 0.05)),
        processor.process_update(update(2, 200), handle("B1", 0.0)),
        processor.process_update(update(3, 100), handle("A2", 0.0)),
        processor.process_update(update(4, 100), handle("A3", 0.0)),
    )
    assert log.index("end A1") < log.index("start A2") < log.index("start A3")
    assert log.index("end B1") < log.index("end A1")  # another person did not wait
    assert processor._chats == {}  # nothing kept once a chat is quiet


async def test_a_failing_update_does_not_block_the_chat() -> None:
    processor = InOrderPerChat()

    async def fails() -> None:
        raise RuntimeError("handler bug")

    async def works() -> str:
        return "ok"

    results = await asyncio.gather(processor.process_update(update(1, 100), fails()),
                                   processor.process_update(update(2, 100), works()),
                                   return_exceptions=True)
    assert isinstance(results[0], RuntimeError) and results[1] is None
    assert processor._chats == {}


async def test_the_next_getupdates_waits_until_every_queued_update_is_handled(monkeypatch) -> None:
    sent: list[str] = []

    async def fake_request(self, url: str, method: str, *args, **kwargs) -> tuple[int, bytes]:
        sent.append(url)
        return 200, b'{"ok": true, "result": []}'

    monkeypatch.setattr(AiohttpRequest, "do_request", fake_request)
    queue: asyncio.Queue = asyncio.Queue()
    transport = ConfirmAfterHandling(queue, 1)
    await queue.put("update 1")
    await queue.put("update 2")
    poll = asyncio.create_task(transport.do_request("http://x/getUpdates?offset=3", "POST"))
    for _ in ("update 1", "update 2"):
        queue.get_nowait()
        await asyncio.sleep(0.01)
        assert sent == []  # an update is still being handled: offset 3 not confirmed yet
        queue.task_done()
    assert await poll == (200, b'{"ok": true, "result": []}')
    assert sent == ["http://x/getUpdates?offset=3"]


async def test_a_batch_that_is_never_handled_is_not_confirmed(monkeypatch) -> None:
    import bot.telegram_app.updates as updates

    sent: list[str] = []

    async def fake_request(self, url: str, method: str, *args, **kwargs) -> tuple[int, bytes]:
        sent.append(url)
        return 200, b"{}"

    monkeypatch.setattr(AiohttpRequest, "do_request", fake_request)
    monkeypatch.setattr(updates, "HANDLED_WAIT_SECONDS", 0.05)
    queue: asyncio.Queue = asyncio.Queue()
    await queue.put("stuck update")
    with pytest.raises(TimedOut):  # PTB's polling retries; a shutdown is not held for ever
        await ConfirmAfterHandling(queue, 1).do_request("http://x/getUpdates?offset=9", "POST")
    assert sent == []
