"""'Tell me if this changes': the real bot against the Bot API stand-in, real SQLite, the real
content and a copy of the real agency list that the test edits and reloads."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import shutil
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from harness import ADMIN_ID, REPO, RunningBot, bot_settings, buttons_of, replies, text_of
from standin import BotApiStandin

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from beoe_standin import BeoeStandin, NoticeRow, Row

LICENCE = "5699/RWP"   # valid on the shipped list
NAME = "Golden Arshad International"


class Env:
    def __init__(self, standin: BotApiStandin, tmp: Path, **overrides: object) -> None:
        self.s = standin
        self.tmp = tmp
        self.agencies = tmp / "agencies.csv"
        shutil.copy(REPO / "content" / "agencies.csv", self.agencies)
        shutil.copy(REPO / "content" / "agencies.provenance.json", tmp / "agencies.provenance.json")
        self.overrides = overrides
        self.bot: RunningBot | None = None

    async def start(self) -> RunningBot:
        self.bot = await RunningBot(bot_settings(self.s, self.tmp / "data", agencies_file=self.agencies,
                                                 **self.overrides)).start()
        await self.passes_reach(1)  # the start-up pass is done
        return self.bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
            self.bot = None

    @property
    def passes(self) -> int:
        watches = self.bot.service.watches if self.bot else None
        return watches.passes if watches else 0

    async def passes_reach(self, n: int, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        await until(lambda: self.passes >= n, timeout)

    def edit(self, license_no: str, path: Path | None = None, **fields: str | None) -> None:
        """Change a row of the list in use, or of the list at `path` (remove=...: remove it)."""
        path = path or self.agencies
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert any(r["license_no"] == license_no for r in rows)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            if row["license_no"] == license_no:
                if fields.get("remove"):
                    continue
                row.update({k: v for k, v in fields.items() if v is not None})
            writer.writerow(row)
        path.write_text(out.getvalue(), encoding="utf-8")

    async def reload(self) -> None:
        """/reload as an admin; returns once the watch pass that the new list starts is done."""
        before = self.passes
        await self.s.user_sends(ADMIN_ID, "/reload")
        assert "Reloaded" in text_of(await replies(self.s, ADMIN_ID, timeout=30))
        await self.passes_reach(before + 1)

    def watches(self) -> list[tuple]:
        with sqlite3.connect(self.tmp / "data" / "rahnuma.sqlite3") as db:
            return db.execute(
                "SELECT user_id, license_no, lang, status FROM watches ORDER BY 1, 2").fetchall()


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.02)


@pytest.fixture
async def env(staffed_standin: BotApiStandin, tmp_path: Path) -> AsyncIterator[Env]:
    e = Env(staffed_standin, tmp_path)
    await e.start()
    try:
        yield e
    finally:
        await e.stop()


async def check_and_watch(e: Env, user: int, text: str, lang: str) -> str:
    """The person checks, presses the watch button; returns the confirmation."""
    await e.s.user_sends(user, text, language_code=lang)
    answer = (await replies(e.s, user, timeout=20))[-1]
    watch = [(label, data) for label, data in buttons_of(answer) if data.startswith("w:")]
    assert watch, buttons_of(answer)
    await e.s.press_button(user, watch[0][1], answer["message_id"], language_code=lang)
    return text_of(await replies(e.s, user, timeout=20))


LABELS = {"en": "Tell me if this changes", "ur": "تبدیلی ہو تو مجھے بتائیں", "sd": "تبديلي ٿئي ته ٻڌايو"}
CONFIRM = {"en": "At most one message a day", "ur": "دن میں زیادہ سے زیادہ ایک پیغام",
           "sd": "ڏينهن ۾ وڌ ۾ وڌ هڪ پيغام"}


@pytest.mark.parametrize("lang", ["en", "ur", "sd"])
async def test_the_button_after_a_check_stores_a_watch_in_the_persons_language(env: Env, lang: str) -> None:
    user = 31
    await env.s.user_sends(user, LICENCE, language_code=lang)
    answer = (await replies(env.s, user, timeout=20))[-1]
    labels = {data: label for label, data in buttons_of(answer)}
    assert labels[f"w:valid:{LICENCE}"] == "🔔 " + LABELS[lang]
    await env.s.press_button(user, f"w:valid:{LICENCE}", answer["message_id"], language_code=lang)
    confirmation = (await replies(env.s, user, timeout=20))[-1]
    assert CONFIRM[lang] in confirmation["text"] and "/delete_my_data" in confirmation["text"]
    assert f"wu:{LICENCE}" in [data for _, data in buttons_of(confirmation)]   # a way to stop
    assert env.watches() == [(user, LICENCE, lang, "valid")]


async def test_no_button_when_the_answer_does_not_name_one_agency(env: Env) -> None:
    await env.s.user_sends(32, "/check Golden Arshad Internashnal Travels")  # a look-alike at best
    answer = (await replies(env.s, 32, timeout=20))[-1]
    assert not [d for _, d in buttons_of(answer) if d.startswith("w:")]


async def test_a_suspension_is_told_once_in_their_language_and_a_restart_does_not_repeat_it(
        env: Env) -> None:
    await check_and_watch(env, 33, LICENCE, "ur")
    await check_and_watch(env, 34, LICENCE, "en")
    env.edit(LICENCE, status="suspended")
    await env.reload()
    urdu = text_of(await replies(env.s, 33, timeout=20))
    assert LICENCE in urdu and "معطل" in urdu and "تبدیلی" in urdu     # suspended, in Urdu
    english = text_of(await replies(env.s, 34, timeout=20))
    assert "SUSPENDED" in english and "before: valid" in english
    assert env.watches() == [(33, LICENCE, "ur", "suspended"), (34, LICENCE, "en", "suspended")]

    told = len(env.s.sent(33))
    await env.stop()
    await env.start()           # the start-up pass compares again: nothing new to tell
    await env.reload()          # and so does the next list
    assert len(env.s.sent(33)) == told


async def test_a_change_while_the_bot_was_down_is_told_at_start_up(env: Env) -> None:
    await check_and_watch(env, 35, LICENCE, "sd")
    await env.stop()
    env.edit(LICENCE, status="cancelled")
    await env.start()
    sindhi = text_of(await replies(env.s, 35, timeout=20))
    assert LICENCE in sindhi and "تبديلي" in sindhi


async def test_a_licence_that_disappears_is_not_called_a_fraud(env: Env) -> None:
    await check_and_watch(env, 36, LICENCE, "en")
    env.edit(LICENCE, remove="yes")
    await env.reload()
    told = text_of(await replies(env.s, 36, timeout=20))
    assert "could not be found on the latest list" in told and "Check with BE&OE" in told
    assert "does not mean it is a fraud" in told


async def test_nothing_changed_nothing_sent(env: Env) -> None:
    await check_and_watch(env, 37, LICENCE, "en")
    sent = len(env.s.sent(37))
    env.edit("8112/KHI", status="suspended")   # another agency changes
    await env.reload()
    await env.reload()
    assert len(env.s.sent(37)) == sent


async def test_delete_my_data_removes_the_watches(env: Env) -> None:
    await check_and_watch(env, 38, LICENCE, "en")
    await env.s.user_sends(38, "/delete_my_data")
    prompt = (await replies(env.s, 38, timeout=20))[-1]
    assert "the agencies you watch" in prompt["text"]
    await env.s.press_button(38, "del:yes", prompt["message_id"])
    await replies(env.s, 38, timeout=20)
    assert env.watches() == []
    sent = len(env.s.sent(38))
    env.edit(LICENCE, status="suspended")
    await env.reload()
    assert len(env.s.sent(38)) == sent


async def test_stop_watching_and_the_cap(env: Env) -> None:
    licences = [row["license_no"] for row in csv.DictReader(
        env.agencies.open(encoding="utf-8")) if row["status"] == "valid"][:11]
    await env.s.user_sends(39, "/start")
    await replies(env.s, 39, timeout=20)
    for lic in licences[:10]:
        await env.s.press_button(39, f"w:valid:{lic}", 1)
        assert "I will tell you" in text_of(await replies(env.s, 39, timeout=20))
    await env.s.press_button(39, f"w:valid:{licences[10]}", 1)
    assert "already watching 10 agencies" in text_of(await replies(env.s, 39, timeout=20))
    assert len(env.watches()) == 10
    await env.s.press_button(39, f"wu:{licences[0]}", 1)
    assert "Stopped" in text_of(await replies(env.s, 39, timeout=20))
    await env.s.press_button(39, f"w:valid:{licences[10]}", 1)
    assert "I will tell you" in text_of(await replies(env.s, 39, timeout=20))
    assert len(env.watches()) == 10


async def test_a_forged_button_is_refused(env: Env) -> None:
    await env.s.user_sends(40, "/start")
    await replies(env.s, 40, timeout=20)
    await env.s.press_button(40, "w:valid:9999/XXX", 1)
    assert "not on the list in use now" in text_of(await replies(env.s, 40, timeout=20))
    assert env.watches() == []


async def test_stats_count_watches_without_naming_anyone(env: Env) -> None:
    await check_and_watch(env, 41, LICENCE, "en")
    await env.s.user_sends(ADMIN_ID, "/stats")
    stats = text_of(await replies(env.s, ADMIN_ID, timeout=30))
    assert "watches: 1" in stats and "people: 1" in stats and "41" not in stats


def beoe_rows() -> list[Row]:
    """As many agencies as the list in use (a list that shrank by half is refused)."""
    return [Row(n, "RWP", f"Test Agency {n} Overseas Employment Promoters") for n in range(1, 1601)]


@contextlib.asynccontextmanager
async def bot_with_site(standin: BotApiStandin, tmp: Path, site: BeoeStandin, *,
                        notices: bool = False) -> AsyncIterator[Env]:
    """The bot running with AGENCIES_URL (and, with `notices`, AGENCIES_NOTICES_URL) at the
    BE&OE stand-in."""
    url = await site.start()
    e = Env(standin, tmp, agencies_url=url,
            agencies_notices_urls=(site.notices_url,) if notices else ())
    try:
        await e.start()
        yield e
    finally:
        await e.stop()
        await site.stop()


async def update_and_hear(e: Env, user: int, in_diff: str) -> str:
    """An admin's /update_agencies (the daily update runs the same job); the staff's answer
    contains `in_diff`; what `user` is told after the watch pass."""
    before = e.passes
    await e.s.user_sends(ADMIN_ID, "/update_agencies")
    assert in_diff in text_of(await replies(e.s, ADMIN_ID, timeout=60, quiet=0.5))
    await e.passes_reach(before + 1)
    return text_of(await replies(e.s, user, timeout=20))


async def test_update_agencies_tells_watchers(staffed_standin: BotApiStandin, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """/update_agencies is a new list like any other."""
    monkeypatch.setenv("AGENCIES_UPDATE_DELAY", "0")
    async with bot_with_site(staffed_standin, tmp_path, BeoeStandin(beoe_rows(), per_page=400)) as e:
        await check_and_watch(e, 42, LICENCE, "en")
        told = await update_and_hear(e, 42, "Fetched 1,600 agencies")
        assert LICENCE in told and "could not be found on the latest list" in told


async def test_a_fetched_notice_about_a_watched_agency_tells_the_watcher(
        staffed_standin: BotApiStandin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The update fetches BE&OE's notices too (AGENCIES_NOTICES_URL): a new notice about a
    watched licence, with nothing else changed, reaches the person; the staff's diff names it."""
    monkeypatch.setenv("AGENCIES_UPDATE_DELAY", "0")
    site = BeoeStandin([*beoe_rows(), Row(5699, "RWP", NAME)], per_page=400, notices=[NoticeRow(
        "Show Cause Notice To M/s. Test Agency 7 Overseas Employment Promoters, OEPL No.0007/RWP",
        "02-11-2026")])
    async with bot_with_site(staffed_standin, tmp_path, site, notices=True) as e:
        await e.s.user_sends(ADMIN_ID, "/update_agencies")
        assert "1 new" in text_of(await replies(e.s, ADMIN_ID, timeout=60, quiet=0.5))
        await check_and_watch(e, 43, LICENCE, "en")
        site.notices.append(NoticeRow(f"Show Cause Notice To M/s. {NAME}, OEPL No.{LICENCE}",
                                      "30-11-2026"))
        told = await update_and_hear(e, 43, f"new notice: {LICENCE}: show-cause, 2026-11-30")
        assert LICENCE in told and "BE&OE notice: show-cause notice, November 30, 2026" in told


