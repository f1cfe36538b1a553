"""The outbox: one delivery path from the database; order per chat, fairness in the staff chat."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.core.dialogue.messages import Outgoing
from bot.core.dialogue.ports import UserRecord
from bot.delivery import StaffChat
from bot.storage.conversation import SqlConversation
from bot.storage.store import Store
from bot.telegram_app.outbox import Outbox

STAFF = -100


class FakeBot:
    """Records what is sent; ``fail`` maps a text to the errors its attempts raise, in turn."""

    def __init__(self, fail: dict[str, list[Exception]] | None = None) -> None:
        self.sent: list[tuple[int, str]] = []
        self.attempts: list[str] = []
        self.fail = fail or {}
        self.broken_chats: dict[int, Exception] = {}

    async def send_message(self, chat_id: int, text: str, **_: object) -> SimpleNamespace:
        self.attempts.append(text)
        if chat_id in self.broken_chats:
            raise self.broken_chats[chat_id]
        errors = self.fail.get(text)
        if errors:
            raise errors.pop(0)
        self.sent.append((chat_id, text))
        return SimpleNamespace(message_id=1000 + len(self.sent))

    def texts(self, chat_id: int) -> list[str]:
        return [t for c, t in self.sent if c == chat_id]


async def commit(store: Store, chat_id: int, *texts: str, ticket_id: int | None = None) -> set[int]:
    async def work(conversation: SqlConversation) -> None:
        for text in texts:
            await conversation.enqueue(Outgoing(chat_id, text, ticket_id=ticket_id), user_id=chat_id)

    return (await store.unit_of_work(None, work)).queued_chats


async def ticket(store: Store, user_id: int, *, urgent: bool = False) -> int:
    return (await store.unit_of_work(None, lambda uow: uow.open_ticket(
        UserRecord(user_id, user_id), "en", urgent=urgent))).value.id


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
    outbox.wake(await commit(store, 7, "new"))
    await until(lambda: len(bot.sent) == 3)
    await outbox.stop()
    assert bot.texts(7) == ["left over 1", "left over 2", "new"]
    assert await store.pending_count() == 0  # each delivery recorded as it happened


async def test_a_failed_message_holds_back_the_next_and_nothing_goes_twice(store: Store) -> None:
    bot = FakeBot(fail={"first": [NetworkError("connection reset")]})
    outbox = Outbox(bot, store)  # type: ignore[arg-type]
    await outbox.start()
    outbox.wake(await commit(store, 8, "first", "second"))
    outbox.wake(await commit(store, 9, "other person"))
    await until(lambda: "other person" in bot.attempts)
    assert "second" not in bot.attempts  # waits behind the failed "first"
    await until(lambda: len(bot.sent) == 3, seconds=10)  # tried again after a back-off
    outbox.wake(await commit(store, 8, "third"))
    await until(lambda: len(bot.sent) == 4)
    await outbox.stop()
    assert bot.texts(8) == ["first", "second", "third"]
    assert bot.attempts.count("first") == 2 and bot.attempts.count("second") == 1


async def test_retry_after_is_respected(store: Store) -> None:
    bot = FakeBot(fail={"hello": [RetryAfter(1)]})
    outbox = Outbox(bot, store)  # type: ignore[arg-type]
    await outbox.start()
    outbox.wake(await commit(store, 8, "hello"))
    await until(lambda: bot.attempts == ["hello"])
    await asyncio.sleep(0.5)
    assert bot.sent == []  # not before Telegram's retry_after
    await until(lambda: bot.texts(8) == ["hello"], seconds=5)
    await outbox.stop()


async def test_staff_message_ids_are_recorded_with_the_ticket_at_once(store: Store) -> None:
    bot = FakeBot()
    outbox = Outbox(bot, store, staff=StaffChat(STAFF))  # type: ignore[arg-type]
    t = await ticket(store, 5)
    outbox.wake(await commit(store, STAFF, "hello", ticket_id=t))
    await until(lambda: len(bot.sent) == 1)
    await until(lambda: outbox.delivered == 1)
    found = (await store.unit_of_work(None, lambda uow: uow.ticket_for_staff_message(STAFF, 1001))).value
    assert found is not None and found.id == t
    await outbox.stop()


async def test_one_persons_flood_does_not_hold_back_another_and_is_combined(store: Store) -> None:
    """Round robin per ticket in the staff chat, urgent first, waiting texts sent together."""
    bot = FakeBot()
    gate = asyncio.Event()
    real_send = bot.send_message

    async def slow_send(chat_id: int, text: str, **kw: object) -> SimpleNamespace:
        await gate.wait()  # the group limit: one message at a time, when we say so
        gate.clear()
        return await real_send(chat_id, text, **kw)

    bot.send_message = slow_send  # type: ignore[method-assign]
    outbox = Outbox(bot, store, staff=StaffChat(STAFF))  # type: ignore[arg-type]
    flood, calm, urgent = await ticket(store, 1), await ticket(store, 2), await ticket(store, 3, urgent=True)
    words = "x" * 90
    outbox.wake(await commit(store, STAFF, *[f"flood {n} {words}" for n in range(120)], ticket_id=flood))
    await asyncio.sleep(0.05)
    await commit(store, STAFF, "calm: they locked me in", ticket_id=calm)
    await commit(store, STAFF, "urgent: help", ticket_id=urgent)
    for _ in range(4):
        gate.set()
        await until(lambda: not gate.is_set())
    await until(lambda: len(bot.sent) == 4)
    sent = bot.texts(STAFF)
    # the first relay was chosen before the others arrived: as many waiting texts as fit
    first = sent[0].split("\n\n")
    assert first[0].startswith("flood 0 ") and len(sent[0]) <= 4096 and 30 < len(first) < 120
    assert sent[1] == "urgent: help" and sent[2] == "calm: they locked me in"
    assert sent[3].startswith(f"flood {len(first)} ")  # then the flood again, in order
    await outbox.stop()


async def test_an_unreachable_staff_chat_tells_the_person_and_the_admins(store: Store) -> None:
    bot = FakeBot()
    bot.broken_chats[STAFF] = Forbidden("bot was kicked from the supergroup chat")
    staff = StaffChat(STAFF, probe_seconds=0.3)
    told: list[list[int]] = []
    alerts: list[str] = []

    async def tell(tickets: list[int]) -> None:
        told.append(tickets)

    async def alert(text: str) -> None:
        alerts.append(text)

    staff.tell_people, staff.alert = tell, alert
    outbox = Outbox(bot, store, staff=staff)  # type: ignore[arg-type]
    t = await ticket(store, 4)
    outbox.wake(await commit(store, STAFF, "they locked me in", ticket_id=t))
    await until(lambda: not staff.reachable)
    assert told == [[t]] and len(alerts) == 1 and "cannot be reached" in alerts[0]
    assert await store.pending_count() == 1  # kept: delivered once the group is back
    del bot.broken_chats[STAFF]
    await until(lambda: (outbox.wake([STAFF]), staff.reachable)[1])  # the probe is due again
    assert bot.texts(STAFF) == ["they locked me in"] and "again" in alerts[-1]
    await outbox.stop()


async def test_a_migrated_staff_group_is_followed(store: Store) -> None:
    bot = FakeBot(fail={"hello": [ChatMigrated(-1009)]})
    staff = StaffChat(STAFF)
    alerts: list[str] = []

    async def alert(text: str) -> None:
        alerts.append(text)

    staff.alert = alert
    outbox = Outbox(bot, store, staff=staff)  # type: ignore[arg-type]
    outbox.wake(await commit(store, STAFF, "hello"))
    await until(lambda: bot.texts(-1009) == ["hello"])
    assert staff.id == -1009 and "-1009" in alerts[0]
    assert await store.moved_to(STAFF) == -1009  # a restart follows it too
    await outbox.stop()


async def test_a_blocked_person_is_given_up_and_staff_are_told(store: Store) -> None:
    bot = FakeBot()
    bot.broken_chats[6] = Forbidden("bot was blocked by the user")
    outbox = Outbox(bot, store, staff=StaffChat(STAFF))  # type: ignore[arg-type]
    t = await ticket(store, 6)
    await commit(store, 6, "a staff answer")
    outbox.wake([6])
    await until(lambda: len(bot.texts(STAFF)) == 1)
    assert f"-{t}</b>" in bot.texts(STAFF)[0] and "could not be delivered" in bot.texts(STAFF)[0]
    await until(lambda: outbox.delivered == 1)  # its delivery recorded
    assert await store.pending_count() == 0
    await outbox.stop()


async def test_a_message_telegram_rejects_is_dropped_not_retried(store: Store) -> None:
    bot = FakeBot(fail={"bad": [BadRequest("Can't parse entities")]})
    outbox = Outbox(bot, store)  # type: ignore[arg-type]
    outbox.wake(await commit(store, 8, "bad", "next"))
    await until(lambda: bot.texts(8) == ["next"])
    assert bot.attempts.count("bad") == 1
    await outbox.stop()
