"""`agencies update` also fetches BE&OE's notices and complaint results (tests/beoe_standin.py):
every page, politely, linked by licence number or name, replaced atomically, in the diff."""

from __future__ import annotations

import asyncio
import sys
from datetime import date
from pathlib import Path

import pytest
from beoe_standin import BeoeStandin, ComplaintRow, NoticeRow, Row

from bot.core.agencies import AgencyMatcher, load_agency_list
from bot.core.agencies.listing.update import (
    USER_AGENT,
    UpdateError,
    fetch_and_update,
    notice_urls_from_env,
    notices_path,
)
from bot.core.verdict_text import render_check

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["Ihtisham Overseas Employment Promoter", "Mumtaz Agencies", "Zafar Brothers",
         "Barkat Enterprises", "Qalandar Manpower Services"]


def _rows() -> list[Row]:
    rows = [Row(n, "SKT", f"Agency {n} Traders") for n in range(1, 61)]
    rows[0] = Row(2056, "RWP", NAMES[0])
    rows[1] = Row(8, "RWP", NAMES[1])
    rows[2] = Row(3768, "RWP", NAMES[2])
    rows[3] = Row(2633, "LHR", NAMES[3])
    rows[4] = Row(4410, "KAR", NAMES[4])
    return rows


def _notices() -> list[NoticeRow]:
    out = [NoticeRow("Show Cause Notice To M/s. Ihtisham Overseas Employment Promoter, "
                     "OEPL No.2056/RWP", "08-06-2026"),
           NoticeRow("Suspension of Licence of M/s Mumtaz Agencies, OEP No.0008/RWP and "
                     "OEPL No.3768./RWP", "12-05-2026"),
           NoticeRow("Warning Notice to M/s. Qalandar Manpower Services", "01-04-2026")]
    # more pages of notices about agencies that are on no list
    out += [NoticeRow(f"Show Cause Notice To M/s. Nowhere {k} Travels, OEPL No.{9000 + k}/LHR",
                      "02-01-2026") for k in range(25)]
    return out


def _complaints() -> list[ComplaintRow]:
    return [ComplaintRow("C-101", "M/s. Barkat Enterprises (OEPL No.2633/LHR)",
                         "Under Investigation", "-", "15-10-2026"),
            ComplaintRow("C-102", "M/s. Barkat Enterprises (OEPL No.2633/LHR)", "Decided",
                         "50,000", "20-09-2026")]


@pytest.fixture
async def site():
    s = BeoeStandin(_rows(), per_page=25, notices=_notices(), complaints=_complaints(),
                    notices_per_page=10)
    await s.start()
    yield s
    await s.stop()


def _urls(site: BeoeStandin) -> tuple[str, str]:
    return site.notices_url, site.complaints_url


async def test_notices_and_complaints_are_fetched_linked_and_shown(site, tmp_path: Path) -> None:
    dest = tmp_path / "agencies.csv"
    summary = await fetch_and_update(site.url, dest, delay=0.02, backoff=0.01,
                                     notice_urls=_urls(site))
    assert summary.notices_fetched and summary.notice_pages == 3 + 1   # 28 notices, 2 complaints
    # every notice page was read, politely, in the site's paging, with our User-Agent
    notice_queries = [q for (q, _, _), p in zip(site.requests, site.paths, strict=True)
                      if p == "/notices"]
    assert notice_queries[:3] == ["show=all&page=1", "show=all&page=2", "show=all&page=3"]
    assert all(ua == USER_AGENT for _, ua, _ in site.requests)
    gaps = [b[2] - a[2] for a, b in zip(site.requests, site.requests[1:], strict=False)]
    assert min(gaps) >= 0.015
    # linked: by licence (two in one title: each), by name (no licence in the title)
    assert summary.notices == 1 + 2 + 1 + 2 and summary.unlinked == 25
    matcher = AgencyMatcher(load_agency_list(dest), today=date(2026, 12, 1))
    r = matcher.check("2056/RWP")
    assert r.verdict == "licensed" and r.notices[0].kind == "show-cause"
    assert "BE&OE notice: show-cause notice, June 8, 2026" in render_check(r, "en", html=False)
    assert matcher.check("3768/RWP").notices[0].kind == "suspension"
    assert matcher.check("4410/KAR").notices[0].kind == "warning"
    text = render_check(matcher.check("2633/LHR"), "en", html=False)
    assert "Complaints to BE&OE about this agency: 2 (Decided, Under Investigation)" in text
    # the staff's diff lists them; the fine is there for staff
    described = summary.describe()
    assert "6 linked to agencies from 4 page(s) (25 named no agency on the list); 6 new" in described
    assert "new notice: 2633/LHR: complaint, 2026-09-20, Decided, fine 50,000" in described


