"""Reliability figures for the README, from a script anyone can run:

    .venv/bin/python benchmarks/reliability.py            # everything (about 7 minutes)
    .venv/bin/python benchmarks/reliability.py --quick    # smaller runs
    .venv/bin/python benchmarks/reliability.py --only load,crash

Against the Bot API stand-in on 127.0.0.1 (nothing reaches Telegram), it measures:

- faults: 30% of Bot API calls fail (500 / 429 / dropped connection), or are slow, or are
  answered-then-dropped (``drop_after``): questions answered, helpline messages lost/duplicated;
- crash: a 200-message two-way helpline chat while `python -m bot` is killed with SIGKILL and
  restarted, (a) between deliveries and (b) at truly random moments;
- load: 1,000 users x 5 messages against `python -m bot`: replies lost, p50/p95/p99 time to
  reply, throughput, and the bot's RSS over time;
- bad input: the corpus in tests/reliability/test_bad_input.py, cases tried and survived.

Prints the numbers and writes benchmarks/results/reliability.md (with the machine).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for extra in (REPO, REPO / "benchmarks", REPO / "tests", REPO / "tests" / "e2e",
              REPO / "tests" / "reliability"):
    sys.path.insert(0, str(extra))

from _botbench import bench_database  # noqa: E402
from _machine import cpu_model  # noqa: E402
from harness import ADMIN_ID, STAFF_CHAT, STAFF_MEMBER, BotProcess, bot_env  # noqa: E402
from reliability_kit import (  # noqa: E402
    QUESTIONS,
    escalation_session,
    open_ticket,
    running_bot,
    stop_process,
    texts,
    title,
    two_way,
)
from standin import BotApiStandin, Faults  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "reliability.md"


# --- the machine ----------------------------------------------------------------------------------

def machine() -> dict[str, str]:
    cpu = cpu_model()
    import telegram

    return {"platform": platform.platform(), "cpu": cpu, "cores": str(os.cpu_count()),
            "python": platform.python_version(), "python-telegram-bot": telegram.__version__,
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


# --- faults ------------------------------------------------------------------------------------------

async def faults_run(work: Path, name: str, faults: Faults, users: int, messages: int, *,
                     from_start: bool = False, database_url: str | None = None) -> dict[str, Any]:
    """Questions from `users` people at once plus an n-each-way helpline chat, under `faults`
    (`from_start`: from the bot's first call on, getMe and getUpdates included), on SQLite or
    the PostgreSQL database at `database_url`."""
    tmp = work / f"faults-{name}"
    tmp.mkdir(parents=True)
    async with running_bot(tmp, faults=faults if from_start else None, database_url=database_url) as env:
        s = env.s
        header = await open_ticket(s, 1)
        s.faults = faults
        began = time.monotonic()
        questions = list(QUESTIONS.items())
        asked = {uid: questions[uid % len(questions)] for uid in range(1000, 1000 + users)}
        for uid, (question, _) in asked.items():
            await s.user_sends(uid, question)
        to_staff, to_user = await two_way(s, 1, header, messages, pace=0.01, timeout=180)
        answered = 0
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            answered = sum(title(topic) in "\n".join(texts(s.sent(uid)))
                           for uid, (_, topic) in asked.items())
            if answered == users:
                break
            await asyncio.sleep(0.2)
        seconds = time.monotonic() - began
        await asyncio.sleep(1.0)
        answer_copies = [sum(title(topic) in t for t in texts(s.sent(uid)))
                         for uid, (_, topic) in asked.items()]
        injected = dict(s.faults_injected)
    return {
        "duplicated_answers": sum(max(0, n - 1) for n in answer_copies),
        "name": name, "users": users, "answered": answered, "messages": 2 * messages,
        "lost": len(to_staff.lost) + len(to_user.lost),
        "duplicated": to_staff.n_duplicates + to_user.n_duplicates,
        "in_order": to_staff.in_order and to_user.in_order, "faults": injected,
        "seconds": round(seconds, 1),
    }


async def bench_faults(work: Path, quick: bool) -> list[dict[str, Any]]:
    users, n = (20, 20) if quick else (100, 100)
    sends = {"sendMessage", "copyMessage"}
    runs = [
        ("500 + 429 + drop, 30% of every call from the first getMe on (getUpdates too)",
         Faults(error_rate=0.3, kinds={"500", "429", "drop"}, include_get_updates=True, seed=4)),
        ("500 + 429 + drop, 30%", Faults(error_rate=0.3, kinds={"500", "429", "drop"}, seed=1)),
        ("slow (0.5 s), 30%", Faults(error_rate=0.3, kinds={"slow"}, slow_seconds=0.5, seed=2)),
        ("drop_after (answer lost after delivery), 30% of sends",
         Faults(error_rate=0.3, kinds={"drop_after"}, methods=sends, seed=3)),
    ]
    results = []
    for name, faults in runs:
        result = await faults_run(work, re.sub(r"\W+", "-", name)[:20] + str(len(results)), faults, users,
                                  n, from_start=faults.include_get_updates)
        result["name"] = name
        print(f"faults [{name}]: {result['answered']}/{users} questions answered "
              f"({result['duplicated_answers']} answers duplicated); "
              f"{result['messages']} helpline messages: lost {result['lost']}, duplicated "
              f"{result['duplicated']}, in order {result['in_order']}; injected {result['faults']}")
        results.append(result)
    return results


# --- crash -------------------------------------------------------------------------------------------

async def crash_run(work: Path, name: str, messages: int, database_url: str | None = None,
                    **session: Any) -> dict[str, Any]:
    tmp = work / f"crash-{name}"
    tmp.mkdir(parents=True)
    s = BotApiStandin()
    await s.start()
    s.create_group("Helpline staff", members=[ADMIN_ID, STAFF_MEMBER], chat_id=STAFF_CHAT)
    processes: list[BotProcess] = []

    def new_bot() -> BotProcess:
        database = {"DATABASE_URL": database_url} if database_url else {}
        process = BotProcess(bot_env(s, tmp / "data", **database), tmp / "bot.log")
        processes.append(process)
        return process

    try:
        report = await escalation_session(s, new_bot, messages=messages, user_id=42,
                                          settle_timeout=180, **session)
    finally:
        for process in processes:
            await stop_process(process)
        await s.stop()
    log = (tmp / "bot.log").read_text(errors="replace")
    return {"name": name, "messages": messages, "kills": report.kills, "lost": report.lost,
            "duplicated": report.duplicated, "in_order": report.in_order,
            "redelivered_updates_skipped": log.count("already handled; skipped"),
            "seconds": round(report.seconds, 1)}


async def bench_crash(work: Path, quick: bool) -> list[dict[str, Any]]:
    n = 60 if quick else 200
    runs = [
        await crash_run(work, "between-deliveries", n,
                        quiet_kills_at=range(n // 10, n - 3, n // 10), down_for=3, seed=1),
        await crash_run(work, "random", n, random_kills=(0.3, 1.5), pace=0.1, seed=2),
    ]
    for r in runs:
        print(f"crash [{r['name']}]: {r['messages']} messages, {r['kills']} x kill -9: lost {r['lost']}, "
              f"duplicated {r['duplicated']}, in order {r['in_order']}, redelivered updates "
              f"skipped {r['redelivered_updates_skipped']} ({r['seconds']} s)")
    return runs


# --- load ---------------------------------------------------------------------------------------------

class TimedStandin(BotApiStandin):
    """The stand-in, noting when each bot message reaches each chat."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(record_calls=False, **kwargs)
        self.arrivals: defaultdict[int, list[float]] = defaultdict(list)
        self.signals: dict[int, asyncio.Event] = {}

    def _deliver(self, chat: dict, content: dict, params: dict) -> dict:
        message = super()._deliver(chat, content, params)
        self.arrivals[chat["id"]].append(time.monotonic())
        signal = self.signals.get(chat["id"])
        if signal is not None:
            signal.set()
        return message


LOAD_TEXTS = [*QUESTIONS, "hello", "thank you", "visit visa job", "5699/RWP", "0341-0040031"]


async def bench_load(work: Path, quick: bool) -> dict[str, Any]:
    users, per_user = (200, 5) if quick else (1000, 5)
    tmp = work / "load"
    tmp.mkdir(parents=True)
    s = TimedStandin()
    await s.start()
    s.create_group("Helpline staff", members=[ADMIN_ID, STAFF_MEMBER], chat_id=STAFF_CHAT)
    bot = BotProcess(bot_env(s, tmp / "data", **bench_database()), tmp / "bot.log")
    bot.start()
    assert bot.proc is not None
    pid = bot.proc.pid
    rng = random.Random(5)
    arrival = 5 if quick else 20
    try:
        # How many messages answer each text, for a newcomer (so a late part is not taken
        # for the answer to the next message).
        expected: dict[str, int] = {}
        for i, text in enumerate(LOAD_TEXTS):
            probe = 900_000 + i
            s.signals[probe] = asyncio.Event()
            await s.user_sends(probe, text)
            await asyncio.wait_for(s.signals[probe].wait(), 60)
            await asyncio.sleep(0.7)
            expected[text] = len(s.arrivals[probe])
        texts_used = [t for t, n in expected.items() if n == 1]
        await asyncio.sleep(1.0)
        baseline_rss = rss_kib(pid) or 0

        latencies: list[float] = []
        lost = 0
        answered = 0
        samples: list[tuple[float, int, int]] = []  # (seconds, answered, rss KiB)
        began = time.monotonic()

        async def person(uid: int) -> None:
            nonlocal lost, answered
            signal = s.signals[uid] = asyncio.Event()
            await asyncio.sleep(rng.uniform(0, arrival))
            for _ in range(per_user):
                before = len(s.arrivals[uid])
                signal.clear()
                sent_at = time.monotonic()
                await s.user_sends(uid, rng.choice(texts_used))
                deadline = sent_at + 120
                while len(s.arrivals[uid]) <= before and time.monotonic() < deadline:
                    signal.clear()
                    try:
                        await asyncio.wait_for(signal.wait(), max(0.01, deadline - time.monotonic()))
                    except TimeoutError:
                        break
                if len(s.arrivals[uid]) <= before:
                    lost += 1
                    continue
                latencies.append(s.arrivals[uid][before] - sent_at)
                answered += 1
                await asyncio.sleep(rng.uniform(0.5, 2.0))  # reading, typing

        async def sampler() -> None:
            while True:
                samples.append((time.monotonic() - began, answered, rss_kib(pid) or 0))
                await asyncio.sleep(0.5)

        sampling = asyncio.create_task(sampler())
        await asyncio.gather(*(person(10_000 + i) for i in range(users)))
        seconds = time.monotonic() - began
        await asyncio.sleep(3.0)
        samples.append((time.monotonic() - began, answered, rss_kib(pid) or 0))
        round_one, answered_one, lost_one = list(latencies), answered, lost
        total_received = sum(len(s.arrivals[10_000 + i]) for i in range(users))
        # The same people again: memory that grows per person levels off, a leak would not.
        await asyncio.gather(*(person(10_000 + i) for i in range(users)))
        await asyncio.sleep(3.0)
        rss_round_two = rss_kib(pid) or 0
        lost_round_two = lost - lost_one
        sampling.cancel()
    finally:
        await stop_process(bot)
        await s.stop()
    latencies[:] = round_one
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    sent = users * per_user
    answered, lost = answered_one, lost_one
    by_progress = []
    for share in (0.1, 0.25, 0.5, 0.75, 1.0):
        point = next((x for x in samples if x[1] >= share * sent), samples[-1])
        by_progress.append((share, point[2]))
    rss_after = next(x[2] for x in reversed(samples) if x[1] <= sent)
    quarter = by_progress[1][1]
    result = {
        "users": users, "per_user": per_user, "sent": sent, "answered": answered, "lost": lost,
        "extra_messages": total_received - answered, "seconds": round(seconds, 1),
        "throughput": round(sent / seconds, 1),
        "p50": round(pct(50), 3), "p95": round(pct(95), 3), "p99": round(pct(99), 3),
        "max": round(latencies[-1], 3) if latencies else None,
        "mean": round(statistics.fmean(latencies), 3) if latencies else None,
        "rss_start_mib": round(baseline_rss / 1024, 1), "rss_end_mib": round(rss_after / 1024, 1),
        "rss_peak_mib": round(max(x[2] for x in samples) / 1024, 1),
        "rss_by_progress": [(int(share * 100), round(kib / 1024, 1)) for share, kib in by_progress],
        "growth_25_to_100_pct": round(100 * (rss_after - quarter) / quarter, 1) if quarter else None,
        "texts": texts_used, "arrival_seconds": arrival,
        "rss_round_two_mib": round(rss_round_two / 1024, 1), "lost_round_two": lost_round_two,
    }
    print(f"load: {users} users x {per_user} = {sent} messages in {result['seconds']} s "
          f"({result['throughput']}/s): answered {answered}, lost {lost}, extra replies "
          f"{result['extra_messages']}; time to reply p50 "
          f"{result['p50']} s, p95 {result['p95']} s, p99 {result['p99']} s, max {result['max']} s; "
          f"RSS {result['rss_start_mib']} -> {result['rss_end_mib']} MiB (peak {result['rss_peak_mib']}), "
          f"by progress {result['rss_by_progress']}; the same people again: lost {lost_round_two}, "
          f"RSS {result['rss_round_two_mib']} MiB")
    return result


# --- bad input -----------------------------------------------------------------------------------

def bench_bad_input() -> dict[str, Any]:
    """Run the corpus (tests/reliability/test_bad_input.py) and count the cases."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/reliability/test_bad_input.py", "-q", "-p", "no:warnings",
         "-p", "no:cacheprovider"], cwd=REPO, capture_output=True, text=True, timeout=600)
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|error|xfailed|skipped)", out.stdout)}
    cases = re.findall(r"::test_(?:bad_input\[(.+?)\]|(\w+))$", subprocess.run(
        [sys.executable, "-m", "pytest", "tests/reliability/test_bad_input.py", "--collect-only", "-q",
         "-p", "no:cacheprovider"], cwd=REPO, capture_output=True, text=True, timeout=120).stdout,
        flags=re.MULTILINE)
    names = [case or test.replace("_", " ") for case, test in cases]
    result = {"tried": sum(counts.values()), "survived": counts.get("passed", 0), "counts": counts,
              "cases": names}
    print(f"bad input: {result['tried']} cases tried, {result['survived']} survived ({counts})")
    return result


# --- the report ----------------------------------------------------------------------------------

def report(results: dict[str, Any], quick: bool) -> str:
    m = results["machine"]
    lines = [
        "# Reliability figures",
        "",
        f"Produced by `benchmarks/reliability.py{' --quick' if quick else ''}` on {m['date']}, "
        "against the Bot API stand-in on 127.0.0.1 (`TELEGRAM_MAX_RATE=0`: Telegram's own 30 "
        "messages/s limit is lifted, so load figures show the bot, not Telegram).",
        "",
        f"Machine: {m['platform']}; CPU {m['cpu']}, {m['cores']} cores; Python {m['python']}; "
        f"python-telegram-bot {m['python-telegram-bot']}. The cores were shared with other work.",
        "",
    ]
    if "faults" in results:
        lines += ["## Faults (30% of Bot API calls)", "",
                  "| fault | questions answered (duplicated) | helpline messages | lost | duplicated | "
                  "in order | faults injected |", "|---|---|---|---|---|---|---|"]
        for r in results["faults"]:
            lines.append(f"| {r['name']} | {r['answered']}/{r['users']} ({r['duplicated_answers']}) | "
                         f"{r['messages']} | {r['lost']} | {r['duplicated']} | {r['in_order']} | "
                         f"{r['faults']} |")
        lines += ["", "`drop_after` means Telegram delivered the message but the answer never reached "
                  "the bot. The bot cannot tell this from a failure, so it sends the message again: "
                  "each such lost answer gives one resend (Telegram has no idempotency key): a "
                  "duplicate of that message, or of each text in it when a waiting ticket's texts "
                  "were joined into one staff message. Nothing is lost.", ""]
    if "crash" in results:
        lines += ["## Crash: `kill -9` during a two-way helpline chat (`python -m bot`)", "",
                  "| kills placed | messages | kills | lost | duplicated | in order | "
                  "redelivered updates skipped | seconds |", "|---|---|---|---|---|---|---|---|"]
        for r in results["crash"]:
            lines.append(f"| {r['name']} | {r['messages']} | {r['kills']} | {r['lost']} | "
                         f"{r['duplicated']} | {r['in_order']} | {r['redelivered_updates_skipped']} | "
                         f"{r['seconds']} |")
        lines += ["", "A kill at a random moment can fall in the millisecond between Telegram "
                  "accepting a message and the bot recording it; that message is sent again after "
                  "the restart. The table counts those duplicates as they happened.", ""]
    if "load" in results:
        r = results["load"]
        lines += [f"## Load: {r['users']:,} users x {r['per_user']} messages (`python -m bot`)", "",
                  "Each person waits for the answer, then reads and types for 0.5-2 s; people arrive "
                  f"over the first {r['arrival_seconds']} s.", "",
                  "| messages | answered | lost | extra replies | time to reply p50 / p95 / p99 / max "
                  "| throughput | RSS start -> end (peak) |", "|---|---|---|---|---|---|---|",
                  f"| {r['sent']:,} | {r['answered']:,} | {r['lost']} | {r['extra_messages']} | "
                  f"{r['p50']} / {r['p95']} / {r['p99']} / {r['max']} s | {r['throughput']} msg/s | "
                  f"{r['rss_start_mib']} -> {r['rss_end_mib']} MiB ({r['rss_peak_mib']}) |", "",
                  "RSS of the bot process by share of messages answered: "
                  + ", ".join(f"{p}%: {mib} MiB" for p, mib in r["rss_by_progress"])
                  + f" (growth from 25% to the end: {r['growth_25_to_100_pct']}%). The same "
                  f"{r['users']:,} people then sent {r['per_user']} messages each again: "
                  f"{r['lost_round_two']} lost, RSS afterwards {r['rss_round_two_mib']} MiB.", ""]
    if "bad_input" in results:
        r = results["bad_input"]
        lines += ["## Bad input", "",
                  f"{r['tried']} cases tried, {r['survived']} survived (no crash, a clear reply where "
                  "one is due, nothing stored that should not be, the next message answered): "
                  + "; ".join(r["cases"]) + ".", ""]
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    only = set(args.only.split(",")) if args.only else {"faults", "crash", "load", "bad_input"}
    results: dict[str, Any] = {"machine": machine()}
    work = Path(tempfile.mkdtemp(prefix="rahnuma-reliability-"))
    try:
        if "faults" in only:
            results["faults"] = await bench_faults(work, args.quick)
        if "crash" in only:
            results["crash"] = await bench_crash(work, args.quick)
        if "load" in only:
            results["load"] = await bench_load(work, args.quick)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if "bad_input" in only:
        results["bad_input"] = bench_bad_input()
    return results


def main() -> None:
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # killed bots' half requests
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (about two minutes)")
    parser.add_argument("--only", help="comma-separated: faults,crash,load,bad_input")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"report file (default {RESULTS})")
    args = parser.parse_args()
    results = asyncio.run(run(args))
    text = report(results, args.quick)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}", flush=True)


if __name__ == "__main__":
    main()
