"""Agency-check speed: p50/p99 per query at 2,500 and 100,000 agencies, against plain extractOne.

Usage: .venv/bin/python benchmarks/agency_speed.py [--no-write] [--queries N]
Lists come from the demo generator (`benchmarks/make_demo_agencies.generate`); queries are built
from each list by the evaluation-set generator (names, typos, Urdu/Sindhi, licence and phone
forms, sentences, impostors, unrelated text). Writes the "Speed" section of
benchmarks/results/agency.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "agency_eval"))

from _machine import cpu_model, load_average  # noqa: E402
from agency_accuracy import RESULTS, write_section  # noqa: E402
from generate import Builder  # noqa: E402
from make_demo_agencies import demo_provenance, generate  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from bot.core.agencies.listfile import load_agency_list, write_agency_list  # noqa: E402
from bot.core.agencies.matcher import AgencyMatcher  # noqa: E402
from bot.core.agencies.records import AgencyList  # noqa: E402

SIZES = (2_500, 100_000)
SEED = 20240810
GOALS_MS = {2_500: 5.0, 100_000: 50.0}
LOAD_GOAL_S = 0.5


def machine() -> str:
    """platform, CPU model, cores and load, for the results."""
    return (f"{platform.platform()}, Python {platform.python_version()}, {cpu_model()}, "
            f"{os.cpu_count()} cores, load average {load_average()}")


def queries_for(agencies: list, n: int, seed: int) -> list[str]:
    """A realistic mix of queries for this list."""
    b = Builder(agencies, seed)
    per = max(4, n // 12)
    b.exact(per)
    b.typos(per)
    b.suffix(per)
    b.roman(per)
    b.script(per, sd=False)
    b.script(per, sd=True)
    b.licence(per)
    b.phone(per)
    b.sentence(per)
    b.impostor(per * 2)
    b.unrelated()
    qs = [r["query"] for r in b.rows]
    random.Random(seed).shuffle(qs)
    return qs[:n]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def time_each(fn, queries: list[str]) -> list[float]:
    """Milliseconds per call."""
    out = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def load_time(rows: int = 2_500, repeats: int = 5) -> tuple[float, float]:
    """Median seconds to read and validate the CSV of `rows` agencies (`load_agency_list`) and
    to build the matcher's index on it (`AgencyMatcher`): (load, index)."""
    agencies = generate(rows, SEED)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agencies.csv"
        write_agency_list(path, agencies, demo_provenance(rows, SEED))
        loads, indexes = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            agency_list = load_agency_list(path)
            t1 = time.perf_counter()
            AgencyMatcher(agency_list)
            loads.append(t1 - t0)
            indexes.append(time.perf_counter() - t1)
    return statistics.median(loads), statistics.median(indexes)


def run(size: int, n_queries: int) -> dict:
    agencies = generate(size, SEED)
    t0 = time.perf_counter()
    matcher = AgencyMatcher(AgencyList(tuple(agencies), demo_provenance(size, SEED)))
    index_s = time.perf_counter() - t0
    names = [a.name for a in agencies]
    queries = queries_for(agencies, n_queries, seed=size)
    warm = queries_for(agencies, 60, seed=size + 1)
    for q in warm:
        matcher.check(q)
    ours = time_each(matcher.check, queries)
    base = time_each(lambda q: process.extractOne(q, names, scorer=fuzz.WRatio), queries)
    return {"size": size, "n": len(queries), "index_s": index_s,
            "p50": percentile(ours, 50), "p99": percentile(ours, 99), "max": max(ours),
            "b50": percentile(base, 50), "b99": percentile(base, 99)}


def report(results: list[dict], load: tuple[float, float]) -> list[str]:
    lines = ["| agencies | queries | Rahnuma p50 | Rahnuma p99 | goal p99 | extractOne p50 | "
             "extractOne p99 | p50 ratio | p99 ratio | pass |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for r in results:
        ok = r["p99"] <= GOALS_MS[r["size"]] and r["p99"] < r["b99"] and r["p50"] < r["b50"]
        lines.append(
            f"| {r['size']:,} | {r['n']} | {r['p50']:.2f} ms | {r['p99']:.2f} ms | "
            f"≤ {GOALS_MS[r['size']]:.0f} ms | {r['b50']:.2f} ms | {r['b99']:.2f} ms | "
            f"{r['b50'] / r['p50']:.0f}× faster | {r['b99'] / r['p99']:.0f}× faster | "
            f"{'✅' if ok else '❌'} |")
    load_s = sum(load)
    lines += ["", f"Load + index 2,500 rows, median of 5: `load_agency_list` (CSV read and "
              f"validation) {load[0] * 1000:.0f} ms + `AgencyMatcher` (index) "
              f"{load[1] * 1000:.0f} ms = **{load_s * 1000:.0f} ms** (goal < "
              f"{LOAD_GOAL_S * 1000:.0f} ms) {'✅' if load_s < LOAD_GOAL_S else '❌'}.",
              "Index build alone: " + ", ".join(f"{r['size']:,} agencies {r['index_s']:.2f} s"
                                                for r in results) + "."]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--queries", type=int, default=600)
    args = parser.parse_args(argv)
    info = machine()
    print(info)
    load = load_time()
    print(f"load {load[0] * 1000:.0f} ms + index {load[1] * 1000:.0f} ms (2,500 rows)")
    results = []
    for size in SIZES:
        n = args.queries if size <= 10_000 else max(100, args.queries // 2)
        results.append(run(size, n))
        print(results[-1])
    lines = report(results, load)
    print("\n".join(lines))
    if not args.no_write:
        body = ["## Speed", "", "`.venv/bin/python benchmarks/agency_speed.py` — per-query "
                "latency of `AgencyMatcher.check` and of plain "
                "`rapidfuzz.process.extractOne(query, names, scorer=WRatio)` on the same lists "
                "and queries (demo generator lists; a mix of names, typos, Urdu/Sindhi, licence "
                "and phone forms, sentences, impostors and unrelated text; after a warm-up).",
                "", f"Machine: {info} (2 cores shared with other work while measuring).", "",
                *lines]
        write_section(RESULTS, "agency-speed", body)
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