async def test_kill_9_in_the_middle_of_a_big_batch_loses_no_watcher(
        staffed_standin: BotApiStandin, bot_process, tmp_path: Path, database_url: str | None) -> None:
    """`python -m bot` is killed while it tells 150 watchers (20 messages a second): after the
    restart every watcher has heard, and only a message in flight at the kill can come twice."""
    from bot.config import Settings
    from bot.core.agencies.watching import Standing
    from bot.core.dialogue.ports import Watch
    from bot.storage import open_store

    s = staffed_standin
    s.strict_chats = False  # the watchers wrote to the bot long ago
    e = Env(s, tmp_path)
    watchers = range(5_000, 5_150)
    store = await open_store(Settings(data_dir=tmp_path / "data", database_url=database_url))

    async def seed(conv) -> None:
        for uid in watchers:
            await conv.add_watch(Watch(uid, uid, LICENCE, "en", Standing("valid", "2027-03-13"), 0.0),
                                 limit=10)
    await store.unit_of_work(None, seed)
    await store.close()

    def told() -> int:
        return sum(1 for uid in watchers if s.sent(uid))

    env = {"AGENCIES_FILE": str(e.agencies), "TELEGRAM_MAX_RATE": "20"}
    bot = bot_process(**env)
    bot.start()
    await s.user_sends(ADMIN_ID, "/start")
    await replies(s, ADMIN_ID, timeout=30)          # up (and the start-up pass found nothing)
    e.edit(LICENCE, status="suspended")
    await s.user_sends(ADMIN_ID, "/reload")
    await until(lambda: told() >= 30, 60)
    bot.kill9()
    assert told() < len(watchers)                  # killed in the middle
    restarted = bot_process(**env)
    restarted.start()
    await until(lambda: told() == len(watchers), 60)
    twice = [uid for uid in watchers if len(s.sent(uid)) > 1]
    assert len(twice) <= 7, twice                  # at most the batch in flight (20 / 3 + 1)
    assert all("SUSPENDED" in s.sent(uid)[0]["text"] for uid in watchers)


