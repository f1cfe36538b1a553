"""Fetch the whole BE&OE list of OEPs and replace the agency list (CONTRACTS.md "BE&OE list pages").

`update_agency_list(url, dest)` (or `await fetch_and_update(...)` from a running event loop)
reads `URL?show=all&page=1`, `&page=2`, … until a page has no data rows or repeats the page
before, politely (`delay` seconds from one answer to the next request, 1 s by default: reading
a page counts towards it; the environment variable
`AGENCIES_UPDATE_DELAY` overrides it), with an honest User-Agent and retries with back-off.
A browser-check page ("Just a moment...") is a failure, never an empty list. The rows are
validated like an import; a list that shrank by more than half is refused unless `force`;
the list and its provenance are replaced atomically. Any failure raises `UpdateError` and
leaves `dest` untouched.

BE&OE's notices and complaint results (`notice_urls`: the environment variables
`AGENCIES_NOTICES_URL` and `AGENCIES_COMPLAINTS_URL`, see `notice_urls_from_env`) are fetched in
the same run and by the same rules: `URL?show=all&page=1`, `&page=2`, … until a page has no
notice or repeats the one before, the same delay, User-Agent, retries and browser-check refusal;
none at all from an address, or fewer than half of those kept, is a failure (unless `force`).
They are linked to the new list by licence number or name (`notices.link_notices`) and replace
the notices kept beside it; the summary says which are new and which are gone. Everything is
fetched and checked before anything is written; then the notices file and the list are each
replaced atomically.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.core.agencies.listing.files import read_agency_file, write_agency_list
from bot.core.agencies.listing.notices import (
    NoticeRecord,
    describe_notice,
    link_notices,
    notice_changes,
    notices_path,
    parse_notice_page,
    read_notices,
    write_notices,
)
from bot.core.agencies.listing.problems import AgencyListError, RowProblem
from bot.core.agencies.listing.sources import Table, html_tables, pick_table
from bot.core.agencies.listing.validation import validate_rows
from bot.core.agencies.records import Agency, AgencyList, Notice, Provenance

DEFAULT_URL = "https://beoe.gov.pk/list-of-oeps"
USER_AGENT = ("Rahnuma/1.0 (recruiter-check bot of an anti-trafficking helpline; reads the "
              "public list of OEPs once a day)")
MAX_PAGES = 1_000
DEFAULT_DELAY = 1.0
_BROWSER_CHECK = ("<title>just a moment...</title>", "cf-browser-verification",
                  "checking your browser")


class UpdateError(Exception):
    """The update failed; the agency list in use is untouched."""


@dataclass(frozen=True)
class UpdateSummary:
    """What an update changed, by licence number."""

    url: str
    dest: str
    pages: int
    rows: int
    previous_rows: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    status_changes: list[tuple[str, str, str]] = field(default_factory=list)
    retrieved: datetime | None = None
    notices_fetched: bool = False      # notice pages were configured and read in this update
    notice_pages: int = 0
    notices: int = 0                   # notices and complaint results linked to agencies
    unlinked: int = 0                  # read, but naming no agency on the list
    notices_added: list[Notice] = field(default_factory=list)
    notices_removed: list[Notice] = field(default_factory=list)

    def describe(self, limit: int = 50) -> str:
        """A plain-English account for staff: counts, then each change by licence number."""
        lines = [f"Fetched {self.rows:,} agencies from {self.pages} page(s) of {self.url} "
                 f"(before: {self.previous_rows:,}) into {self.dest}.",
                 f"{len(self.added):,} added, {len(self.removed):,} removed, "
                 f"{len(self.status_changes):,} status change(s)."]
        if self.notices_fetched:
            lines.append(f"BE&OE notices and complaint results: {self.notices:,} linked to "
                         f"agencies from {self.notice_pages} page(s) ({self.unlinked:,} named no "
                         f"agency on the list); {len(self.notices_added):,} new, "
                         f"{len(self.notices_removed):,} gone.")
        for label, items in (("added", self.added), ("removed", self.removed)):
            for lic in items[:limit]:
                lines.append(f"  {label}: {lic}")
            if len(items) > limit:
                lines.append(f"  … and {len(items) - limit} more {label}")
        for lic, old, new in self.status_changes[:limit]:
            lines.append(f"  status: {lic}: {old} -> {new}")
        if len(self.status_changes) > limit:
            lines.append(f"  … and {len(self.status_changes) - limit} more status changes")
        for label, notices in (("new notice", self.notices_added),
                               ("notice gone", self.notices_removed)):
            for n in notices[:limit]:
                lines.append(f"  {label}: {describe_notice(n)}")
            if len(notices) > limit:
                lines.append(f"  … and {len(notices) - limit} more ({label})")
        return "\n".join(lines)


def _delay(delay: float | None) -> float:
    if delay is not None:
        return max(0.0, delay)
    try:
        return max(0.0, float(os.environ.get("AGENCIES_UPDATE_DELAY", DEFAULT_DELAY)))
    except ValueError:
        return DEFAULT_DELAY


def _page_url(url: str, page: int) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}show=all&page={page}"


def is_browser_check(body: str) -> bool:
    """A browser-check page (not the harmless `challenge-platform` script on normal pages)."""
    low = body[:20_000].lower()
    return any(marker in low for marker in _BROWSER_CHECK)


async def _get(session, url: str, *, retries: int, backoff: float, request_timeout: float) -> str:
    import aiohttp

    last = "no answer"
    for attempt in range(retries + 1):
        if attempt:
            await asyncio.sleep(backoff * (2 ** (attempt - 1)))
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=request_timeout)) as resp:
                body = await resp.text(errors="replace")
                if is_browser_check(body):
                    raise UpdateError(
                        f"{url} answered with a browser check (HTTP {resp.status}), not the "
                        "list. Open the list in a browser, save every page (show all entries) "
                        "and use: python -m bot agencies import PAGE.html …")
                if resp.status == 200:
                    return body
                last = f"HTTP {resp.status}"
                if 400 <= resp.status < 500 and resp.status != 429:
                    break
        except (aiohttp.ClientError, TimeoutError) as exc:
            last = type(exc).__name__
    raise UpdateError(f"{url} could not be read ({last}) after {retries + 1} attempt(s)")


def _page_rows(body: str) -> tuple[Table | None, int, list[tuple]]:
    """(table, header index, data rows as tuples) of one page; no table -> (None, 0, [])."""
    tables = [t for t in html_tables(body) if t.rows]
    if not tables:
        return None, 0, []
    table, header = pick_table(tables)
    data = [tuple(str(c) for c in cells) for _, cells in table.rows[header + 1:]
            if any(str(c).strip() for c in cells if c is not None)]
    return table, header, data


def _session():
    import aiohttp

    return aiohttp.ClientSession(headers={"User-Agent": USER_AGENT, "Accept": "text/html"})


class _Pace:
    """At least `wait` seconds from the end of one answer to the next request (the time spent
    reading a page counts towards the wait)."""

    def __init__(self, wait: float) -> None:
        self.wait = wait
        self.last: float | None = None

    async def before(self) -> None:
        if self.last is not None:
            await asyncio.sleep(max(0.0, self.wait - (time.monotonic() - self.last)))

    def after(self) -> None:
        self.last = time.monotonic()


async def _walk(session, url: str, *, pace: _Pace, retries: int, backoff: float,
                request_timeout: float):
    """Each page's body, `URL?show=all&page=1`, `&page=2`, …, politely (`pace`); the caller
    stops when a page is empty or repeats the one before."""
    for page in range(1, MAX_PAGES + 1):
        await pace.before()
        try:
            body = await _get(session, _page_url(url, page), retries=retries, backoff=backoff,
                              request_timeout=request_timeout)
        finally:
            pace.after()
        yield body


async def _list_pages(session, url: str, *, pace: _Pace, retries: int, backoff: float,
                      request_timeout: float) -> tuple[Table, int]:
    merged: Table | None = None
    previous: list[tuple] | None = None
    pages = 0
    async for body in _walk(session, url, pace=pace, retries=retries, backoff=backoff,
                            request_timeout=request_timeout):
        # parsed in a thread: the running bot goes on answering people meanwhile
        table, header, data = await asyncio.to_thread(_page_rows, body)
        if table is None or not data or data == previous:
            break
        pages += 1
        if merged is None:
            merged = Table(list(table.rows[: header + 1]), where=f"{url}", date_order="dmy")
        base = len(merged.rows)
        merged.rows.extend((base + i + 1, list(r)) for i, r in enumerate(data))
        previous = data
    if merged is None:
        raise UpdateError(f"{_page_url(url, 1)} has no table of agencies: the page format may "
                          "have changed. Save the pages by hand and use agencies import.")
    return merged, pages


async def fetch_pages(url: str = DEFAULT_URL, *, delay: float | None = None, retries: int = 3,
                      backoff: float = 2.0, request_timeout: float = 30.0) -> tuple[Table, int]:
    """Every page of the list, merged into one table (header once); (table, pages read)."""
    async with _session() as session:
        return await _list_pages(session, url, pace=_Pace(_delay(delay)), retries=retries,
                                 backoff=backoff, request_timeout=request_timeout)


async def _notice_pages(session, url: str, *, pace: _Pace, retries: int, backoff: float,
                        request_timeout: float) -> tuple[list[NoticeRecord], int]:
    records: list[NoticeRecord] = []
    previous: list[NoticeRecord] | None = None
    pages = 0
    async for body in _walk(session, url, pace=pace, retries=retries, backoff=backoff,
                            request_timeout=request_timeout):
        found = await asyncio.to_thread(parse_notice_page, body)
        if not found or found == previous:
            break
        pages += 1
        records.extend(found)
        previous = found
    if not records:
        raise UpdateError(f"{_page_url(url, 1)} has no notices or complaint results: the page "
                          "format may have changed (or the address is wrong). Save the pages by "
                          "hand and use: python -m bot agencies notices PAGE.html …")
    return records, pages


def notice_urls_from_env(env: dict[str, str] | None = None) -> tuple[str, ...]:
    """`AGENCIES_NOTICES_URL` and `AGENCIES_COMPLAINTS_URL`, each one or more addresses
    separated by spaces or commas (unset: notices are not fetched)."""
    env = os.environ if env is None else env
    urls: list[str] = []
    for name in ("AGENCIES_NOTICES_URL", "AGENCIES_COMPLAINTS_URL"):
        urls += [u for u in (env.get(name) or "").replace(",", " ").split() if u]
    return tuple(dict.fromkeys(urls))


async def fetch_and_update(url: str = DEFAULT_URL, dest: Path | str = "content/agencies.csv",
                           *, force: bool = False, delay: float | None = None,
                           retries: int = 3, backoff: float = 2.0, request_timeout: float = 30.0,
                           notice_urls: tuple[str, ...] | list[str] = ()) -> UpdateSummary:
    """Fetch (the list, and the notice pages at `notice_urls`), validate and replace `dest`
    and its notices atomically; raises UpdateError (dest and its notices untouched)."""
    dest = Path(dest)
    timing = {"pace": _Pace(_delay(delay)), "retries": retries, "backoff": backoff,
              "request_timeout": request_timeout}
    notice_records: list[NoticeRecord] = []
    notice_pages = 0
    async with _session() as session:
        table, pages = await _list_pages(session, url, **timing)
        for notice_url in notice_urls:
            found, n = await _notice_pages(session, notice_url, **timing)
            notice_records += found
            notice_pages += n
    agencies, problems = validate_rows(table, 0)
    if problems:
        raise UpdateError("the fetched list has problems; nothing was changed:\n"
                          + AgencyListError(problems, source=url).report(limit=20))
    old: list[Agency] = []
    if dest.exists():
        old, _ = read_agency_file(dest)
    if old and len(agencies) < len(old) / 2 and not force:
        raise UpdateError(f"the fetched list has {len(agencies):,} agencies, fewer than half of "
                          f"the {len(old):,} in use; nothing was changed (use --force if this "
                          "is right)")
    now = datetime.now(UTC).replace(microsecond=0)
    prov = Provenance(source=url, retrieved=now.date(), demo=False,
                      note=f"fetched by `agencies update` at {now.isoformat()} "
                           f"({pages} page(s), {len(agencies):,} agencies)"
                           + (f" with {notice_pages} page(s) of notices" if notice_urls else ""))
    kept_notices = read_notices(dest) if notice_urls else ()
    linked: list[Notice] = []
    if notice_urls:
        linked = await asyncio.to_thread(_link, notice_records, agencies, prov)
        if kept_notices and len(linked) < len(kept_notices) / 2 and not force:
            raise UpdateError(f"the fetched notices link {len(linked):,} times to agencies, "
                              f"fewer than half of the {len(kept_notices):,} kept; nothing was "
                              "changed (use --force if this is right)")
        write_notices(dest, linked)
    write_agency_list(dest, agencies, prov)
    new_notices, gone_notices = notice_changes(kept_notices, linked)
    old_by = {a.license_no: a for a in old}
    new_by = {a.license_no: a for a in agencies}
    return UpdateSummary(
        url=url, dest=str(dest), pages=pages, rows=len(agencies), previous_rows=len(old),
        added=sorted(set(new_by) - set(old_by)), removed=sorted(set(old_by) - set(new_by)),
        status_changes=sorted((lic, old_by[lic].status.value, a.status.value)
                              for lic, a in new_by.items()
                              if lic in old_by and old_by[lic].status is not a.status),
        retrieved=now, notices_fetched=bool(notice_urls), notice_pages=notice_pages,
        notices=len(linked),
        unlinked=len({r.title for r in notice_records} - {n.title for n in linked}),
        notices_added=new_notices, notices_removed=gone_notices)


def _link(records: list[NoticeRecord], agencies: list[Agency], prov: Provenance) -> list[Notice]:
    """Link fetched notices to the new list (its matcher is built for it: in a thread)."""
    from bot.core.agencies.verdict import AgencyMatcher

    matcher = AgencyMatcher(AgencyList(tuple(agencies), prov))
    return link_notices(records, agencies, matcher)


def update_agency_list(url: str = DEFAULT_URL, dest: Path | str = "content/agencies.csv",
                       **options) -> UpdateSummary:
    """`fetch_and_update` for callers without an event loop (the command line)."""
    return asyncio.run(fetch_and_update(url, dest, **options))


__all__ = ["DEFAULT_URL", "USER_AGENT", "RowProblem", "UpdateError", "UpdateSummary",
           "fetch_and_update", "fetch_pages", "is_browser_check", "notice_urls_from_env",
           "notices_path", "update_agency_list"]
