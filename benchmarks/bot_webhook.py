"""Webhook mode (`python -m bot serve`) against long polling, in the same run.

Usage: .venv/bin/python benchmarks/bot_webhook.py [--users 500] [--rate 28] [--seconds 15] [--no-write]

1. Telegram's ceiling through the webhook: the stand-in floods like Telegram (more than 30
   messages in any second answer 429) and POSTs each update to the bot's webhook; 500 users
   each send one message at the same moment (bot_ceiling.py's burst, for polling see
   benchmarks/results/bot.md). Goals: >= 28 replies/s, 0 x 429, 500/500 answered.
2. Time from a person's message to the first reply at a steady 28 new people per second, through
   the webhook (from the moment the stand-in POSTs the update) and through long polling (from
   the moment the update is queued for getUpdates): p50 / p99 / max.
3. /healthz: how long after the database goes away (the SQLite file moved away; with
   RAHNUMA_TEST_DATABASE_URL also a PostgreSQL server cut off) it answers 503, and 200 after it
   is back. Goal: 503 within 10 s.

Writes benchmarks/results/serve.md (the machine and the load included).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _botbench import (
    BENCH,
    MeasuringStandin,
    build_messages,
    full_bot,
    full_bot_env,
    load_text,
    machine_lines,
    percentile,
    serve_env,
    table,
    wait_for_quiet_machine,
    write_section,
)
from bot_ceiling import FLOOD_LIMIT, GOAL_RATE, burst

RESULTS = BENCH / "results" / "serve.md"
TITLE = ("# Webhook mode (`python -m bot serve`): measured results\n\nWritten by "
         "benchmarks/bot_webhook.py (each section replaced by its own run).\n")
FIRST_USER = 400_000
HEALTH_GOAL = 10.0


def write(name: str, body: str, args: argparse.Namespace) -> None:
    print(f"\n## {name}\n\n{body}")
    if not args.no_write:
        write_section(name, body, RESULTS, TITLE)


# ------------------------------------------------------------------------------ 1. ceiling

def ceiling(args: argparse.Namespace) -> bool:
    load_before = wait_for_quiet_machine()
    rows, found = [], {}
    for webhook in (True, False):
        with tempfile.TemporaryDirectory(prefix="rahnuma-webhook-ceiling-") as tmp:
            r = found[webhook] = asyncio.run(burst(args.users, 90.0, Path(tmp), webhook=webhook))
        rows.append(["webhook (`serve`)" if webhook else "long polling (`python -m bot`)",
                     f"{r.answered}/{args.users}", r.replies, f"{r.last - r.first:.1f}", f"{r.rate:.1f}",
                     r.busiest_second, r.too_many, f"{percentile(r.latencies, 50):.1f}",
                     f"{percentile(r.latencies, 99):.1f}", "; ".join(r.errors) or "ok"])
    r = found[True]
    ok = r.rate >= GOAL_RATE and r.too_many == 0 and r.answered == args.users and not r.errors
    write("Telegram's ceiling through the webhook", "\n".join([
        *machine_lines(),
        f"- Load average before / after: {load_before} / {load_text()}",
        f"- TELEGRAM_MAX_RATE unset (30/s), SQLite. The stand-in answers 429 above {FLOOD_LIMIT} "
        "messages per sliding second; for `serve` it POSTs each update to the webhook (up to 40 at "
        f"once, as Telegram), for polling it answers getUpdates. {args.users} users each send one "
        "message at the same moment. Webhook, then polling, in the same run.",
        "",
        table(["mode", "answered", "replies", "first→last reply s", "replies/s (sustained)",
               "busiest second", "429s", "p50 reply s", "p99 reply s", "status"], rows),
        "",
        f"**Webhook: sustained {r.rate:.1f} replies/s (goal ≥ {GOAL_RATE:.0f}), {r.too_many} × 429 (goal 0), "
        f"{r.answered}/{args.users} answered: goals {'met' if ok else 'NOT met'}. Long polling in the same "
        f"run: {found[False].rate:.1f} replies/s, {found[False].too_many} × 429.**",
    ]), args)
    return ok


# ------------------------------------------------------------------------------ 2. latency

async def paced(rate: float, seconds: float, workdir: Path, *, webhook: bool) -> tuple[list[float], int, str]:
    """New people at ``rate`` per second for ``seconds``; -> (seconds to first reply, 429s, errors)."""
    questions, licences, names = build_messages()
    pool = [m for trio in zip(questions, licences, names, strict=False) for m in trio]
    async with MeasuringStandin(flood_limit=FLOOD_LIMIT, flood_mode="window") as standin:
        standin.add_staff_group()
        make_env = serve_env if webhook else full_bot_env
        child = full_bot(make_env(standin, workdir / "data", TELEGRAM_MAX_RATE=None),
                         workdir / "bot.log", serve=webhook)
        child.start()
        error = ""
        try:
            await standin.user_sends(FIRST_USER - 1, "/start")
            await standin.wait_count(FIRST_USER - 1, 1, 60)
            await asyncio.sleep(1.5)  # the flood window empties
            standin.too_many_requests = 0
            sent: dict[int, float] = {}
            start = time.perf_counter()
            for i in range(int(rate * seconds)):
                due = start + i / rate
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                message = pool[i % len(pool)]
                sent[FIRST_USER + i] = time.perf_counter()
                await standin.user_sends(FIRST_USER + i, message.text, language_code=message.language_code)
            outcomes = await asyncio.gather(*(standin.wait_count(uid, 1, 60) for uid in sent),
                                            return_exceptions=True)
            latencies = [t - sent[uid] for uid, t in zip(sent, outcomes, strict=True) if isinstance(t, float)]
            if len(latencies) < len(sent):
                error = f"{len(sent) - len(latencies)} got no reply"
        except TimeoutError:
            latencies, error = [], "no answer to the warm-up message"
        finally:
            await asyncio.to_thread(child.stop)
        if error:
            print(f"--- bot log (tail) ---\n{child.log_tail()}", file=sys.stderr)
        return latencies, standin.too_many_requests, error


def latency(args: argparse.Namespace) -> bool:
    load_before = wait_for_quiet_machine()
    rows, p99 = [], {}
    for webhook in (True, False):
        with tempfile.TemporaryDirectory(prefix="rahnuma-webhook-latency-") as tmp:
            found, too_many, error = asyncio.run(paced(args.rate, args.seconds, Path(tmp), webhook=webhook))
        mode = "webhook (`serve`)" if webhook else "long polling (`python -m bot`)"
        p99[webhook] = percentile(found, 99)
        rows.append([mode, f"{len(found)}/{int(args.rate * args.seconds)}",
                     f"{percentile(found, 50) * 1000:.0f}", f"{percentile(found, 99) * 1000:.0f}",
                     f"{max(found, default=float('nan')) * 1000:.0f}", too_many, error or "ok"])
    write(f"Time to the first reply at {args.rate:g} new people per second", "\n".join([
        *machine_lines(),
        f"- Load average before / after: {load_before} / {load_text()}",
        f"- {args.rate:g} new people per second for {args.seconds:g} s, each sending one question, "
        "licence number or agency name; the time from the message (webhook: the stand-in starts its "
        "POST; polling: the update is queued for getUpdates) to the bot's first reply arriving. "
        f"TELEGRAM_MAX_RATE unset (30/s), the stand-in answers 429 above {FLOOD_LIMIT}/s. Same run, same "
        "machine, one after the other.",
        "",
        table(["mode", "answered", "p50 ms", "p99 ms", "max ms", "429s", "status"], rows),
        "",
        f"**p99 {p99[True] * 1000:.0f} ms through the webhook, {p99[False] * 1000:.0f} ms with long "
        "polling.**",
    ]), args)
    return all(row[-1] == "ok" for row in rows)


# ------------------------------------------------------------------------------ 3. /healthz

async def time_to(url: str, status: int, within: float = 30) -> float:
    start = time.perf_counter()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        while time.perf_counter() - start < within:
            try:
                async with session.get(url) as r:
                    if r.status == status:
                        return time.perf_counter() - start
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    return float("inf")


async def health_run(workdir: Path, pg_url: str | None) -> tuple[float, float]:
    """-> (seconds to 503 after the database went away, seconds to 200 after it came back)."""
    async with MeasuringStandin() as standin:
        proxy = None
        extra: dict[str, str | None] = {}
        if pg_url:
            from tcp_proxy import TcpProxy

            proxy = TcpProxy.to(pg_url)
            await proxy.start()
            extra["DATABASE_URL"] = proxy.url_for(pg_url)
        env = serve_env(standin, workdir / "data", **extra)
        url = f"http://127.0.0.1:{env['PORT']}/healthz"
        child = full_bot(env, workdir / "bot.log", serve=True)
        child.start()
        try:
            if await time_to(url, 200, 60) == float("inf"):
                print(child.log_tail(), file=sys.stderr)
                return float("inf"), float("inf")
            database = workdir / "data" / "rahnuma.sqlite3"
            away = database.with_name("away.sqlite3")
            if proxy is not None:
                gone = proxy.cut
                back = proxy.start
            else:
                async def gone() -> None:
                    database.rename(away)

                async def back() -> None:
                    away.rename(database)
            await gone()
            down = await time_to(url, 503)
            await back()
            up = await time_to(url, 200)
            return down, up
        finally:
            await asyncio.to_thread(child.stop)
            if proxy is not None:
                await proxy.cut()


def health(args: argparse.Namespace) -> bool:
    load_before = load_text()
    rows, ok = [], True
    pg_admin = os.environ.get("RAHNUMA_TEST_DATABASE_URL", "").strip()
    for name in ("SQLite", "PostgreSQL") if pg_admin else ("SQLite",):
        with tempfile.TemporaryDirectory(prefix="rahnuma-healthz-") as tmp:
            down, up = asyncio.run(health_run(Path(tmp), pg_admin if name == "PostgreSQL" else None))
        how = "the file moved away, then back" if name == "SQLite" else \
            "every connection to the server cut and new ones refused (a TCP proxy), then allowed again"
        ok &= down < HEALTH_GOAL
        rows.append([name, how, f"{down:.2f}", f"{up:.2f}"])
    write("/healthz: time to 503 and back", "\n".join([
        *machine_lines(),
        f"- Load average before / after: {load_before} / {load_text()}",
        "- `python -m bot serve`; /healthz asked every 50 ms; the database asked on each request "
        "(3 s timeout)." + ("" if pg_admin else " PostgreSQL not measured: RAHNUMA_TEST_DATABASE_URL unset."),
        "",
        table(["database", "goes away how", "s to 503", "s to 200 when back"], rows),
        "",
        f"**503 within {max(float(r[2]) for r in rows):.2f} s (goal < {HEALTH_GOAL:.0f} s): "
        f"goal {'met' if ok else 'NOT met'}.**",
    ]), args)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--rate", type=float, default=28.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--only", choices=["ceiling", "latency", "health"], action="append")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    parts = {"ceiling": ceiling, "latency": latency, "health": health}
    results = [parts[name](args) for name in (args.only or parts)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
