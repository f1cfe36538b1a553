"""What BE&OE has said about agencies: notices (show-cause, warning, suspension, blacklisting,
restoration) and complaint results, read from saved pages and linked to the agency list.

A notice page lists titles such as "Show Cause Notice To M/s. Ihtisham Overseas Employment
Promoter, OEPL No.2056/RWP" with a date; a complaint-results page is a table with the columns
Licence Title, Complaint Status and a fine. `read_notice_pages(paths)` reads both kinds;
`link_notices(records, agencies, matcher)` links each record to agencies by licence number
(several numbers in one title: each), else by name (only when the name names one agency).
They are kept next to the list as `<stem>.notices.json`, which `load_agency_list` reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.core.agencies.identifiers import find_licenses
from bot.core.agencies.listing.cells import parse_date
from bot.core.agencies.records import Agency, Notice

_KINDS = (("show cause", "show-cause"), ("show-cause", "show-cause"), ("warning", "warning"),
          ("suspen", "suspension"), ("black", "blacklisting"), ("restor", "restoration"),
          ("cancel", "cancellation"), ("de-seal", "restoration"), ("seal", "sealing"))
_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{4}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?[\s-]+[A-Za-z]{3,9}\.?,?[\s-]+\d{4}\b"
    r"|\b[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b")
_NAME_AFTER = re.compile(r"\b(?:to|against|of)\s+(?:m\s*/\s*s\.?\s*)?(.+?)(?:,|\(|\bOEPL?\b|$)",
                         re.IGNORECASE)
_CODES = frozenset({"RWP", "LHR", "KAR", "KHI", "PWR", "PEW", "MLK", "SKT", "MTN", "MUX", "DGK",
                    "GRT", "GRW", "ABT", "QTA", "SKR", "ISB", "FSD", "HYD"})


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """A notice or complaint result as read, before it is linked to agencies."""

    kind: str
    title: str
    when: date | None
    licences: tuple[str, ...]
    status: str = ""


def notice_kind(title: str) -> str:
    low = title.lower()
    if "complaint" in low:
        return "complaint"
    return next((kind for word, kind in _KINDS if word in low), "notice")


def _first_date(text: str) -> date | None:
    for m in _DATE.finditer(text):
        when, problem = parse_date(m.group(0), "dmy")
        if when and not problem:
            return when
    return None


def _licences(text: str) -> tuple[str, ...]:
    found = []
    for prefix, num, code, _ in find_licenses(text, _CODES):
        lic = f"{prefix + '/' if prefix and prefix not in ('NO', 'OEP', 'OEPL') else ''}"
        found.append(f"{lic}{num:04d}/{code}")
    return tuple(dict.fromkeys(found))


def parse_notice_page(html: str) -> list[NoticeRecord]:
    """Notices and complaint results on one saved page."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    records: list[NoticeRecord] = []
    for table in soup.find_all("table"):
        rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
                for tr in table.find_all("tr")]
        if not rows:
            continue
        header = [h.lower() for h in rows[0]]
        title_col = next((i for i, h in enumerate(header) if "title" in h), None)
        status_col = next((i for i, h in enumerate(header) if "status" in h), None)
        if title_col is not None and status_col is not None and any("complaint" in h
                                                                      for h in header):
            for row in rows[1:]:
                if len(row) <= max(title_col, status_col) or not row[title_col]:
                    continue
                text = " ".join(row)
                records.append(NoticeRecord("complaint", row[title_col], _first_date(text),
                                            _licences(text), row[status_col]))
            table.decompose()
    seen: set[str] = set()
    for node in soup.find_all(["tr", "li", "h2", "h3", "h4", "p", "a"]):
        text = " ".join(node.get_text(" ", strip=True).split())
        link = node if node.name == "a" else node.find("a")
        title = " ".join(link.get_text(" ", strip=True).split()) if link is not None else text
        low = title.lower()
        if not title or len(text) > 600 or title in seen:
            continue
        if "notice" not in low and notice_kind(title) == "notice":
            continue
        if not (_licences(title) or "m/s" in low):
            continue
        seen.add(title)
        records.append(NoticeRecord(notice_kind(title), title, _first_date(text),
                                    _licences(title)))
    return records


def read_notice_pages(paths: Iterable[Path]) -> list[NoticeRecord]:
    out: list[NoticeRecord] = []
    for path in paths:
        out.extend(parse_notice_page(Path(path).read_text(encoding="utf-8", errors="replace")))
    return out


def link_notices(records: Iterable[NoticeRecord], agencies: Iterable[Agency],
                 matcher=None) -> list[Notice]:
    """Each record linked to the agencies it names: by licence number, else by name."""
    by_lic = {a.license_no: a for a in agencies}
    out: list[Notice] = []
    for r in records:
        licences = [lic for lic in r.licences if lic in by_lic]
        if not licences and matcher is not None:
            m = _NAME_AFTER.search(r.title)
            name = m.group(1) if m else r.title
            result = matcher.check(name)
            if result.match is not None and result.reason == "name":
                licences = [result.match.license_no]
        for lic in licences:
            out.append(Notice(lic, r.kind, r.when, r.title[:300], r.status))
    return out


def notices_path(list_path: Path) -> Path:
    """`content/agencies.csv` -> `content/agencies.notices.json`."""
    list_path = Path(list_path)
    return list_path.with_name(f"{list_path.stem}.notices.json")


def notices_json_bytes(notices: Iterable[Notice]) -> bytes:
    items = [{"license_no": n.license_no, "kind": n.kind,
              "date": n.when.isoformat() if n.when else None, "title": n.title,
              "status": n.status} for n in notices]
    return (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def read_notices(list_path: Path) -> tuple[Notice, ...]:
    """The notices kept next to the list (none when the file is missing or unreadable)."""
    try:
        items = json.loads(notices_path(list_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    out = []
    for it in items if isinstance(items, list) else []:
        if not isinstance(it, dict) or not isinstance(it.get("license_no"), str):
            continue
        try:
            when = date.fromisoformat(it["date"]) if it.get("date") else None
        except (TypeError, ValueError):
            when = None
        out.append(Notice(it["license_no"], str(it.get("kind") or "notice"), when,
                          str(it.get("title") or "")[:300], str(it.get("status") or "")))
    return tuple(out)


def import_notices(pages: Iterable[Path], list_path: Path, matcher) -> tuple[int, int]:
    """Read saved pages, link them to the list and keep them beside it (atomically).

    Returns (notices linked, records that named no agency on the list). Notices already kept
    are merged with the new ones (the same licence, kind, date and title once).
    """
    from bot.core.agencies.listing.files import _atomic_write_bytes

    records = read_notice_pages(pages)
    linked = link_notices(records, matcher.agencies.agencies, matcher)
    named = {n.title for n in linked}
    merged = list(dict.fromkeys([*read_notices(list_path), *linked]))
    _atomic_write_bytes(notices_path(list_path), notices_json_bytes(merged))
    return len(linked), sum(1 for r in records if r.title[:300] not in named)
