"""Webhook mode (`python -m bot serve`): the real server on 127.0.0.1, the real Application
and SQLite, the Bot API stand-in acting as Telegram (it POSTs each update to the webhook URL
the bot registered, with the secret header, and retries whatever is not answered 200)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from harness import (
    STAFF_CHAT,
    STAFF_MEMBER,
    WEBHOOK_SECRET,
    RunningServer,
    free_port,
    replies,
    text_of,
    webhook_settings,
)
from standin import BotApiStandin, Faults
from tcp_proxy import TcpProxy

from bot.web import SECRET_HEADER

DATABASE = "rahnuma.sqlite3"


@pytest.fixture
async def served(staffed_standin: BotApiStandin, tmp_path: Path) -> AsyncIterator[RunningServer]:
    """`serve` in this process, its webhook registered with the stand-in."""
    server = RunningServer(webhook_settings(staffed_standin, tmp_path / "data"))
    await server.start()
    try:
        await staffed_standin.wait_for_call("setWebhook", timeout=15)
        yield server
    finally:
        await server.stop()


async def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as r:
        return r.status, await r.text()


async def healthz(server: RunningServer) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.get(server.url + "/healthz") as r:
        return r.status, await r.json()


async def wait_health(server: RunningServer, status: int, within: float) -> float:
    """Poll /healthz until it answers ``status``; -> seconds it took (fails after ``within``)."""
    start = time.monotonic()
    while True:
        got, _ = await healthz(server)
        if got == status:
            return time.monotonic() - start
        assert time.monotonic() - start < within, f"/healthz still {got} after {within} s"
        await asyncio.sleep(0.1)


async def until(condition, within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


def rows(data_dir: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(data_dir / DATABASE) as db:
        return db.execute(sql).fetchall()


# --- the webhook as Telegram uses it ------------------------------------------------------

async def test_registers_its_webhook_with_secret_and_only_the_updates_it_handles(
        served: RunningServer, staffed_standin: BotApiStandin) -> None:
    call = staffed_standin.calls("setWebhook")[-1]
    assert call["url"] == served.url + "/telegram"
    assert call["secret_token"] == WEBHOOK_SECRET
    assert sorted(call["allowed_updates"]) == ["callback_query", "message"]
    assert not staffed_standin.calls("deleteWebhook")  # the webhook is never taken down


async def test_a_whole_conversation_through_the_webhook(served: RunningServer,
                                                        staffed_standin: BotApiStandin) -> None:
    s = staffed_standin
    await s.user_sends(11, "/start", language_code="en")
    first = await replies(s, 11)
    await s.press_button(11, "lang:en", first[-1]["message_id"])
    assert await replies(s, 11)
    await s.user_sends(11, "can i go for a job on a visit visa?")
    assert "visit visa" in text_of(await replies(s, 11)).lower()
    await s.user_sends(11, "/check Zzyzx Qwerty Overseas Employment Promoters")
    assert "✅" not in text_of(await replies(s, 11))
    await s.user_sends(11, "/helpline")
    assert "111-247-786" in text_of(await replies(s, 11))
    header = (await s.wait_for(STAFF_CHAT))[0]
    await s.user_sends(11, "my passport is with the agent")
    relayed = (await s.wait_for(STAFF_CHAT))[0]
    assert "my passport is with the agent" in relayed["text"]
    await s.user_sends(STAFF_MEMBER, "We are here. Where are you now?", chat_id=STAFF_CHAT,
                       reply_to_message_id=relayed["message_id"])
    assert "We are here. Where are you now?" in text_of(await replies(s, 11))
    await s.user_sends(STAFF_MEMBER, "/close", chat_id=STAFF_CHAT, reply_to_message_id=header["message_id"])
    assert "/helpline" in text_of(await replies(s, 11))
    await s.wait_updates_confirmed()
    assert {status for _, status in s.webhook_deliveries} == {200}
    assert not s.calls("getUpdates")  # nothing was polled


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", WEBHOOK_SECRET + "x", WEBHOOK_SECRET[:-1]])
async def test_a_wrong_or_missing_secret_is_refused_and_changes_nothing(
        served: RunningServer, staffed_standin: BotApiStandin, tmp_path: Path, secret: str | None) -> None:
    s = staffed_standin
    s.pause_webhook()
    await s.user_sends(12, "/start")
    update = s.pending_updates[-1]
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    status, _ = await post(served.url + "/telegram", json.dumps(update).encode(), headers)
    assert status == 403
    assert rows(tmp_path / "data", "SELECT * FROM processed_updates") == []
    assert rows(tmp_path / "data", "SELECT * FROM outbox") == []
    s.resume_webhook()  # the real Telegram, with the secret: now it is handled
    assert await replies(s, 12)


async def test_the_same_update_twice_and_at_once_takes_effect_once(
        served: RunningServer, staffed_standin: BotApiStandin, tmp_path: Path) -> None:
    s = staffed_standin
    s.pause_webhook()
    await s.user_sends(13, "/helpline")
    update = s.pending_updates[-1]
    statuses = await asyncio.gather(*(s.post_update(update) for _ in range(4)))
    assert statuses == [200, 200, 200, 200]
    assert await s.post_update(update) == 200  # later again (an answer Telegram never got)
    s.resume_webhook()
    await s.wait_updates_confirmed()
    assert len(rows(tmp_path / "data", "SELECT * FROM tickets")) == 1
    await replies(s, 13)
    assert len([m for m in s.sent(STAFF_CHAT) if "#" in (m.get("text") or "")]) == 1


async def test_one_chats_updates_are_handled_in_the_order_they_arrived(
        served: RunningServer, staffed_standin: BotApiStandin) -> None:
    """Ten messages of one helpline chat posted at once (as a load balancer or Telegram's own
    parallel connections may): the staff group sees them in order."""
    s = staffed_standin
    await s.user_sends(14, "/helpline")
    await replies(s, 14)
    await s.wait_for(STAFF_CHAT)
    s.pause_webhook()
    for n in range(10):
        await s.user_sends(14, f"message {n}")
    queued = s.pending_updates[-10:]
    statuses = []
    for update in queued:  # each POST starts before the one before it has been answered
        statuses.append(asyncio.ensure_future(s.post_update(update)))
        await asyncio.sleep(0)
    assert await asyncio.gather(*statuses) == [200] * 10
    relayed = await s.wait_for(STAFF_CHAT, count=1, timeout=15)
    texts = text_of(relayed + await replies(s, STAFF_CHAT, timeout=15))
    positions = [texts.index(f"message {n}") for n in range(10)]
    assert positions == sorted(positions)


async def test_a_storage_failure_answers_5xx_and_the_retry_succeeds(
        served: RunningServer, staffed_standin: BotApiStandin, tmp_path: Path) -> None:
    """Another process holds the database's write lock: the update cannot be committed, the
    webhook answers 500, the stand-in (as Telegram) sends it again, and once the lock is gone
    it is handled, once."""
    s = staffed_standin
    blocker = sqlite3.connect(tmp_path / "data" / DATABASE, isolation_level=None, timeout=30,
                              check_same_thread=False)
    try:
        # on a thread: the bot shares this event loop and may be inside a write just now
        await asyncio.to_thread(blocker.execute, "BEGIN IMMEDIATE")
        await s.user_sends(15, "/helpline")
        deadline = time.monotonic() + 20
        while not any(status >= 500 for _, status in s.webhook_deliveries):
            assert time.monotonic() < deadline, s.webhook_deliveries
            await asyncio.sleep(0.05)
    finally:
        blocker.rollback()
        blocker.close()
    assert "111-247-786" in text_of(await replies(s, 15, timeout=20))
    await s.wait_updates_confirmed(timeout=20)
    mine = [status for uid, status in s.webhook_deliveries if uid == s.updates_log[-1]["update_id"]]
    assert mine[0] == 500 and mine[-1] == 200
    assert len(rows(tmp_path / "data", "SELECT * FROM tickets")) == 1


# --- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "status"), [
    (b"not json at all", 400),
    (b"", 400),
    (b"[1, 2, 3]", 400),
    (b'{"message": {"text": "no update_id"}}', 400),
    (b'{"update_id": "7"}', 400),
    (b'{"update_id": 7, "message": "not an object"}', 400),
    (b"\xff\xfe\x00garbage", 400),
    (b'{"update_id": 8, "a_kind_telegram_adds_later": {"x": 1}}', 200),
    (b'{"update_id": 9, "edited_message": {"message_id": 1, "date": 0,'
     b' "chat": {"id": 5, "type": "private"}}}', 200),
])
async def test_bad_bodies_get_a_clear_status_and_the_server_carries_on(
        served: RunningServer, staffed_standin: BotApiStandin, body: bytes, status: int) -> None:
    headers = {SECRET_HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"}
    got, _ = await post(served.url + "/telegram", body, headers)
    assert got == status
    await staffed_standin.user_sends(16, "/help")
    assert await replies(staffed_standin, 16)


async def test_a_huge_body_is_refused_without_being_read(served: RunningServer,
                                                          staffed_standin: BotApiStandin) -> None:
    huge = b'{"update_id": 1, "message": {"text": "' + b"x" * (3 * 1024 * 1024) + b'"}}'
    headers = {SECRET_HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"}
    got, _ = await post(served.url + "/telegram", huge, headers)
    assert got == 413
    await staffed_standin.user_sends(17, "/help")
    assert await replies(staffed_standin, 17)


async def test_unknown_paths_and_methods_are_not_found(served: RunningServer) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(served.url + "/telegram") as r:
            assert r.status == 405
        async with session.get(served.url + "/admin") as r:
            assert r.status == 404


# --- /healthz -------------------------------------------------------------------------------

async def test_healthz_turns_503_when_the_database_goes_away_and_200_when_it_is_back(
        served: RunningServer, tmp_path: Path) -> None:
    status, body = await healthz(served)
    assert (status, body["status"], body["database"]) == (200, "ok", "ok")
    database = tmp_path / "data" / DATABASE
    away = database.with_name("moved-away.sqlite3")
    database.rename(away)
    try:
        took = await wait_health(served, 503, within=10)
        assert took < 10
        _, body = await healthz(served)
        assert body["status"] == "unavailable" and "disappeared" in body["database"]
    finally:
        away.rename(database)
    await wait_health(served, 200, within=10)


async def test_healthz_lists_a_staff_chat_it_cannot_post_to_but_stays_200(
        served: RunningServer, staffed_standin: BotApiStandin) -> None:
    s = staffed_standin
    s.kick_bot(STAFF_CHAT)
    await s.user_sends(18, "/helpline")
    await replies(s, 18, timeout=15)
    deadline = time.monotonic() + 15
    while True:
        status, body = await healthz(served)
        if any("staff chat unreachable" in p for p in body["problems"]):
            break
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.1)
    assert status == 200


async def test_healthz_on_postgresql_turns_503_when_the_server_goes_away_and_200_when_back(
        staffed_standin: BotApiStandin, pg_url: str, tmp_path: Path) -> None:
    """The database server becomes unreachable (every connection cut, new ones refused)."""
    proxy = TcpProxy.to(pg_url)
    await proxy.start()
    server = RunningServer(webhook_settings(staffed_standin, tmp_path / "data",
                                            database_url=proxy.url_for(pg_url)))
    await server.start()
    try:
        await wait_health(server, 200, within=10)
        await proxy.cut()
        assert await wait_health(server, 503, within=10) < 10
        _, body = await healthz(server)
        assert body["status"] == "unavailable"
        await proxy.start()
        await wait_health(server, 200, within=10)
        await staffed_standin.user_sends(20, "/help")  # and it works again
        assert await replies(staffed_standin, 20, timeout=20)
    finally:
        await server.stop()
        await proxy.cut()


# --- `python -m bot serve` as a process ------------------------------------------------------

def serve_env(standin: BotApiStandin, port: int, **extra: str) -> dict[str, str]:
    env = {"PORT": str(port), "HOST": "127.0.0.1", "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
           "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram"}
    env.update(extra)
    return env


async def exit_status(process, timeout: float = 30) -> int:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while process.proc.poll() is None:
        assert time.monotonic() < deadline, "still running"
        await asyncio.sleep(0.05)
    return process.proc.returncode


async def test_serve_process_registers_the_webhook_despite_failures_and_stops_cleanly(
        staffed_standin: BotApiStandin, bot_process, tmp_path: Path) -> None:
    s = staffed_standin
    s.faults = Faults(error_rate=1.0, kinds={"500", "drop"}, methods={"setWebhook"})
    port = free_port()
    process = bot_process("serve", **serve_env(s, port))
    process.start()
    await s.wait_for_call("setWebhook", count=3, timeout=30)  # refused three times, still trying
    assert process.proc.poll() is None
    assert not s.webhook_url
    s.faults = None
    await until(lambda: s.webhook_url == f"http://127.0.0.1:{port}/telegram", 30)
    await s.user_sends(19, "/help")
    assert await replies(s, 19, timeout=30)
    process.proc.terminate()
    assert await exit_status(process) == 0
    log = (tmp_path / "bot.log").read_text()
    assert "Rahnuma stopped" in log
    assert WEBHOOK_SECRET not in log and s.token not in log


async def test_serve_without_a_webhook_url_leaves_the_webhook_alone(
        staffed_standin: BotApiStandin, bot_process, tmp_path: Path) -> None:
    s = staffed_standin
    port = free_port()
    process = bot_process("serve", **serve_env(s, port, TELEGRAM_WEBHOOK_URL=""))
    process.start()
    await s.wait_for_call("setMyCommands", timeout=30)  # up and connected
    assert not s.calls("setWebhook") and not s.calls("deleteWebhook")
    process.proc.terminate()
    assert await exit_status(process) == 0


async def test_serve_without_a_token_still_answers_healthz(tmp_path: Path) -> None:
    from harness import BotProcess, bot_env

    port = free_port()
    env = {k: v for k, v in bot_env(BotApiStandin(), tmp_path / "data").items()
           if not k.startswith("TELEGRAM_")}
    env.update(PORT=str(port), HOST="127.0.0.1")
    process = BotProcess(env, tmp_path / "bot.log", args=("serve",))
    process.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                async with aiohttp.ClientSession() as session, \
                        session.get(f"http://127.0.0.1:{port}/healthz") as r:
                    assert r.status == 200
                    break
            except aiohttp.ClientConnectionError:
                assert time.monotonic() < deadline and process.proc.poll() is None
                await asyncio.sleep(0.1)
        status, _ = await post(f"http://127.0.0.1:{port}/telegram", b"{}")
        assert status == 404  # no Telegram channel without a token
    finally:
        process.proc.terminate()
    assert await exit_status(process) == 0


@pytest.mark.parametrize(("secret", "words"), [
    ("", "TELEGRAM_WEBHOOK_SECRET is not set"),
    ("has spaces and ünïcode", "TELEGRAM_WEBHOOK_SECRET may only contain"),
])
async def test_serve_with_a_token_but_no_usable_secret_exits_2_with_a_clear_message(
        staffed_standin: BotApiStandin, bot_process, tmp_path: Path, secret: str, words: str) -> None:
    process = bot_process("serve", **serve_env(staffed_standin, free_port(),
                                               TELEGRAM_WEBHOOK_SECRET=secret))
    process.start()
    assert await exit_status(process) == 2
    log = (tmp_path / "bot.log").read_text()
    assert words in log
    assert not staffed_standin.calls("getMe")  # it stopped before doing anything


async def test_serve_with_a_token_telegram_rejects_exits_2(
        staffed_standin: BotApiStandin, bot_process, tmp_path: Path) -> None:
    process = bot_process("serve", **serve_env(staffed_standin, free_port(),
                                               TELEGRAM_BOT_TOKEN="999:NOT-THE-TOKEN"))
    process.start()
    assert await exit_status(process, timeout=60) == 2
    log = (tmp_path / "bot.log").read_text()
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in log
    assert "NOT-THE-TOKEN" not in log
