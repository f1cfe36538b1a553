"""Start-up when Telegram is flaky: the bot comes up as soon as the API does, never exits."""

from __future__ import annotations

import pytest
from harness import replies, text_of
from standin import BotApiStandin, Faults

# Telegram's faults, not the database's: SQLite only (PostgreSQL start-up: test_storage_postgres.py)
pytestmark = pytest.mark.parametrize("database_url", [None], ids=["sqlite"])


async def test_faults_from_the_first_call_do_not_stop_the_bot(
        staffed_standin: BotApiStandin, bot_process) -> None:
    """30% of every call fails (500, 429, dropped connection) from the first getMe on."""
    s = staffed_standin
    s.faults = Faults(error_rate=0.3, kinds={"500", "429", "drop"}, retry_after=1,
                      include_get_updates=True, seed=3)
    process = bot_process()
    process.start()
    await s.user_sends(300, "/start")
    got = await replies(s, 300, timeout=90, quiet=0.5)
    assert got, "the bot never answered"
    assert process.proc is not None and process.proc.poll() is None, "the bot exited"
    assert s.faults_total > 0


async def test_api_down_at_start_then_back(staffed_standin: BotApiStandin, bot_process) -> None:
    """Every start-up call fails for a while (getMe, deleteWebhook, setMyCommands); when the API
    comes back the bot answers, without having been restarted."""
    s = staffed_standin
    s.faults = Faults(error_rate=1.0, kinds={"500", "drop"}, include_get_updates=True, seed=1)
    process = bot_process()
    process.start()
    await s.wait_for_call("getMe", count=3, timeout=30)
    assert process.proc is not None and process.proc.poll() is None, "the bot gave up at start-up"
    s.faults = None
    await s.user_sends(301, "/help")
    assert text_of(await replies(s, 301, timeout=90, quiet=0.5))
    assert process.proc.poll() is None
