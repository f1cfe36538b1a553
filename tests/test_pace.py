"""The send rate several instances keep together (bot.delivery.SharedPace), on a real store."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.delivery import SharedPace
from bot.storage import Store


class Shared:
    """The real store, seen as one of several instances (as on PostgreSQL)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.shared = True

        self.round_trips = 0

    async def send_window(self, name: str, limit: int, window: float, count: int,
                          spacing: float) -> list[float]:
        self.round_trips += 1
        return await self._store.send_window(name, limit, window, count, spacing)

    async def send_slots(self, name: str, interval: float, count: int) -> float:
        self.round_trips += 1
        return await self._store.send_slots(name, interval, count)


@pytest.fixture
async def store(tmp_path: Path):
    s = await Store.open(tmp_path / "pace.db")
    yield s
    await s.close()


async def test_two_paces_on_one_channel_together_keep_the_rate(store: Store) -> None:
    a, b = (SharedPace(Shared(store), "whatsapp", 10, window=True) for _ in range(2))
    sent: list[float] = []
    started = time.monotonic()
    for _ in range(11):
        await a.wait()
        sent.append(time.monotonic())
        await b.wait()
        sent.append(time.monotonic())
    # 22 sends, at most 10 in any second (both together): the 11th and the 21st wait a window
    assert sent[9] - started < 0.5
    assert sent[10] - started >= 1.0
    assert sent[20] - started >= 2.0


async def test_after_a_stall_the_waiting_sends_catch_up_at_once(store: Store) -> None:
    pace = SharedPace(Shared(store), "whatsapp", 20, window=True)
    first = time.monotonic()
    for _ in range(10):  # half the window's room used...
        await pace.wait()
    await asyncio.sleep(0.3)  # ...then a stall: 10 sends queued meanwhile
    started = time.monotonic()
    await asyncio.gather(*(pace.wait() for _ in range(10)))
    # all go in the room left in the window, at twice the rate (0.25 s; evenly spaced slots at
    # 0.95 x 20/s took 0.5 s)
    assert time.monotonic() - started < 0.4
    await pace.wait()  # but the 21st in the window waits for the window to move on
    assert time.monotonic() - first >= 1.0


async def test_channels_have_their_own_pace(store: Store) -> None:
    slow = SharedPace(Shared(store), "telegram", 2)
    await slow.wait()
    started = time.monotonic()
    await SharedPace(Shared(store), "whatsapp", 2).wait()
    assert time.monotonic() - started < 0.25  # not held behind telegram's next slot (0.5 s away)


async def test_one_instance_or_no_limit_waits_for_nothing(store: Store) -> None:
    assert not SharedPace(store, "telegram", 30).active  # a SQLite file: one process, PTB limits
    assert not SharedPace(Shared(store), "telegram", 0).active
    started = time.monotonic()
    for _ in range(50):
        await SharedPace(store, "telegram", 1).wait()
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("window", [True, False])
async def test_many_instances_sending_at_once_never_exceed_the_rate_in_any_second(
        store: Store, window: bool) -> None:
    # three instances, each with many sends waiting at once, at max_rate 40
    instances = [SharedPace(Shared(store), "whatsapp", 40, window=window) for _ in range(3)]
    sent: list[float] = []

    async def send(pace: SharedPace) -> None:
        await pace.wait()
        sent.append(time.time())

    await asyncio.gather(*(send(pace) for pace in instances for _ in range(30)))
    sent.sort()
    assert len(sent) == 90
    in_any_second = max(sum(1 for t in sent[i:] if t < start + 1.0) for i, start in enumerate(sent))
    assert in_any_second <= 40
    assert len(sent) / (sent[-1] - sent[0]) > 0.8 * 40  # and the rate is used, not wasted


async def test_sends_waiting_together_take_their_slots_in_one_round_trip(store: Store) -> None:
    shared = Shared(store)
    pace = SharedPace(shared, "whatsapp", 200)
    await asyncio.gather(*(pace.wait() for _ in range(16)))
    assert shared.round_trips <= 2  # the first alone, then the 15 that waited meanwhile
