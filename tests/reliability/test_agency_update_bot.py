"""/update_agencies from the running bot: the whole BE&OE list fetched, the diff to the admin,
the list in use untouched when the site refuses."""

from __future__ import annotations

import sys
from pathlib import Path

from harness import ADMIN_ID, replies, text_of
from reliability_kit import running_bot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from beoe_standin import BeoeStandin, Row


async def test_admin_update_fetches_the_list_and_reports_the_changes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AGENCIES_UPDATE_DELAY", "0")
    # as many agencies as the demonstration list in use (a list that shrank by half is refused)
    rows = [Row(n, "RWP", f"Test Agency {n} Overseas Employment Promoters") for n in range(1, 1601)]
    site = BeoeStandin(rows, per_page=400)
    url = await site.start()
    try:
        async with running_bot(tmp_path, agencies_url=url) as env:
            await env.s.user_sends(ADMIN_ID, "/update_agencies")
            answer = text_of(await replies(env.s, ADMIN_ID, timeout=60, quiet=0.5))
            assert "Fetched 1,600 agencies" in answer and "added" in answer
            assert "0001/RWP" in env.agencies.read_text(encoding="utf-8")
            # the bot now checks against the new list
            await env.s.user_sends(ADMIN_ID + 1, "0001/RWP")
            assert "Test Agency 1 " in text_of(await replies(env.s, ADMIN_ID + 1, timeout=30))

            before = env.agencies.read_bytes()
            site.browser_check = True
            await env.s.user_sends(ADMIN_ID, "/update_agencies")
            refused = text_of(await replies(env.s, ADMIN_ID, timeout=60, quiet=0.5))
            assert "not updated" in refused and "unchanged" in refused
            assert env.agencies.read_bytes() == before
    finally:
        await site.stop()
