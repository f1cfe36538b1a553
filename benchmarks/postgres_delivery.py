"""The delivery core on SQLite and on PostgreSQL in the same run, and two instances on one PostgreSQL.

Usage: .venv/bin/python benchmarks/postgres_delivery.py [--database-url URL] [--quick] [--only ...]
       [--no-write]

``--database-url`` (default: $RAHNUMA_BENCH_DATABASE_URL, else $RAHNUMA_TEST_DATABASE_URL) names a
PostgreSQL server where this script may create (and drop) a database per run; start a throwaway
one with ``scripts/test-postgres.sh start``. For each database, the figures of the delivery-core
issue with the full bot (``python -m bot``):

- faults: 30% of Telegram calls fail (500, 429, dropped connection): lost / duplicated / order
  (benchmarks/reliability.py ``faults_run``);
- kill -9: ``python -m bot`` killed at random moments during a two-way helpline chat
  (reliability.py ``crash_run``);
- ceiling: 500 users at once against a stand-in that answers 429 above 30/s (bot_ceiling.py);
- p99 of the first reply at 28 new users a second (bot_responsiveness.py ``steady``).

Then many instances: two delivery processes (tests/outbox_instance.py: the real Store, Outbox and
PTB limiter) on one PostgreSQL, the replies of a 500-user burst committed on them in turn; their
ceiling together (TELEGRAM_MAX_RATE default, 30/s) and a kill -9 of one in the middle.
Appends (replaces) the section "Delivery core on both databases" of benchmarks/results/postgres.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import asyncpg
import bot_ceiling
import bot_responsiveness
import reliability
from _botbench import MeasuringStandin, load_text, machine_lines, table, write_section
from outbox_instance import Instance
from standin import Faults

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "postgres.md"
SECTION = "Delivery core on both databases"
HEADING = ("# PostgreSQL: measured results\n\nWritten by benchmarks/pg_test_server.py and "
           "benchmarks/postgres_delivery.py (each replaces its own section).\n")
MARK = "m{n:05d}x{tag}"


@contextlib.asynccontextmanager
async def fresh_database(server: str | None) -> AsyncIterator[str | None]:
    """None (SQLite), or a new empty database on ``server``, dropped afterwards."""
    if server is None:
        yield None
        return
    name = f"rahnuma_bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield urlunsplit(urlsplit(server)._replace(path="/" + name))
    finally:
        admin = await asyncpg.connect(server)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def one_database(work: Path, server: str | None, quick: bool, only: set[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    users, messages = (20, 20) if quick else (100, 100)
    if "faults" in only:
        async with fresh_database(server) as url:
            result["faults"] = await reliability.faults_run(
                work, f"faults-{bool(url)}", Faults(error_rate=0.3, kinds={"500", "429", "drop"}, seed=1),
                users, messages, database_url=url)
        print("faults:", result["faults"])
    if "crash" in only:
        async with fresh_database(server) as url:
            result["crash"] = await reliability.crash_run(
                work, f"random-{bool(url)}", 60 if quick else 200, database_url=url,
                random_kills=(0.3, 1.5), pace=0.1, seed=2)
        print("crash:", result["crash"])
    if "ceiling" in only:
        async with fresh_database(server) as url:
            burst_dir = work / f"ceiling-{bool(url)}"
            burst_dir.mkdir()
            result["ceiling"] = await bot_ceiling.burst(200 if quick else 500, 120, burst_dir, url)
        print("ceiling:", result["ceiling"].rate, "replies/s,", result["ceiling"].too_many, "x 429")
    if "steady" in only:
        async with fresh_database(server) as url:
            steady_dir = work / f"steady-{bool(url)}"
            steady_dir.mkdir()
            result["steady"] = await bot_responsiveness.steady(steady_dir, 5 if quick else 10,
                                                               database_url=url)
        print("steady:", result["steady"])
    return result


# --- two instances on one PostgreSQL ---------------------------------------------------------------

async def two_instances(work: Path, server: str, users: int, kill_at: float | None) -> dict[str, Any]:
    """`users` replies (one per chat) committed on two instances in turn; with `kill_at`, the
    first instance is killed -9 once that share of them has arrived."""
    tag = uuid.uuid4().hex[:6]
    async with fresh_database(server) as url, MeasuringStandin(
            flood_limit=30, flood_mode="window", strict_chats=False) as standin:
        assert url is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
        env.update(DATABASE_URL=url, TELEGRAM_BOT_TOKEN=standin.token or "",
                   TELEGRAM_API_BASE_URL=standin.base_url, DATA_DIR=str(work))
        pair = [Instance(env, work / f"instance{i}-{kill_at}.log") for i in range(2)]
        try:
            for instance in pair:
                await instance.ready()
            chats = list(range(500_000, 500_000 + users))
            began = time.perf_counter()
            turn = itertools.cycle(pair)
            for n, chat in enumerate(chats):
                next(turn).commit(chat, MARK.format(n=n, tag=tag) + " your answer")
            for instance in pair:
                for _ in range(users // 2):
                    assert (await instance.line()).startswith("queued")
            committed = time.perf_counter() - began
            killed_at = None
            if kill_at is not None:
                while sum(map(len, standin.arrivals.values())) < users * kill_at:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
                pair[0].kill9()
                killed_at = time.perf_counter()
            deadline = time.perf_counter() + 120
            while (sum(1 for c in chats if standin.arrivals.get(c)) < users  # noqa: ASYNC110
                   and time.perf_counter() < deadline):
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.5)  # duplicates, if any, would arrive now
        finally:
            for instance in pair:
                await instance.stop()
        copies = Counter({c: len(standin.arrivals.get(c, [])) for c in chats})
        times = sorted(t for c in chats for t in standin.arrivals.get(c, []))
        after_kill = [t for t in times if killed_at is not None and t > killed_at]
        gaps = [b - a for a, b in itertools.pairwise(after_kill[:1] and [killed_at, *after_kill])]
        return {
            "users": users, "kill": kill_at is not None,
            "delivered": sum(1 for n in copies.values() if n),
            "lost": sum(1 for n in copies.values() if not n),
            "duplicated": sum(n - 1 for n in copies.values() if n > 1),
            "rate": (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0,
            "busiest": bot_ceiling.busiest_second(times), "429": standin.too_many_requests,
            "committed_s": committed,
            "longest_pause_after_kill": max(gaps) if gaps else None,
        }


async def run(args: argparse.Namespace) -> str:
    only = set(args.only.split(",")) if args.only else {"faults", "crash", "ceiling", "steady", "instances"}
    load_before = load_text()
    databases: list[tuple[str, str | None]] = [("SQLite", None)]
    if args.database_url:
        databases.append(("PostgreSQL", args.database_url))
    rows: dict[str, dict[str, Any]] = {}
    many: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="rahnuma-pg-bench-") as tmp:
        work = Path(tmp)
        for label, server in databases:
            print(f"--- {label}")
            (work / label).mkdir()
            rows[label] = await one_database(work / label, server, args.quick, only)
        if "instances" in only and args.database_url:
            users = 200 if args.quick else 500
            for kill_at in (None, 0.3):
                r = await two_instances(work, args.database_url, users, kill_at)
                print("two instances:", r)
                many.append(r)
    parts = [*machine_lines(), f"- Load average before / after: {load_before} / {load_text()} "
             "(2 cores shared with other agents' work: noisy)",
             "- `.venv/bin/python benchmarks/postgres_delivery.py"
             f"{' --quick' if args.quick else ''}` (PostgreSQL: a throwaway local server, "
             "scripts/test-postgres.sh, fsync off)", ""]
    header = ["database", "30% faults: answered", "lost / dup / in order", "kill -9 (random): kills",
              "lost / dup / in order", "ceiling replies/s", "429s", "answered",
              "28 users/s: p50 / p99 ms", "429s"]
    body = []
    for label, r in rows.items():
        f, c, b, s = r.get("faults"), r.get("crash"), r.get("ceiling"), r.get("steady")
        body.append([
            label,
            f"{f['answered']}/{f['users']}" if f else "-",
            f"{f['lost']} / {f['duplicated']} / {f['in_order']}" if f else "-",
            c["kills"] if c else "-",
            f"{c['lost']} / {c['duplicated']} / {c['in_order']}" if c else "-",
            f"{b.rate:.1f}" if b else "-", b.too_many if b else "-",
            f"{b.answered}/{b.users}" if b else "-",
            f"{s['p50']:.0f} / {s['p99']:.0f}" if s else "-", s["429"] if s else "-"])
    parts += [table(header, body)]
    if many:
        parts += ["", "**Two instances on one PostgreSQL** (tests/outbox_instance.py x 2, TELEGRAM_MAX_RATE "
                  "default 30/s for both together; stand-in answering 429 above 30 in any second; one "
                  "reply to each of the burst's users, committed on the two in turn):", "",
                  table(["users", "kill -9 of one at 30%", "delivered", "lost", "duplicated",
                         "replies/s together", "busiest second", "429s", "longest pause after the kill s"],
                        [[r["users"], "yes" if r["kill"] else "no", r["delivered"], r["lost"],
                          r["duplicated"], f"{r['rate']:.1f}", r["busiest"], r["429"], pause(r)]
                         for r in many])]
    return "\n".join(parts)


def pause(r: dict[str, Any]) -> str:
    return "-" if r["longest_pause_after_kill"] is None else f"{r['longest_pause_after_kill']:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("RAHNUMA_BENCH_DATABASE_URL")
                        or os.environ.get("RAHNUMA_TEST_DATABASE_URL"),
                        help="a PostgreSQL server where a database per run may be created")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help="comma-separated: faults,crash,ceiling,steady,instances")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    body = asyncio.run(run(args))
    print(f"\n## {SECTION}\n\n{body}")
    if not args.no_write:
        write_section(SECTION, body, RESULTS, HEADING)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
