"""BE&OE notices and complaint results: read from saved pages, linked, shown in the verdict."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.core.agencies import AgencyMatcher, load_agency_list
from bot.core.agencies.listing.files import write_agency_list
from bot.core.agencies.listing.notices import import_notices, parse_notice_page
from bot.core.agencies.records import Agency, Provenance
from bot.core.verdict_text import render_check

ROOT = Path(__file__).resolve().parent.parent

NOTICES_PAGE = """<html><body><h1>Notices</h1><ul>
<li><a href="/n/1.pdf">Show Cause Notice To M/s. Ihtisham Overseas Employment Promoter,
 OEPL No.2056/RWP</a> <span>08-06-2026</span></li>
<li><a href="/n/2.pdf">Suspension of Licence of M/s Mumtaz Agencies, OEP No.0008/RWP and
 OEPL No.3768./RWP</a> <span>12 May 2026</span></li>
<li><a href="/n/3.pdf">Warning Notice to M/s. Barkat Enterprises</a> <span>1 April 2026</span></li>
<li><a href="/n/4.pdf">Show Cause Notice to M/s. Nowhere Travel Agency</a> 2 Jan 2026</li>
<li>Tender notice for printing of forms</li>
</ul></body></html>"""

COMPLAINTS_PAGE = """<html><body><table><tr><th>Sr.</th><th>Licence Title</th>
<th>Complaint Status</th><th>Fine</th></tr>
<tr><td>1</td><td>Barkat Enterprises (2633/LHR)</td><td>Under Investigation</td><td>-</td></tr>
<tr><td>2</td><td>Barkat Enterprises (2633/LHR)</td><td>Decided</td><td>50,000</td></tr>
</table></body></html>"""


def _list(tmp_path: Path) -> Path:
    dest = tmp_path / "agencies.csv"
    agencies = [Agency("2056/RWP", "Ihtisham Overseas Employment Promoter"),
                Agency("0008/RWP", "Mumtaz Agencies"), Agency("3768/RWP", "Zafar Brothers"),
                Agency("2633/LHR", "Barkat Enterprises")]
    write_agency_list(dest, agencies, Provenance("test", date(2026, 12, 1), demo=True))
    return dest


def test_titles_dates_kinds_and_several_licences_are_read() -> None:
    records = parse_notice_page(NOTICES_PAGE)
    by_title = {r.title.split(" M/s")[0]: r for r in records}
    first = next(r for r in records if "Ihtisham" in r.title)
    assert first.kind == "show-cause" and first.when == date(2026, 6, 8)
    assert first.licences == ("2056/RWP",)
    second = next(r for r in records if "Mumtaz" in r.title)
    assert second.kind == "suspension" and set(second.licences) == {"0008/RWP", "3768/RWP"}
    assert not any("Tender" in t for t in by_title)


def test_notices_are_linked_and_shown_in_the_verdict(tmp_path: Path) -> None:
    dest = _list(tmp_path)
    pages = [tmp_path / "n.html", tmp_path / "c.html"]
    pages[0].write_text(NOTICES_PAGE, encoding="utf-8")
    pages[1].write_text(COMPLAINTS_PAGE, encoding="utf-8")
    linked, unlinked = import_notices(pages, dest, AgencyMatcher(load_agency_list(dest)))
    assert linked == 6 and unlinked == 1       # "Nowhere Travel Agency" is on no list
    matcher = AgencyMatcher(load_agency_list(dest), today=date(2026, 12, 1))
    r = matcher.check("2056/RWP")
    assert r.verdict == "licensed"
    assert r.to_json()["notices"][0] == {"kind": "show-cause", "date": "2026-06-08",
                                         "title": r.notices[0].title, "status": ""}
    assert "BE&OE notice: show-cause notice, June 8, 2026" in render_check(r, "en", html=False)
    # linked by name when the title has no licence number; complaints are counted
    r = matcher.check("Barkat Enterprises")
    text = render_check(r, "en", html=False)
    assert r.verdict == "licensed" and "warning" in text
    assert "Complaints to BE&OE about this agency: 2 (Decided, Under Investigation)" in text
    for lang in ("ur", "sd"):
        assert "📣" in render_check(r, lang, html=False)
    # both licences of one title
    assert matcher.check("3768/RWP").notices[0].kind == "suspension"


def test_cli_notices_command(tmp_path: Path) -> None:
    dest = _list(tmp_path)
    page = tmp_path / "n.html"
    page.write_text(NOTICES_PAGE, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "bot", "agencies", "notices", str(page),
                          "--agencies", str(dest)], capture_output=True, text=True, cwd=ROOT,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "4 notice(s)" in out.stdout