async def test_a_new_beoe_notice_about_the_agency_is_told(env: Env) -> None:
    """Notices are part of the list as loaded (`<list>.notices.json`, written by `agencies
    notices`): a new one naming the watched licence is news, a complaint result is not."""
    await check_and_watch(env, 43, LICENCE, "en")
    sent = len(env.s.sent(43))
    notices = env.agencies.with_name("agencies.notices.json")
    complaint = {"license_no": LICENCE, "kind": "complaint", "date": "2026-11-20",
                 "title": NAME, "status": "Under Investigation"}
    notices.write_text(json.dumps([complaint]), encoding="utf-8")
    await env.reload()
    assert len(env.s.sent(43)) == sent
    notice = {"license_no": LICENCE, "kind": "show-cause", "date": "2026-11-25",
              "title": f"Show Cause Notice To M/s. {NAME}, OEPL No.{LICENCE}", "status": ""}
    notices.write_text(json.dumps([complaint, notice]), encoding="utf-8")
    await env.reload()
    told = text_of(await replies(env.s, 43, timeout=20))
    assert "BE&OE notice: show-cause notice, November 25, 2026" in told


async def test_an_imported_list_tells_watchers(env: Env) -> None:
    """A document captioned /import_agencies replaces the list and reloads it: a new list too."""
    await check_and_watch(env, 44, LICENCE, "en")
    upload = env.tmp / "upload.csv"
    shutil.copy(env.agencies, upload)
    env.edit(LICENCE, path=upload, status="blacklisted")
    before = env.passes
    await env.s.user_sends(ADMIN_ID, document=("agencies.csv", upload.read_bytes(), "text/csv"),
                           caption="/import_agencies")
    assert "✅" in text_of(await replies(env.s, ADMIN_ID, timeout=60, quiet=0.5))
    await env.passes_reach(before + 1)
    assert "BLACKLISTED" in text_of(await replies(env.s, 44, timeout=20))


async def test_a_watcher_who_blocked_the_bot_is_not_written_to_again(env: Env) -> None:
    await check_and_watch(env, 45, LICENCE, "en")
    await check_and_watch(env, 46, LICENCE, "en")
    env.s.block_user(45)
    env.edit(LICENCE, status="suspended")
    await env.reload()
    assert "SUSPENDED" in text_of(await replies(env.s, 46, timeout=20))
    assert [w[0] for w in env.watches()] == [46]   # 45's watch went with the failed message
