"""Never silent, never down for a bad reason: the staff group gone or moved, Telegram's group
limit, a damaged database, content that cannot be read, long admin work, button floods."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from harness import ADMIN_ID, REPO, STAFF_CHAT, STAFF_MEMBER, bot_env, replies, text_of
from reliability_kit import running_bot
from standin import BotApiStandin

NOT_AVAILABLE = "A chat with helpline staff is not available here"


async def said(s: BotApiStandin, chat_id: int, timeout: float = 30) -> str:  # noqa: ASYNC109
    return text_of(await replies(s, chat_id, timeout=timeout, quiet=0.3))


async def test_a_staff_group_the_bot_was_removed_from_is_never_a_silent_dead_end(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        s = env.s
        await s.user_sends(ADMIN_ID, "/start")  # the admin's private chat exists
        await said(s, ADMIN_ID)
        s.kick_bot(STAFF_CHAT)
        await s.user_sends(501, "/helpline", language_code="en")
        first = await said(s, 501)
        await s.user_sends(501, "they locked me in")
        told = await said(s, 501)
        assert NOT_AVAILABLE in told  # honest: the chat is not available
        assert "Helpline" in told or "helpline" in told  # and the numbers come with it
        alert = await said(s, ADMIN_ID)
        assert "staff chat cannot be reached" in alert  # admins told, privately
        assert first  # the numbers were the first answer, as always
        # a new person is told at once, and given the numbers
        await s.user_sends(502, "/helpline", language_code="en")
        assert NOT_AVAILABLE in await said(s, 502)
        await s.user_sends(ADMIN_ID, "/stats")
        assert "staff chat unreachable" in await said(s, ADMIN_ID)  # the health flag


async def test_a_group_upgraded_to_a_supergroup_is_followed(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        s = env.s
        await s.user_sends(ADMIN_ID, "/start")
        await said(s, ADMIN_ID)
        new_id = s.migrate_group(STAFF_CHAT)
        await s.user_sends(503, "/helpline", language_code="en")
        header = (await s.wait_for(
            lambda m: m["chat"]["id"] == new_id and "Ticket #" in (m.get("text") or ""), timeout=30))[0]
        assert str(new_id) in await said(s, ADMIN_ID)  # admins told the new id
        await asyncio.sleep(0.5)
        await s.user_sends(STAFF_MEMBER, "we are here for you", chat_id=new_id,
                           reply_to_message_id=header["message_id"])
        assert "we are here for you" in await said(s, 503)


async def test_one_persons_flood_does_not_hold_back_anothers_first_message(tmp_path: Path) -> None:
    """Telegram's group limit emulated (5 messages per 6 s here, 20 per minute for real)."""
    async with running_bot(tmp_path) as env:
        s = env.s
        s.group_limit, s.group_window = 5, 6.0
        await s.user_sends(504, "/helpline", language_code="en")
        await s.user_sends(505, "/start")
        await said(s, 504)
        for n in range(60):
            await s.user_sends(504, f"flood {n:03d} " + "x" * 80)
        await asyncio.sleep(1.0)
        began = time.monotonic()
        await s.user_sends(505, "/helpline", language_code="en")
        await s.user_sends(505, "they locked me in FIRSTMSG")
        await s.wait_for(lambda m: m["chat"]["id"] == STAFF_CHAT and "FIRSTMSG" in (m.get("text") or ""),
                         timeout=30)
        assert time.monotonic() - began <= 2 * s.group_window  # a slot or two, not the whole flood
        seen = "\n".join(m.get("text") or "" for m in s.sent(STAFF_CHAT))
        await s.wait_for(lambda m: m["chat"]["id"] == STAFF_CHAT and "flood 059" in (m.get("text") or ""),
                         timeout=90)
        seen = "\n".join(m.get("text") or "" for m in s.sent(STAFF_CHAT))
        positions = [seen.index(f"flood {n:03d}") for n in range(60)]
        assert positions == sorted(positions)  # the flood itself stays in order, nothing lost


