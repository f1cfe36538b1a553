"""What BE&OE has said about agencies: notices (show-cause, warning, suspension, blacklisting,
restoration) and complaint results, read from saved pages and linked to the agency list.

A notice page lists titles such as "Show Cause Notice To M/s. Ihtisham Overseas Employment
Promoter, OEPL No.2056/RWP" with a date; a complaint-results page is a table with the columns
Licence Title, Complaint Status and a fine. `parse_notice_page(html)` reads both kinds (saved
pages: `read_notice_pages(paths)`; fetched from the site: `listing.update`);
`link_notices(records, agencies, matcher)` links each record to agencies by licence number
(several numbers in one title: each), else by name (only when the name names one agency).
They are kept next to the list as `<stem>.notices.json` (`write_notices`), which
`load_agency_list` reads. `notice_changes(old, new)` is what changed, for the staff's diff.
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
    fine: str = ""


_NO_FINE = frozenset({"", "-", "--", "nil", "none", "n/a", "na", "0", "0.00", "no"})


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


def _looks_like_notice(title: str) -> bool:
    """A notice's title: it says what it is, and names an agency ("M/s") or a licence."""
    low = title.lower()
    if "notice" not in low and notice_kind(title) == "notice":
        return False
    return bool(_licences(title) or "m/s" in low)


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
        fine_col = next((i for i, h in enumerate(header) if "fine" in h or "penalt" in h), None)
        if title_col is not None and status_col is not None and any("complaint" in h
                                                                      for h in header):
            for row in rows[1:]:
                if len(row) <= max(title_col, status_col) or not row[title_col]:
                    continue
                text = " ".join(row)
                fine = row[fine_col].strip() if fine_col is not None and fine_col < len(row) else ""
                records.append(NoticeRecord("complaint", row[title_col], _first_date(text),
                                            _licences(text), row[status_col],
                                            "" if fine.lower() in _NO_FINE else fine[:40]))
            table.decompose()
    seen: set[str] = set()
    for node in soup.find_all(["tr", "li", "h2", "h3", "h4", "p", "a"]):
        text = " ".join(node.get_text(" ", strip=True).split())
        link = node if node.name == "a" else node.find("a")
        # The title is the link's text ("<a>Show Cause Notice To …</a>"), or, in a table whose
        # link only says "Download", the cell that reads as a notice.
        choices = [link] if link is not None else []
        if node.name == "tr":
            choices += node.find_all(["td", "th"], recursive=False)
        titles = [" ".join(c.get_text(" ", strip=True).split()) for c in choices]
        title = next((t for t in titles if _looks_like_notice(t)), "" if choices else text)
        if not title or len(text) > 600 or title in seen or not _looks_like_notice(title):
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
            out.append(Notice(lic, r.kind, r.when, r.title[:300], r.status, r.fine))
    return list(dict.fromkeys(out))


def notices_path(list_path: Path) -> Path:
    """`content/agencies.csv` -> `content/agencies.notices.json`."""
    list_path = Path(list_path)
    return list_path.with_name(f"{list_path.stem}.notices.json")


def notices_json_bytes(notices: Iterable[Notice]) -> bytes:
    items = [{"license_no": n.license_no, "kind": n.kind,
              "date": n.when.isoformat() if n.when else None, "title": n.title,
              "status": n.status, **({"fine": n.fine} if n.fine else {})} for n in notices]
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
                          str(it.get("title") or "")[:300], str(it.get("status") or ""),
                          str(it.get("fine") or "")[:40]))
    return tuple(out)


def write_notices(list_path: Path, notices: Iterable[Notice]) -> None:
    """Replace the notices kept next to the list, atomically."""
    from bot.core.agencies.listing.files import _atomic_write_bytes

    _atomic_write_bytes(notices_path(list_path), notices_json_bytes(notices))


def describe_notice(n: Notice) -> str:
    """One line for staff: "2056/RWP: show-cause, 2026-06-08: Show Cause Notice To …"."""
    head = f"{n.license_no}: {n.kind}"
    if n.when:
        head += f", {n.when.isoformat()}"
    if n.status:
        head += f", {n.status}"
    if n.fine:
        head += f", fine {n.fine}"
    title = n.title if len(n.title) <= 100 else n.title[:99] + "…"
    return f"{head}: {title}"


def notice_changes(old: Iterable[Notice], new: Iterable[Notice]) -> tuple[list[Notice], list[Notice]]:
    """(notices that are new, notices that are gone), each sorted by licence number and date."""
    old_set, new_set = set(old), set(new)

    def order(n: Notice) -> tuple:
        return n.license_no, n.when or date.min, n.kind, n.title

    return (sorted(new_set - old_set, key=order), sorted(old_set - new_set, key=order))


def import_notices(pages: Iterable[Path], list_path: Path, matcher) -> tuple[int, int]:
    """Read saved pages, link them to the list and keep them beside it (atomically).

    Returns (notices linked, records that named no agency on the list). Notices already kept
    are merged with the new ones (the same licence, kind, date and title once).
    """
    records = read_notice_pages(pages)
    linked = link_notices(records, matcher.agencies.agencies, matcher)
    named = {n.title for n in linked}
    write_notices(list_path, dict.fromkeys([*read_notices(list_path), *linked]))
    return len(linked), sum(1 for r in records if r.title[:300] not in named)
