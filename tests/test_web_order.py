"""KeyedLocks: one holder per key, first come first served, nothing kept once idle."""

from __future__ import annotations

import asyncio
import contextlib

from bot.web import KeyedLocks


async def test_one_key_waits_in_arrival_order_other_keys_do_not_and_memory_stays_flat() -> None:
    locks = KeyedLocks()
    log: list[str] = []
    gate = asyncio.Event()

    async def work(key: int, name: str, *, hold: bool = False) -> None:
        async with locks.hold(key):
            log.append(f"{name} in")
            if hold:
                await gate.wait()
            await asyncio.sleep(0)
            log.append(f"{name} out")

    first = asyncio.create_task(work(1, "a", hold=True))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(work(1, name)) for name in "bcd"]
    other = asyncio.create_task(work(2, "x"))
    await other  # another chat is not held up
    assert log == ["a in", "x in", "x out"]
    assert len(locks) == 1  # key 1 only: a holds, b c d wait
    gate.set()
    await asyncio.gather(first, *waiting)
    assert [e for e in log if e.endswith(" in")][1:] == ["x in", "b in", "c in", "d in"]
    assert len(locks) == 0


async def test_a_failing_holder_frees_the_key() -> None:
    locks = KeyedLocks()

    async def boom() -> None:
        async with locks.hold("k"):
            raise RuntimeError("x")

    for _ in range(3):
        with contextlib.suppress(RuntimeError):
            await boom()
    assert len(locks) == 0
    async with asyncio.timeout(1), locks.hold("k"):
        pass