async def test_a_second_update_reports_new_and_gone_notices(site, tmp_path: Path) -> None:
    dest = tmp_path / "agencies.csv"
    await fetch_and_update(site.url, dest, delay=0, notice_urls=_urls(site))
    site.notices[2] = NoticeRow("Restoration of Licence of M/s. Qalandar Manpower Services, "
                                "OEPL No.4410/KAR", "20-11-2026")
    site.complaints[0].status = "Decided"
    summary = await fetch_and_update(site.url, dest, delay=0, notice_urls=_urls(site))
    added = [(n.license_no, n.kind) for n in summary.notices_added]
    gone = [(n.license_no, n.kind) for n in summary.notices_removed]
    assert ("4410/KAR", "restoration") in added and ("4410/KAR", "warning") in gone
    assert ("2633/LHR", "complaint") in added and ("2633/LHR", "complaint") in gone
    assert summary.added == [] and summary.status_changes == []   # the list itself is the same
    assert "new notice: 4410/KAR: restoration, 2026-11-20" in summary.describe()
    assert load_agency_list(dest).notices   # replaced, not merged with the old ones
    kinds = {n.kind for n in load_agency_list(dest).notices if n.license_no == "4410/KAR"}
    assert kinds == {"restoration"}


@pytest.mark.parametrize("fault", ["browser_check", "fail_notices", "empty_notices"])
async def test_a_failing_notice_page_leaves_list_and_notices_untouched(
        site, tmp_path: Path, fault: str) -> None:
    dest = tmp_path / "agencies.csv"
    await fetch_and_update(site.url, dest, delay=0, notice_urls=_urls(site))
    before = dest.read_bytes(), notices_path(dest).read_bytes()
    site.rows[5].status = "Suspended"   # a change that must not land either
    if fault == "browser_check":
        site.browser_check = True
    elif fault == "empty_notices":
        site.notices.clear()
    urls = _urls(site)
    if fault == "fail_notices":
        urls = (site.notices_url.replace("/notices", "/no-such-page"),)
    with pytest.raises(UpdateError):
        await fetch_and_update(site.url, dest, delay=0, retries=1, backoff=0.01,
                               notice_urls=urls)
    assert (dest.read_bytes(), notices_path(dest).read_bytes()) == before


async def test_notices_that_shrink_by_half_are_refused_without_force(site, tmp_path: Path) -> None:
    dest = tmp_path / "agencies.csv"
    await fetch_and_update(site.url, dest, delay=0, notice_urls=_urls(site))
    before = notices_path(dest).read_bytes()
    del site.notices[:2]     # 3 of the 6 linked notices go
    del site.complaints[1]
    with pytest.raises(UpdateError, match="fewer than half"):
        await fetch_and_update(site.url, dest, delay=0, notice_urls=_urls(site))
    assert notices_path(dest).read_bytes() == before
    summary = await fetch_and_update(site.url, dest, delay=0, notice_urls=_urls(site), force=True)
    assert summary.notices == 2


async def test_without_notice_addresses_the_kept_notices_stay(site, tmp_path: Path) -> None:
    dest = tmp_path / "agencies.csv"
    await fetch_and_update(site.url, dest, delay=0, notice_urls=_urls(site))
    kept = notices_path(dest).read_bytes()
    summary = await fetch_and_update(site.url, dest, delay=0)
    assert not summary.notices_fetched and notices_path(dest).read_bytes() == kept
    assert "notices" not in summary.describe()


def test_notice_addresses_come_from_the_environment() -> None:
    env = {"AGENCIES_NOTICES_URL": "https://a.example/notices, https://a.example/notices-2",
           "AGENCIES_COMPLAINTS_URL": "https://a.example/complaints"}
    assert notice_urls_from_env(env) == ("https://a.example/notices",
                                         "https://a.example/notices-2",
                                         "https://a.example/complaints")
    assert notice_urls_from_env({}) == ()


async def _cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    import os

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env={**os.environ, **(env or {})})
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode(), err.decode()


async def test_cli_update_fetches_notices_from_options_or_environment(site, tmp_path: Path) -> None:
    dest = tmp_path / "agencies.csv"
    rc, out, err = await _cli("agencies", "update", "--url", site.url, "--agencies", str(dest),
                              "--delay", "0", "--notices-url", site.notices_url,
                              "--notices-url", site.complaints_url)
    assert rc == 0, err
    assert "6 linked to agencies" in out and "new notice: 2056/RWP: show-cause" in out
    site.notices[0] = NoticeRow("Warning Notice To M/s. Ihtisham Overseas Employment Promoter, "
                                "OEPL No.2056/RWP", "30-11-2026")
    rc, out, err = await _cli("agencies", "update", "--url", site.url, "--agencies", str(dest),
                              "--delay", "0",
                              env={"AGENCIES_NOTICES_URL": site.notices_url,
                                   "AGENCIES_COMPLAINTS_URL": site.complaints_url})
    assert rc == 0, err
    assert "new notice: 2056/RWP: warning, 2026-11-30" in out
    assert "notice gone: 2056/RWP: show-cause, 2026-06-08" in out
    before = dest.read_bytes(), notices_path(dest).read_bytes()
    site.browser_check = True
    rc, out, err = await _cli("agencies", "update", "--url", site.url, "--agencies", str(dest),
                              "--delay", "0", "--notices-url", site.notices_url)
    assert rc == 1 and "NOT changed" in err
    assert (dest.read_bytes(), notices_path(dest).read_bytes()) == before
