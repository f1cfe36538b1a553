"""`agencies update` timing: 3,000 agencies over 60 pages from the local BE&OE stand-in.

Usage: .venv/bin/python benchmarks/agency_update_speed.py [--delay S] [--no-write]
The goal (issue 10): within the politeness delay (59 waits between 60 pages) plus 10 s.
Compared in the same run with the simple alternative: the same pages fetched one after the
other with no parsing (the network and delay floor).
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
from beoe_standin import BeoeStandin, Row  # noqa: E402

from bot.core.agencies import fetch_and_update  # noqa: E402


def rows(n: int) -> list[Row]:
    def word(i: int) -> str:
        return "Zo" + "".join("bdfgklmnprstvz"[(i // 14 ** k) % 14] + "aeiou"[(i // 7 ** k) % 5]
                              for k in range(3))
    return [Row(i + 1, ("RWP", "LHR", "KAR", "PWR")[i % 4],
                f"{word(i)} Overseas Employment Promoters") for i in range(n)]


async def measure(delay: float) -> tuple[float, float, int, int]:
    import aiohttp

    site = BeoeStandin(rows(3000), per_page=50)
    url = await site.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            summary = await fetch_and_update(url, Path(tmp) / "agencies.csv", delay=delay)
            ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        async with aiohttp.ClientSession() as s:
            for page in range(1, 62):
                if page > 1:
                    await asyncio.sleep(delay)
                async with s.get(f"{url}?show=all&page={page}") as r:
                    await r.text()
        floor = time.perf_counter() - t0
    finally:
        await site.stop()
    return ours, floor, summary.pages, summary.rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    ours, floor, pages, n = asyncio.run(measure(args.delay))
    budget = args.delay * (pages - 1) + 10
    lines = [f"{n:,} agencies over {pages} pages, {args.delay:g} s between requests: "
             f"**{ours:.1f} s** (goal ≤ {budget:.0f} s = the delay plus 10 s) "
             f"{'✅' if ours <= budget else '❌'}; fetching the same pages without parsing, "
             f"validating or writing: {floor:.1f} s.",
             f"Machine: {cpu_model()}, load average {load_average()}."]
    print("\n".join(lines))
    if not args.no_write:
        write_section(RESULTS, "agency-update", ["## `agencies update`", "",
                      "`.venv/bin/python benchmarks/agency_update_speed.py` against "
                      "`tests/beoe_standin.py` on 127.0.0.1 (the site's page format).", "",
                      *lines])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
