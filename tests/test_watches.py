"""Watches: what counts as a change (pure), and a notify pass on a real SQLite store: once per
change, once a day per person, in their language, never twice when two passes race."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.core.agencies import Agency, AgencyList, Provenance, Status
from bot.core.agencies.records import Notice
from bot.core.agencies.watching import NOT_LISTED, Standing, Standings, compare
from bot.core.dialogue import watch
from bot.core.dialogue.ports import Tell, UserRecord, Watch
from bot.core.i18n import translator
from bot.core.knowledge import Knowledge, load_knowledge
from bot.core.languages import LANGUAGES
from bot.storage.store import Store
from bot.storage.watches import SqlWatchLedger

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 12, 1)
T0 = 1_800_000_000.0
DAY = 24 * 3600.0
PROV = Provenance("test", date(2026, 11, 30), demo=False)
SEEN = Standing("valid", "2027-06-30")


def agency(lic: str, status: Status = Status.VALID, until: date | None = date(2027, 6, 30)) -> Agency:
    return Agency(lic, f"Agency {lic} Overseas Employment Promoters", status=status, valid_until=until)


def listing(*agencies: Agency, notices: tuple[Notice, ...] = ()) -> AgencyList:
    return AgencyList(tuple(agencies), PROV, notices)


# --- what counts as a change ---------------------------------------------------------------------

def test_standing_and_changes() -> None:
    seen = Standings(listing(agency("0001/RWP")), TODAY).now("0001/RWP")
    assert seen == Standing("valid", "2027-06-30", "")
    same = Standings(listing(agency("0001/RWP")), TODAY)
    assert same.change("0001/RWP", seen) is None
    suspended = Standings(listing(agency("0001/RWP", Status.SUSPENDED)), TODAY).change("0001/RWP", seen)
    assert suspended is not None and suspended.status_changed and suspended.now.status == "suspended"
    gone = Standings(listing(agency("0002/RWP")), TODAY).change("0001/RWP", seen)
    assert gone is not None and gone.now.status == NOT_LISTED and gone.agency is None
    renewed = Standings(listing(agency("0001/RWP", until=date(2028, 6, 30))), TODAY).change("0001/RWP", seen)
    assert renewed is not None and renewed.expiry_changed and not renewed.status_changed
    # a valid licence past its date is expired: the date alone changes its standing
    lapsed = Standings(listing(agency("0001/RWP")), date(2027, 7, 1)).change("0001/RWP", seen)
    assert lapsed is not None and lapsed.now.status == "expired"


def test_a_new_notice_is_a_change_a_complaint_or_a_vanished_notice_is_not() -> None:
    notice = Notice("0001/RWP", "show-cause", date(2026, 11, 20), "Show Cause Notice To M/s. Agency")
    complaint = Notice("0001/RWP", "complaint", date(2026, 11, 25), "Agency", "Under Investigation")
    seen = Standings(listing(agency("0001/RWP")), TODAY).now("0001/RWP")
    with_notice = Standings(listing(agency("0001/RWP"), notices=(notice, complaint)), TODAY)
    change = with_notice.change("0001/RWP", seen)
    assert change is not None and change.notice == notice and not change.status_changed
    complaint_only = Standings(listing(agency("0001/RWP"), notices=(complaint,)), TODAY)
    assert complaint_only.change("0001/RWP", seen) is None
    told = with_notice.now("0001/RWP")
    assert compare("0001/RWP", told, seen) is None  # re-imported without notices: no news


def test_short_labels_fit_whatsapp_buttons() -> None:
    for lang in LANGUAGES:
        for msgid in (watch.WATCH_LABEL_SHORT, watch.STOP_LABEL):
            label = translator(lang).gettext(msgid)
            assert len(label) <= 20, (lang, label)
            assert lang == "en" or label != msgid, f"{msgid!r} is not translated into {lang}"


# --- a pass on a real store ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    folder = tmp_path_factory.mktemp("list")
    (folder / "agencies.csv").write_text(
        "license_no,name,proprietor,city,address,phone,status,valid_until\n"
        "0001/RWP,Agency 0001/RWP Overseas Employment Promoters,,Rawalpindi,,,valid,2027-06-30\n",
        encoding="utf-8")
    (folder / "agencies.provenance.json").write_text(json.dumps(
        {"source": "test", "retrieved": "2026-11-30", "demo": False}), encoding="utf-8")
    loaded, problems = load_knowledge(REPO / "content", folder / "agencies.csv")
    assert loaded is not None, problems
    return loaded


@pytest.fixture
async def store(tmp_path: Path):
    s = await Store.open(tmp_path / "db.sqlite3")
    yield s
    await s.close()


class Paced:
    def __init__(self) -> None:
        self.batches: list[int] = []

    async def __call__(self, ids: list[int], chats: set[int]) -> None:
        self.batches.append(len(ids))


async def add(store: Store, user: int, lic: str = "0001/RWP", lang: str = "en",
              seen: Standing = SEEN, saved_lang: str | None = None) -> None:
    async def work(conv) -> None:
        assert await conv.add_watch(Watch(user, user, lic, lang, seen, T0), limit=10) == "added"
        if saved_lang:
            await conv.save_user(UserRecord(user, user, lang=saved_lang))
    await store.unit_of_work(None, work)


async def outbox(store: Store, chat: int) -> list[str]:
    rows = await store.db.fetchall("SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id", (chat,))
    return [json.loads(r["payload"])["text"] for r in rows]


async def notify(store: Store, k: Knowledge, agencies: AgencyList, now: float, **kw):
    current = replace(k, agencies=agencies)
    return await watch.notify(lambda: current, SqlWatchLedger(store.db), kw.pop("pace", Paced()),
                              now=now, today=TODAY, **kw)


async def test_a_change_is_told_once_and_at_most_once_a_day(store: Store, knowledge: Knowledge) -> None:
    await add(store, 1)
    assert (await notify(store, knowledge, knowledge.agencies, T0)).people == 0  # nothing changed
    suspended = listing(agency("0001/RWP", Status.SUSPENDED))
    assert (await notify(store, knowledge, suspended, T0 + 60)).people == 1
    assert (await notify(store, knowledge, suspended, T0 + 120)).people == 0   # recorded: once
    [text] = await outbox(store, 1)
    assert "SUSPENDED" in text and "0001/RWP" in text and "List date" in text
    # restored an hour later: told the next day, not now
    restored = listing(agency("0001/RWP"))
    summary = await notify(store, knowledge, restored, T0 + 3600)
    assert (summary.people, summary.deferred) == (0, 1) and len(await outbox(store, 1)) == 1
    assert (await notify(store, knowledge, restored, T0 + 60 + watch.TELL_EVERY_SECONDS)).people == 1
    assert "VALID" in (await outbox(store, 1))[-1]


async def test_two_passes_that_race_tell_once(store: Store, knowledge: Knowledge) -> None:
    """Another instance read the same watches and recorded first: the second records nothing."""
    await add(store, 2)
    ledger = SqlWatchLedger(store.db)
    stale = await ledger.watches_after(None, 10)
    suspended = listing(agency("0001/RWP", Status.SUSPENDED))
    assert (await notify(store, knowledge, suspended, T0)).people == 1
    change = Standings(suspended, TODAY).change("0001/RWP", stale[0].seen)
    assert change is not None
    tell = Tell(((stale[0], change.now),), watch.message([(stale[0], change)], "en", knowledge, 2), T0)
    assert await ledger.record([tell]) == ([], set())
    assert len(await outbox(store, 2)) == 1


async def test_their_saved_language_and_one_message_for_several_licences(store: Store,
                                                                          knowledge: Knowledge) -> None:
    seen = Standing("valid", "2027-06-30")
    await add(store, 3, "0001/RWP", "en", seen)
    await add(store, 3, "0002/RWP", "en", seen, saved_lang="ur")  # they switched to Urdu since
    gone_and_cancelled = listing(agency("0001/RWP", Status.CANCELLED))
    assert (await notify(store, knowledge, gone_and_cancelled, T0)).people == 1
    [text] = await outbox(store, 3)
    assert "0001/RWP" in text and "0002/RWP" in text
    assert translator("ur").gettext("cancelled").upper() in text
    assert translator("ur").gettext("🔔 A licence you asked me to watch has changed:") in text


async def test_big_batches_are_paced(store: Store, knowledge: Knowledge) -> None:
    for user in range(100, 125):
        await add(store, user)
    paced = Paced()
    summary = await notify(store, knowledge, listing(agency("0001/RWP", Status.BLACKLISTED)), T0,
                           pace=paced, batch=10)
    assert summary.people == 25 and paced.batches == [10, 10, 5]


async def test_a_notice_is_told_with_its_kind_and_date(store: Store, knowledge: Knowledge) -> None:
    await add(store, 4, lang="sd")
    notice = Notice("0001/RWP", "show-cause", date(2026, 11, 20), "Show Cause Notice To M/s. Agency")
    assert (await notify(store, knowledge, listing(agency("0001/RWP"), notices=(notice,)), T0)).people == 1
    [text] = await outbox(store, 4)
    assert translator("sd").gettext("show-cause notice") in text
