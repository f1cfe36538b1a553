"""`agencies update` timing: 3,000 agencies over 60 pages from the local BE&OE stand-in, then
the same with BE&OE's notices and complaint results fetched too.

Usage: .venv/bin/python benchmarks/agency_update_speed.py [--delay S] [--no-write]
The goal (issue 10): within the politeness delay (one wait between two requests) plus 10 s.
Compared in the same run with the simple alternative: the same pages fetched one after the
other with no parsing (the network and delay floor). With notices: 200 notices (10 pages, a
quarter of them naming the agency without its licence number, linked by name) and 100
complaint results (5 pages).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _machine import cpu_model, load_average  # noqa: E402
from agency_accuracy import RESULTS, write_section  # noqa: E402
from beoe_standin import BeoeStandin, ComplaintRow, NoticeRow, Row  # noqa: E402

from bot.core.agencies import fetch_and_update  # noqa: E402


def rows(n: int) -> list[Row]:
    def word(i: int) -> str:
        return "Zo" + "".join("bdfgklmnprstvz"[(i // 14 ** k) % 14] + "aeiou"[(i // 7 ** k) % 5]
                              for k in range(3))
    return [Row(i + 1, ("RWP", "LHR", "KAR", "PWR")[i % 4],
                f"{word(i)} Overseas Employment Promoters") for i in range(n)]


def notices(agencies: list[Row]) -> tuple[list[NoticeRow], list[ComplaintRow]]:
    out = []
    for k, r in enumerate(agencies[:200]):
        lic = f", OEPL No.{r.number:04d}/{r.code}" if k % 4 else ""
        out.append(NoticeRow(f"Show Cause Notice To M/s. {r.name}{lic}", "08-06-2026"))
    complaints = [ComplaintRow(f"C-{k}", f"M/s. {r.name} (OEPL No.{r.number:04d}/{r.code})",
                               "Under Investigation") for k, r in enumerate(agencies[200:300])]
    return out, complaints


async def measure(delay: float, with_notices: bool) -> dict:
    import aiohttp

    agencies = rows(3000)
    found, complaints = notices(agencies) if with_notices else ([], [])
    site = BeoeStandin(agencies, per_page=50, notices=found, complaints=complaints,
                       notices_per_page=20)
    url = await site.start()
    urls = (site.notices_url, site.complaints_url) if with_notices else ()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            summary = await fetch_and_update(url, Path(tmp) / "agencies.csv", delay=delay,
                                             notice_urls=urls)
            ours = time.perf_counter() - t0
        requests = len(site.requests)
        t0 = time.perf_counter()
        async with aiohttp.ClientSession() as s:
            pages = [f"{url}?show=all&page={p}" for p in range(1, summary.pages + 2)]
            for page_url in urls:
                pages += [f"{page_url}?show=all&page={p}" for p in range(1, 12)]
            for n, page_url in enumerate(pages[:requests]):
                if n:
                    await asyncio.sleep(delay)
                async with s.get(page_url) as r:
                    await r.text()
        floor = time.perf_counter() - t0
    finally:
        await site.stop()
    return {"ours": ours, "floor": floor, "pages": summary.pages, "rows": summary.rows,
            "requests": requests, "notice_pages": summary.notice_pages,
            "notices": summary.notices}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    lines = []
    for with_notices in (False, True):
        m = asyncio.run(measure(args.delay, with_notices))
        budget = args.delay * (m["requests"] - 1) + 10
        what = (f"{m['rows']:,} agencies over {m['pages']} pages" + (
            f" and {m['notices']} notices and complaint results over {m['notice_pages']} pages"
            if with_notices else ""))
        lines.append(f"{what} ({m['requests']} requests, {args.delay:g} s between them): "
                     f"**{m['ours']:.1f} s** (goal ≤ {budget:.0f} s = the delay plus 10 s) "
                     f"{'✅' if m['ours'] <= budget else '❌'}; fetching the same pages without "
                     f"parsing, validating, linking or writing: {m['floor']:.1f} s.")
    lines.append(f"Machine: {cpu_model()}, load average {load_average()}.")
    print("\n".join(lines))
    if not args.no_write:
        write_section(RESULTS, "agency-update", ["## `agencies update`", "",
                      "`.venv/bin/python benchmarks/agency_update_speed.py` against "
                      "`tests/beoe_standin.py` on 127.0.0.1 (the site's page format).", "",
                      *lines])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
