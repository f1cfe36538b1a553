"""Two `python -m bot serve` processes on one PostgreSQL behind a round-robin balancer.

The stand-in plays Telegram: it POSTs every update to the balancer's /telegram and sends again
whatever is not answered 200. Skipped without RAHNUMA_TEST_DATABASE_URL (tests/pg.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from harness import STAFF_CHAT, STAFF_MEMBER, WEBHOOK_SECRET, BotProcess, bot_env, replies, text_of
from pg import _on_server, all_rows
from round_robin import RoundRobin
from standin import BotApiStandin
from tcp_proxy import free_port

pytestmark = pytest.mark.slow


class Instances:
    def __init__(self, standin: BotApiStandin, pg_url: str, tmp_path: Path) -> None:
        self.standin, self.pg_url, self.tmp_path = standin, pg_url, tmp_path
        self.ports = [free_port(), free_port()]
        self.urls = [f"http://127.0.0.1:{p}" for p in self.ports]
        self.balancer = RoundRobin(self.urls)
        self.processes: list[BotProcess] = []

    def process(self, n: int) -> BotProcess:
        env = bot_env(self.standin, self.tmp_path / f"data-{n}", DATABASE_URL=self.pg_url,
                      HOST="127.0.0.1", PORT=str(self.ports[n]), TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
                      TELEGRAM_WEBHOOK_URL=self.balancer.url + "/telegram")
        process = BotProcess(env, self.tmp_path / f"serve-{n}.log", args=("serve",))
        self.processes.append(process)
        process.start()
        return process

    async def up(self, n: int, within: float = 60) -> None:
        """Wait until instance ``n`` answers /healthz and takes updates."""
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession() as session:
            while True:
                try:
                    secret = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
                    async with session.get(self.urls[n] + "/healthz") as r, \
                            session.post(self.urls[n] + "/telegram", data=b"{}", headers=secret) as t:
                        if r.status == 200 and t.status == 400:  # 503 while it connects
                            return
                except aiohttp.ClientConnectionError:
                    pass
                assert time.monotonic() < deadline, f"instance {n} did not come up"
                await asyncio.sleep(0.1)


@pytest.fixture
async def instances(staffed_standin: BotApiStandin, pg_url: str,
                    tmp_path: Path) -> AsyncIterator[Instances]:
    two = Instances(staffed_standin, pg_url, tmp_path)
    await two.balancer.start()
    try:
        for n in (0, 1):
            two.process(n)
        await asyncio.gather(two.up(0), two.up(1))
        yield two
    finally:
        for process in two.processes:
            await process.shutdown()
        await two.balancer.stop()


async def wait_until(condition: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def scalar(pg_url: str, sql: str, *args: object) -> object:
    found: list[object] = []

    async def look(conn) -> None:
        found.append(await conn.fetchval(sql, *args))

    await asyncio.to_thread(_on_server, pg_url, look)
    return found[0]


async def outbox_empty(pg_url: str) -> None:
    """Wait until every queued message was delivered and recorded."""
    await wait_until_async(lambda: scalar(pg_url, "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL"
                                                  " AND failed = 0"), 0, "the outbox never emptied")


async def wait_until_async(value, wanted: object, what: str, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while await value() != wanted:
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def relay_recorded(pg_url: str, message_id: int) -> None:
    """Wait until the instance that relayed staff message ``message_id`` recorded it (a staff
    reply faster than that, milliseconds after the relay, would find no ticket)."""
    await wait_until_async(lambda: scalar(
        pg_url, "SELECT COUNT(*) FROM relay_map WHERE staff_chat_id = $1 AND staff_message_id = $2",
        STAFF_CHAT, message_id), 1, "the relay was never recorded")


async def test_a_helpline_chat_across_two_instances_survives_kill_9_of_one(
        instances: Instances, staffed_standin: BotApiStandin) -> None:
    s = staffed_standin
    await wait_until(lambda: bool(s.webhook_url), 30, "no webhook registered")
    await s.user_sends(31, "/helpline")
    await replies(s, 31, timeout=30)
    await s.wait_for(STAFF_CHAT, timeout=30)
    staff_replies: list[str] = []
    for n in range(16):
        if n == 8:  # in the middle, between deliveries: only instance 1 is left
            await outbox_empty(instances.pg_url)
            instances.processes[0].kill9()
        await s.user_sends(31, f"user message {n:02d}")
        [relayed] = await s.wait_for(lambda m, n=n: f"user message {n:02d}" in (m.get("text") or ""),
                                     timeout=60)
        await relay_recorded(instances.pg_url, relayed["message_id"])
        text = f"staff answer {n:02d}"
        staff_replies.append(text)
        await s.user_sends(STAFF_MEMBER, text, chat_id=STAFF_CHAT, reply_to_message_id=relayed["message_id"])
        await s.wait_for(lambda m, t=text: t in (m.get("text") or ""), timeout=60)
    await s.wait_updates_confirmed(timeout=60)
    to_staff = text_of(s.sent(STAFF_CHAT))
    to_user = text_of(s.sent(31))
    for n in range(16):  # every message arrived exactly once
        assert to_staff.count(f"user message {n:02d}") == 1, n
        assert to_user.count(f"staff answer {n:02d}") == 1, n
    at = [to_staff.index(f"user message {n:02d}") for n in range(16)]
    assert at == sorted(at)  # in order
    at = [to_user.index(t) for t in staff_replies]
    assert at == sorted(at)
    served_by = {index for index, status in instances.balancer.log if status == 200}
    assert served_by == {0, 1}  # both instances took updates
    assert any(status == 502 for _, status in instances.balancer.log)  # the killed one was tried


async def test_the_same_update_posted_to_both_instances_at_once_takes_effect_once(
        instances: Instances, staffed_standin: BotApiStandin) -> None:
    s = staffed_standin
    await wait_until(lambda: bool(s.webhook_url), 30, "no webhook registered")
    s.pause_webhook()
    await s.user_sends(32, "/helpline")
    update = s.pending_updates[-1]
    statuses = await asyncio.gather(*(s.post_update(update, url=url + "/telegram")
                                      for url in instances.urls for _ in range(3)))
    assert statuses == [200] * 6
    s.resume_webhook()
    await s.wait_updates_confirmed(timeout=30)
    await replies(s, 32, timeout=30)
    rows = all_rows(instances.pg_url)
    assert len(rows["tickets"]) == 1
    assert len([r for r in rows["processed_updates"] if r["update_id"] == update["update_id"]]) == 1
    headers = [m for m in s.sent(STAFF_CHAT) if "#" in (m.get("text") or "")]
    assert len(headers) == 1
