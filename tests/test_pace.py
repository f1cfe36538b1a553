"""The send rate several instances keep together (bot.delivery.SharedPace), on a real store."""

from __future__ import annotations

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

    async def send_slot(self, name: str, interval: float) -> float:
        return await self._store.send_slot(name, interval)


@pytest.fixture
async def store(tmp_path: Path):
    s = await Store.open(tmp_path / "pace.db")
    yield s
    await s.close()


async def test_two_paces_on_one_channel_together_keep_the_rate(store: Store) -> None:
    a, b = SharedPace(Shared(store), "whatsapp", 40), SharedPace(Shared(store), "whatsapp", 40)
    started = time.monotonic()
    for _ in range(10):
        await a.wait()
        await b.wait()
    elapsed = time.monotonic() - started
    # 20 sends at 40/s (a little below, by design) take at least 19 intervals of 1/40 s
    assert elapsed >= 19 / 40


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
