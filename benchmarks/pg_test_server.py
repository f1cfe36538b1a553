"""What the test PostgreSQL adds to CI: starting and stopping scripts/test-postgres.sh, and one
fresh database per test (the `pg_url` fixture, tests/pg.py) with FILE_COPY against PostgreSQL's
default WAL_LOG strategy (the simple alternative), in the same run.

Usage: .venv/bin/python benchmarks/pg_test_server.py [--runs 5] [--databases 20] [--no-write]
Needs PostgreSQL (the script installs it as root on Debian). Not part of run_all.py.
Writes benchmarks/results/postgres.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path

import asyncpg
from _botbench import write_section
from _machine import cpu_model, memory_gib
from postgres_delivery import HEADING

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "test-postgres.sh"
RESULTS = ROOT / "benchmarks" / "results" / "postgres.md"


def _timed(*args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout.strip()


async def _databases(url: str, n: int, strategy: str) -> list[float]:
    """Seconds for CREATE DATABASE + DROP DATABASE, n times, on one connection."""
    conn = await asyncpg.connect(url)
    times = []
    try:
        for i in range(n):
            start = time.perf_counter()
            await conn.execute(f'CREATE DATABASE "bench_{i}" STRATEGY = {strategy}')
            await conn.execute(f'DROP DATABASE "bench_{i}" WITH (FORCE)')
            times.append(time.perf_counter() - start)
    finally:
        await conn.close()
    return times


def _row(name: str, values: list[float]) -> str:
    return (f"| {name} | {len(values)} | {statistics.median(values):.3f} | {min(values):.3f} | "
            f"{max(values):.3f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--databases", type=int, default=20)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    starts, stops, dbs = [], [], {"FILE_COPY": [], "WAL_LOG": []}
    version = "?"
    with tempfile.TemporaryDirectory(prefix="rahnuma-pg-bench-") as tmp:
        os.chmod(tmp, 0o755)  # the server runs as the postgres user: it must get in
        for n in range(args.runs):
            folder = str(Path(tmp) / f"s{n}")
            seconds, url = _timed("start", folder)
            starts.append(seconds)
            if n == 0:
                version = asyncio.run(_version(url))
                for strategy in dbs:  # interleaved halves: both see the same machine load
                    for _ in range(2):
                        dbs[strategy] += asyncio.run(_databases(url, args.databases // 2, strategy))
            stops.append(_timed("stop", folder)[0])
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    body = "\n".join([
        f"- Date: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Machine: {platform.platform()}; CPU {cpu_model()}, {os.cpu_count()} cores; memory {memory_gib()}",
        f"- PostgreSQL {version}; load average after the run: {load}",
        "- `.venv/bin/python benchmarks/pg_test_server.py` (seconds)",
        "",
        "| step | n | median | min | max |",
        "|---|---:|---:|---:|---:|",
        _row("`scripts/test-postgres.sh start` (initdb + server start)", starts),
        _row("`scripts/test-postgres.sh stop` (stop + delete)", stops),
        _row("one test's database, STRATEGY = FILE_COPY (what `pg_url` uses)", dbs["FILE_COPY"]),
        _row("one test's database, WAL_LOG (PostgreSQL 15's default)", dbs["WAL_LOG"]),
        "",
        f"Per CI run: {statistics.median(starts) + statistics.median(stops):.1f} s for the server, "
        f"plus {statistics.median(dbs['FILE_COPY']):.2f} s for each test that takes `pg_url` "
        f"(WAL_LOG would be {statistics.median(dbs['WAL_LOG']):.2f} s).",
    ])
    print(body)
    if not args.no_write:
        write_section("Test PostgreSQL: what it adds to CI", body, RESULTS, HEADING)
    return 0


async def _version(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()


if __name__ == "__main__":
    raise SystemExit(main())