async def test_button_presses_count_towards_the_flood_limit(tmp_path: Path) -> None:
    async with running_bot(tmp_path, user_flood_per_minute=5) as env:
        s = env.s
        await s.user_sends(506, "/start")
        menu = (await replies(s, 506, timeout=30, quiet=0.3))[-1]
        before = len(s.sent(506))
        for _ in range(40):
            await s.press_button(506, "menu:main", menu["message_id"])
        await asyncio.sleep(2.0)
        assert len(s.sent(506)) - before <= 6  # at most the limit, and one warning


async def test_export_reports_is_refused_in_the_staff_group(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as env:
        s = env.s
        await s.user_sends(ADMIN_ID, "/export_reports", chat_id=STAFF_CHAT)
        answer = await said(s, STAFF_CHAT)
        assert "private chat" in answer
        assert not s.calls("sendDocument")


async def test_a_named_pipe_in_the_content_does_not_hang_a_reload(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    async with running_bot(tmp_path, content_dir=content) as env:
        s = env.s
        os.mkfifo(content / "en" / "trap.md")
        began = time.monotonic()
        await s.user_sends(ADMIN_ID, "/reload")
        answer = await said(s, ADMIN_ID)
        assert "not a regular file" in answer and "Reload failed" in answer
        assert time.monotonic() - began < 10
        await s.user_sends(507, "/help")
        assert await said(s, 507)  # still serving the previous content


def run_bot(env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "missing"])
async def test_a_damaged_database_stops_the_bot_with_a_clear_message(
        staffed_standin: BotApiStandin, tmp_path: Path, damage: str) -> None:
    data = tmp_path / "data"
    env = bot_env(staffed_standin, data)
    (tmp_path / "first").mkdir()
    async with running_bot(tmp_path / "first") as first:  # a database with something in it
        await first.s.user_sends(508, "/start")
        await said(first.s, 508)
    data.mkdir()
    for name in ("rahnuma.sqlite3", "rahnuma.database-created"):
        shutil.copy(first.data / name, data / name)
    path = data / "rahnuma.sqlite3"
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:5000])
    elif damage == "garbage":
        raw = bytearray(path.read_bytes())
        raw[4096:8192] = b"\x00garbage" * 512
        path.write_bytes(bytes(raw))
    else:
        path.unlink()
    before = path.read_bytes() if path.exists() else None
    done = await asyncio.to_thread(run_bot, env)
    assert done.returncode == 2
    assert "cannot start" in done.stderr and "rahnuma.sqlite3" in done.stderr
    assert (path.read_bytes() if path.exists() else None) == before  # never a fresh empty one
    assert not staffed_standin.calls("getUpdates")  # it never pretended to be up


async def test_the_first_run_creates_the_database(staffed_standin: BotApiStandin, tmp_path: Path,
                                                 bot_process) -> None:
    process = bot_process()
    process.start()
    await staffed_standin.user_sends(509, "/start")
    assert await said(staffed_standin, 509)
    with sqlite3.connect(tmp_path / "data" / "rahnuma.sqlite3") as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_only_regular_files_inside_the_tree_are_read(tmp_path: Path) -> None:
    from bot.core.knowledge_holder import unreadable_entries

    content = tmp_path / "content"
    (content / "en").mkdir(parents=True)
    (content / "en" / "fees.md").write_text("ok", encoding="utf-8")
    (content / "en" / "same.md").symlink_to(content / "en" / "fees.md")  # a link inside: fine
    assert unreadable_entries(content) == []
    secret = tmp_path / "secret.txt"
    secret.write_text("not content", encoding="utf-8")
    (content / "en" / "out.md").symlink_to(secret)
    os.mkfifo(content / "en" / "pipe.md")
    (content / "ur").symlink_to(tmp_path, target_is_directory=True)
    problems = "\n".join(unreadable_entries(content))
    assert "out.md: a link to outside" in problems and "pipe.md: not a regular file" in problems
    assert "ur: a link to outside" in problems
    assert "fees.md" not in problems and "same.md" not in problems
