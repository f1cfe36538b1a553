"""Fetch the whole BE&OE list of OEPs and replace the agency list (CONTRACTS.md "BE&OE list pages").

`update_agency_list(url, dest)` (or `await fetch_and_update(...)` from a running event loop)
reads `URL?show=all&page=1`, `&page=2`, … until a page has no data rows or repeats the page
before, politely (`delay` seconds between requests, 1 s by default; the environment variable
`AGENCIES_UPDATE_DELAY` overrides it), with an honest User-Agent and retries with back-off.
A browser-check page ("Just a moment...") is a failure, never an empty list. The rows are
validated like an import; a list that shrank by more than half is refused unless `force`;
the list and its provenance are replaced atomically. Any failure raises `UpdateError` and
leaves `dest` untouched.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.core.agencies.listing.files import read_agency_file, write_agency_list
from bot.core.agencies.listing.problems import AgencyListError, RowProblem
from bot.core.agencies.listing.sources import Table, html_tables, pick_table
from bot.core.agencies.listing.validation import validate_rows
from bot.core.agencies.records import Agency, Provenance

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

    def describe(self, limit: int = 50) -> str:
        """A plain-English account for staff: counts, then each change by licence number."""
        lines = [f"Fetched {self.rows:,} agencies from {self.pages} page(s) of {self.url} "
                 f"(before: {self.previous_rows:,}) into {self.dest}.",
                 f"{len(self.added):,} added, {len(self.removed):,} removed, "
                 f"{len(self.status_changes):,} status change(s)."]
        for label, items in (("added", self.added), ("removed", self.removed)):
            for lic in items[:limit]:
                lines.append(f"  {label}: {lic}")
            if len(items) > limit:
                lines.append(f"  … and {len(items) - limit} more {label}")
        for lic, old, new in self.status_changes[:limit]:
            lines.append(f"  status: {lic}: {old} -> {new}")
        if len(self.status_changes) > limit:
            lines.append(f"  … and {len(self.status_changes) - limit} more status changes")
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


async def fetch_pages(url: str = DEFAULT_URL, *, delay: float | None = None, retries: int = 3,
                      backoff: float = 2.0, request_timeout: float = 30.0) -> tuple[Table, int]:
    """Every page of the list, merged into one table (header once); (table, pages read)."""
    import aiohttp

    wait = _delay(delay)
    merged: Table | None = None
    previous: list[tuple] | None = None
    pages = 0
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html"}
    async with aiohttp.ClientSession(headers=headers) as session:
        for page in range(1, MAX_PAGES + 1):
            if page > 1:
                await asyncio.sleep(wait)
            body = await _get(session, _page_url(url, page), retries=retries, backoff=backoff,
                              request_timeout=request_timeout)
            table, header, data = _page_rows(body)
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


async def fetch_and_update(url: str = DEFAULT_URL, dest: Path | str = "content/agencies.csv",
                           *, force: bool = False, delay: float | None = None,
                           retries: int = 3, backoff: float = 2.0,
                           request_timeout: float = 30.0) -> UpdateSummary:
    """Fetch, validate and replace `dest` atomically; raises UpdateError (dest untouched)."""
    dest = Path(dest)
    table, pages = await fetch_pages(url, delay=delay, retries=retries, backoff=backoff,
                                     request_timeout=request_timeout)
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
                           f"({pages} page(s), {len(agencies):,} agencies)")
    write_agency_list(dest, agencies, prov)
    old_by = {a.license_no: a for a in old}
    new_by = {a.license_no: a for a in agencies}
    return UpdateSummary(
        url=url, dest=str(dest), pages=pages, rows=len(agencies), previous_rows=len(old),
        added=sorted(set(new_by) - set(old_by)), removed=sorted(set(old_by) - set(new_by)),
        status_changes=sorted((lic, old_by[lic].status.value, a.status.value)
                              for lic, a in new_by.items()
                              if lic in old_by and old_by[lic].status is not a.status),
        retrieved=now)


def update_agency_list(url: str = DEFAULT_URL, dest: Path | str = "content/agencies.csv",
                       **options) -> UpdateSummary:
    """`fetch_and_update` for callers without an event loop (the command line)."""
    return asyncio.run(fetch_and_update(url, dest, **options))


__all__ = ["DEFAULT_URL", "USER_AGENT", "RowProblem", "UpdateError", "UpdateSummary",
           "fetch_and_update", "fetch_pages", "is_browser_check", "update_agency_list"]
