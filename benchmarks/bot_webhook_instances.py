"""Two `python -m bot serve` instances on one PostgreSQL behind a round-robin balancer.

Usage: RAHNUMA_TEST_DATABASE_URL=postgresql://… .venv/bin/python benchmarks/bot_webhook_instances.py
       [--rounds 40] [--users 500] [--no-write]

(scripts/test-postgres.sh start gives a server; each run makes a fresh database on it.)

1. A helpline chat through the balancer (its updates alternate between the instances): a person's
   message relayed to staff, a staff reply back, ``--rounds`` times; ``kill -9`` of one instance
   half-way (between deliveries). Counted: messages lost, duplicated, out of order (goal 0, 0, 0).
2. The same update posted to both instances at once, for 20 people asking for the helpline:
   tickets opened (goal 20) and helpline headers in the staff group (goal 20).
3. Telegram's ceiling across both: 500 people at once through the balancer, each instance with
   TELEGRAM_MAX_RATE at its default (30/s), which the instances share through the database.
   Goals: >= 28 replies/s, 0 x 429, 500/500 answered.

Writes its section of benchmarks/results/serve.md.
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
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _botbench import (
    STAFF_CHAT,
    STAFF_MEMBER,
    ChildBot,
    MeasuringStandin,
    build_messages,
    full_bot,
    load_text,
    machine_lines,
    percentile,
    serve_env,
    table,
    wait_for_quiet_machine,
    write_section,
)
from bot_ceiling import FLOOD_LIMIT, GOAL_RATE, busiest_second
from bot_webhook import RESULTS, TITLE
from pg import _on_server, with_database
from round_robin import RoundRobin

USER = 500_001
FIRST_BURST_USER = 600_000


def fresh_database(admin_url: str) -> str:
    name = f"rahnuma_bench_{uuid.uuid4().hex[:12]}"

    async def create(conn) -> None:
        await conn.execute(f'CREATE DATABASE "{name}"')

    _on_server(admin_url, create)
    return with_database(admin_url, name)


def drop_database(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]

    async def drop(conn) -> None:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    _on_server(admin_url, drop)


async def pending_rows(url: str) -> int:
    found: list[int] = []

    async def count(conn) -> None:
        found.append(await conn.fetchval(
            "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND failed = 0"))

    await asyncio.to_thread(_on_server, url, count)
    return found[0]


async def up(url: str, within: float = 90) -> None:
    import aiohttp

    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            try:
                async with session.post(url + "/telegram", data=b"{}", headers={
                        "X-Telegram-Bot-Api-Secret-Token": os.environ["BENCH_SECRET"]}) as r:
                    if r.status == 400:  # connected to Telegram; 503 while starting
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"{url} did not come up")


async def two_instances(standin: MeasuringStandin, database_url: str, workdir: Path,
                        **extra: str) -> tuple[RoundRobin, list[ChildBot], list[str]]:
    envs = [serve_env(standin, workdir / f"data-{n}", DATABASE_URL=database_url, **extra) for n in (0, 1)]
    urls = [f"http://127.0.0.1:{env['PORT']}" for env in envs]
    balancer = await RoundRobin(urls).start()
    children = []
    for n, env in enumerate(envs):
        env["TELEGRAM_WEBHOOK_URL"] = balancer.url + "/telegram"
        os.environ["BENCH_SECRET"] = env["TELEGRAM_WEBHOOK_SECRET"]
        child = full_bot(env, workdir / f"serve-{n}.log", serve=True)
        child.start()
        children.append(child)
    await asyncio.gather(*(up(url) for url in urls))
    return balancer, children, urls


@contextlib.asynccontextmanager
async def pair(admin_url: str, workdir: Path, rate: str, **standin: object) -> AsyncIterator[Pair]:
    """A fresh database, the stand-in (with the staff group), two instances behind the balancer;
    all stopped and dropped afterwards."""
    database_url = fresh_database(admin_url)
    try:
        async with MeasuringStandin(**standin) as s:
            s.add_staff_group()
            balancer, children, urls = await two_instances(s, database_url, workdir, TELEGRAM_MAX_RATE=rate)
            try:
                yield Pair(s, balancer, children, urls, database_url)
            finally:
                for child in children:
                    await asyncio.to_thread(child.stop)
                await balancer.stop()
    finally:
        drop_database(admin_url, database_url)


@dataclass
class Pair:
    standin: MeasuringStandin
    balancer: RoundRobin
    children: list[ChildBot]
    urls: list[str]
    database_url: str


async def kill_run(admin_url: str, rounds: int, workdir: Path) -> dict[str, object]:
    async with pair(admin_url, workdir, "0", record_calls=True) as two:
        s, balancer, children, database_url = two.standin, two.balancer, two.children, two.database_url
        await s.user_sends(USER, "/helpline")
        await s.wait_for(USER, timeout=60)
        await s.wait_for(STAFF_CHAT, timeout=60)
        took_after_kill = 0.0
        for n in range(rounds):
            if n == rounds // 2:
                while await pending_rows(database_url):  # noqa: ASYNC110 (another process)
                    await asyncio.sleep(0.05)
                children[0].proc.kill()  # SIGKILL
                children[0].proc.wait()
                killed_at = time.perf_counter()
            await s.user_sends(USER, f"person {n:03d}")
            [relayed] = await s.wait_for(lambda m, n=n: f"person {n:03d}" in (m.get("text") or ""),
                                         timeout=90)
            await asyncio.sleep(0.3)  # a person's reply takes longer than the relay map's write
            await s.user_sends(STAFF_MEMBER, f"staff {n:03d}", chat_id=STAFF_CHAT,
                               reply_to_message_id=relayed["message_id"])
            await s.wait_for(lambda m, n=n: f"staff {n:03d}" in (m.get("text") or ""), timeout=90)
            if n == rounds // 2:
                took_after_kill = time.perf_counter() - killed_at
        await s.wait_updates_confirmed(timeout=60)
        to_staff = "\n".join(m.get("text") or "" for m in s.sent(STAFF_CHAT))
        to_user = "\n".join(m.get("text") or "" for m in s.sent(USER))
        counts = [to_staff.count(f"person {n:03d}") for n in range(rounds)]
        counts += [to_user.count(f"staff {n:03d}") for n in range(rounds)]
        order_staff = [to_staff.find(f"person {n:03d}") for n in range(rounds)]
        order_user = [to_user.find(f"staff {n:03d}") for n in range(rounds)]
        out_of_order = sum(a > b for order in (order_staff, order_user)
                           for a, b in itertools.pairwise(order))
        return {"messages": 2 * rounds, "lost": counts.count(0),
                "duplicated": sum(c - 1 for c in counts if c > 1), "out_of_order": out_of_order,
                "502s": sum(1 for _, st in balancer.log if st == 502),
                "by_instance": [sum(1 for i, st in balancer.log if i == k and st == 200)
                                for k in (0, 1)],
                "round_after_kill_s": took_after_kill}


async def duplicate_run(admin_url: str, workdir: Path, people: int = 20) -> tuple[int, int]:
    async with pair(admin_url, workdir, "0", record_calls=True) as two:
        s, urls, database_url = two.standin, two.urls, two.database_url
        await s.user_sends(USER - 1, "/start")
        await s.wait_for(USER - 1, timeout=60)
        s.pause_webhook()
        for n in range(people):
            await s.user_sends(USER + 1 + n, "/helpline")
        updates = s.pending_updates[-people:]
        await asyncio.gather(*(s.post_update(u, url=url + "/telegram")
                               for u in updates for url in urls))
        s.resume_webhook()
        await s.wait_updates_confirmed(timeout=60)
        for n in range(people):
            await s.wait_for(USER + 1 + n, timeout=60)
        await asyncio.sleep(2)  # anything sent twice would arrive by now
        found: list[int] = []

        async def count(conn) -> None:
            found.append(await conn.fetchval("SELECT COUNT(*) FROM tickets"))

        await asyncio.to_thread(_on_server, database_url, count)
        headers = sum(1 for m in s.sent(STAFF_CHAT) if "🆘" in (m.get("text") or ""))
        return found[0], headers


async def ceiling_run(admin_url: str, users: int, workdir: Path) -> dict[str, object]:
    questions, licences, names = build_messages()
    pool = [m for trio in zip(questions, licences, names, strict=False) for m in trio]
    async with pair(admin_url, workdir, "30", flood_limit=FLOOD_LIMIT, flood_mode="window") as two:
        s = two.standin
        await s.user_sends(FIRST_BURST_USER - 1, "/start")
        await s.wait_count(FIRST_BURST_USER - 1, 1, 60)
        await asyncio.sleep(1.5)
        s.too_many_requests = 0
        sent: dict[int, float] = {}
        for i in range(users):
            sent[FIRST_BURST_USER + i] = time.perf_counter()
            await s.user_sends(FIRST_BURST_USER + i, pool[i % len(pool)].text,
                               language_code=pool[i % len(pool)].language_code)
        outcomes = await asyncio.gather(*(s.wait_count(uid, 1, 120) for uid in sent),
                                        return_exceptions=True)
        latencies = [t - sent[u] for u, t in zip(sent, outcomes, strict=True) if isinstance(t, float)]
        await asyncio.sleep(1.0)
        times = sorted(t for uid in sent for t in s.arrivals.get(uid, []))
        rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
        return {"answered": len(latencies), "replies": len(times), "rate": rate,
                "busiest": busiest_second(times), "429": s.too_many_requests,
                "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    admin_url = os.environ.get("RAHNUMA_TEST_DATABASE_URL", "").strip()
    if not admin_url:
        print("RAHNUMA_TEST_DATABASE_URL is not set (scripts/test-postgres.sh start)", file=sys.stderr)
        return 2
    load_before = wait_for_quiet_machine()
    with tempfile.TemporaryDirectory(prefix="rahnuma-instances-") as tmp:
        for part in ("kill", "dup", "ceiling"):
            (Path(tmp) / part).mkdir()
        kill = asyncio.run(kill_run(admin_url, args.rounds, Path(tmp) / "kill"))
        tickets, headers = asyncio.run(duplicate_run(admin_url, Path(tmp) / "dup"))
        ceiling = asyncio.run(ceiling_run(admin_url, args.users, Path(tmp) / "ceiling"))
    ok_kill = kill["lost"] == kill["duplicated"] == kill["out_of_order"] == 0
    ok_dup = tickets == headers == 20
    ok_ceiling = (ceiling["rate"] >= GOAL_RATE and ceiling["429"] == 0 and ceiling["answered"] == args.users)
    body = "\n".join([
        *machine_lines(),
        f"- Load average before / after: {load_before} / {load_text()}",
        "- Two `python -m bot serve` processes on one PostgreSQL 15 database behind a round-robin "
        "HTTP balancer (tests/round_robin.py, 502 for an instance that does not answer; the stand-in "
        "sends the update again, as Telegram does).",
        "",
        f"**kill -9 mid-chat**: {kill['messages']} messages (a person's, relayed to staff, and a "
        f"staff reply back, {args.rounds} times), instance 0 killed half-way between deliveries.",
        "",
        table(["messages", "lost", "duplicated", "out of order", "updates taken by instance 0 / 1",
               "502s after the kill", "round after the kill s"],
              [[kill["messages"], kill["lost"], kill["duplicated"], kill["out_of_order"],
                " / ".join(str(n) for n in kill["by_instance"]), kill["502s"],
                f"{kill['round_after_kill_s']:.2f}"]]),
        "",
        f"**The same update to both at once**: 20 people ask for the helpline, each update posted to "
        f"both instances at the same moment: {tickets} tickets, {headers} ticket headers in the staff "
        "group (goal 20 and 20).",
        "",
        f"**Telegram's ceiling across both**: {args.users} people at once through the balancer, "
        f"TELEGRAM_MAX_RATE=30 shared by both (a send slot in the database), flood limit {FLOOD_LIMIT}/s.",
        "",
        table(["answered", "replies", "replies/s (sustained)", "busiest second", "429s", "p50 s", "p99 s"],
              [[f"{ceiling['answered']}/{args.users}", ceiling["replies"], f"{ceiling['rate']:.1f}",
                ceiling["busiest"], ceiling["429"], f"{ceiling['p50']:.1f}", f"{ceiling['p99']:.1f}"]]),
        "",
        f"**kill -9: {kill['lost']} lost, {kill['duplicated']} duplicated, {kill['out_of_order']} out of "
        f"order ({'met' if ok_kill else 'NOT met'}); "
        f"same update twice: {'one effect' if ok_dup else 'NOT once'}; "
        f"ceiling {ceiling['rate']:.1f} replies/s with {ceiling['429']} × 429 "
        f"({'met' if ok_ceiling else 'NOT met'}).**",
    ])
    print("\n## Two instances on PostgreSQL\n\n" + body)
    if not args.no_write:
        write_section("Two instances on PostgreSQL", body, RESULTS, TITLE)
    return 0 if ok_kill and ok_dup and ok_ceiling else 1


if __name__ == "__main__":
    raise SystemExit(main())
