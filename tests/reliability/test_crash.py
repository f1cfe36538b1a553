"""Crash consistency: `kill -9` of `python -m bot` during a two-way helpline chat.

The big run (200 messages, kills at truly random moments) is benchmarks/reliability.py; here a
40-message session with 3 kills placed between deliveries, and the redelivery of an update
whose offset was never confirmed.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from harness import STAFF_CHAT
from reliability_kit import db_rows, escalation_session, markers, tally, texts, wait_markers
from standin import BotApiStandin, Faults


async def test_kill9_between_deliveries_loses_and_duplicates_nothing(
        staffed_standin: BotApiStandin, bot_process) -> None:
    report = await escalation_session(staffed_standin, bot_process, messages=40, user_id=31,
                                      quiet_kills_at=(7, 18, 29), down_for=3, seed=5)
    print("\n" + report.line())
    assert report.kills == 3
    assert report.delivered_in_time
    assert report.to_staff.lost == [] and report.to_user.lost == []
    assert report.duplicated == 0, (report.to_staff.duplicated, report.to_user.duplicated)
    assert report.in_order


async def test_update_redelivered_after_crash_takes_effect_once(
        staffed_standin: BotApiStandin, bot_process, tmp_path: Path, database_url: str | None) -> None:
    """The bot handles an update, then dies before confirming its offset: Telegram sends the
    update again to the next process, which must skip it (processed_updates)."""
    s = staffed_standin
    bot = bot_process()
    bot.start()
    await s.user_sends(32, "/helpline")
    await s.wait_for(lambda m: m["chat"]["id"] == STAFF_CHAT and "Ticket #" in (m.get("text") or ""),
                     timeout=60)
    await asyncio.sleep(1.0)
    # The next getUpdates (the one that would confirm the offset) hangs: the bot has the update
    # and handles it, but Telegram never learns that it was received.
    s.faults = Faults(error_rate=1.0, kinds={"slow"}, methods={"getUpdates"}, slow_seconds=6)
    first, second = markers("R", 2)
    await s.user_sends(32, f"{first} please help")
    update_id = s.next_update_id - 1
    await s.wait_for(lambda m: first in (m.get("text") or ""), timeout=30)
    await asyncio.sleep(0.8)  # the delivery is recorded too
    assert update_id in [u["update_id"] for u in s.pending_updates], "offset confirmed too early"
    bot.kill9()
    s.faults = None

    restarted = bot_process()
    restarted.start()
    await s.wait_updates_confirmed(timeout=60)  # the new process received the update again
    await s.user_sends(32, f"{second} are you there")
    await s.wait_for(lambda m: second in (m.get("text") or ""), timeout=60)
    await asyncio.sleep(1.0)

    staff = texts(s.sent(STAFF_CHAT))
    assert sum(first in t for t in staff) == 1  # took effect once
    assert sum(second in t for t in staff) == 1
    log = (tmp_path / "bot.log").read_text(encoding="utf-8", errors="replace")
    assert f"update {update_id} already handled" in log
    processed = [r["update_id"] for r in db_rows(tmp_path / "data", database_url)["processed_updates"]]
    assert processed.count(update_id) == 1


async def test_kill9_right_after_a_batch_is_fetched_loses_nothing(
        staffed_standin: BotApiStandin, bot_process) -> None:
    """Messages that piled up while the bot was down arrive in one getUpdates batch. The bot
    must not confirm that batch (its next getUpdates) before every update in it is handled:
    a kill -9 at the moment of confirmation would otherwise lose the rest of the batch."""
    s = staffed_standin
    bot = bot_process()
    bot.start()
    await s.user_sends(33, "/helpline")
    await s.wait_for(lambda m: m["chat"]["id"] == STAFF_CHAT and "Ticket #" in (m.get("text") or ""),
                     timeout=60)
    await asyncio.sleep(1.0)
    bot.kill9()
    batch = markers("Q", 12)
    for marker in batch:
        await s.user_sends(33, f"{marker} written while the bot was down")
    last = s.next_update_id - 1

    restarted = bot_process()
    restarted.start()
    await s.wait_for_call("getUpdates", lambda p: isinstance(p.get("offset"), int) and p["offset"] > last,
                          timeout=60)
    restarted.kill9()  # the moment the batch is confirmed

    bot_process().start()
    await wait_markers(s, STAFF_CHAT, batch, 60)
    await asyncio.sleep(1.5)
    result = tally(batch, texts(s.sent(STAFF_CHAT)))
    print(f"\nbatch of {len(batch)}: lost {len(result.lost)}, duplicated {result.n_duplicates}")
    assert result.lost == []
    assert result.in_order
