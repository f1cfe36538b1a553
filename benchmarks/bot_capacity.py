"""Capacity: replies per second of the full Rahnuma bot vs a bare PTB echo bot, same run.

Usage: .venv/bin/python benchmarks/bot_capacity.py [--users 600] [--rounds 3] [--profile FILE]
       [--no-write]

Each bot runs in its own process (``python -m bot`` with a temporary DATA_DIR, the real
content and agency list and a helpline staff chat; ``benchmarks/echo_bot.py`` with PTB's
defaults: httpx, updates handled one at a time), both with ``TELEGRAM_MAX_RATE=0``, each
against its own Bot API stand-in living in this process together with the load generator.
So the bot under test has a core to itself while the stand-in and the users use the other.
The table also gives each side's CPU use, to show which one limits the rate.

Every user sends, one after the other and waiting for the whole answer each time, a
question (English, Urdu or Roman Urdu), a licence number and an agency name. Throughput is
messages answered / wall time from the first send to the last reply; latency is time to
the first reply of each message. Rounds alternate echo, full, echo, full ... Writes the
"Capacity" section of benchmarks/results/bot.md. The ratio and the CPU per message are
figures, not a goal: Telegram caps a bot at about 30 messages a second (bot_ceiling.py).
"""

from __future__ import annotations

import argparse
import asyncio
import pstats
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _botbench import (
    STAFF_CHAT,
    ChildBot,
    MeasuringStandin,
    Message,
    build_messages,
    echo_bot,
    echo_bot_env,
    full_bot,
    full_bot_env,
    load_text,
    machine_lines,
    percentile,
    table,
    wait_for_quiet_machine,
    write_section,
)

FIRST_USER = 100_000
CALIBRATION_USER = 50_000

def scripts_for(users: int, messages: tuple[list[Message], list[Message], list[Message]]
                ) -> list[list[Message]]:
    """User i: a question, a licence number, a name (rotating through the pools)."""
    questions, licences, names = messages
    return [[questions[i % len(questions)], licences[(i * 7) % len(licences)],
             names[(i * 11) % len(names)]] for i in range(users)]


@dataclass
class RoundResult:
    bot: str
    users: int
    round: int = 1
    messages: int = 0
    replies: int = 0
    wall: float = 0.0
    cpu: float = float("nan")
    harness_cpu: float = float("nan")  # this process: the stand-in and the users
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def answered_per_s(self) -> float:
        return self.messages / self.wall if self.wall else 0.0

    @property
    def replies_per_s(self) -> float:
        return self.replies / self.wall if self.wall else 0.0


async def calibrate(standin: MeasuringStandin, distinct: list[Message], seconds: float,
                    quiet: float = 0.6) -> dict[Message, int]:
    """How many bot messages each distinct message gets (one fresh user per message)."""
    users = {m: CALIBRATION_USER + i for i, m in enumerate(distinct)}
    for message, uid in users.items():
        await standin.user_sends(uid, message.text, language_code=message.language_code)
    await asyncio.gather(*(standin.wait_count(uid, 1, seconds) for uid in users.values()))
    last = -1
    while last != sum(standin.delivered.values()):
        last = sum(standin.delivered.values())
        await asyncio.sleep(quiet)
    return {m: standin.delivered[uid] for m, uid in users.items()}


async def run_users(standin: MeasuringStandin, scripts: list[list[Message]],
                    expected: dict[Message, int], result: RoundResult, seconds: float) -> None:
    """Every user runs its script closed-loop; fills ``result``."""
    deadline = time.perf_counter() + seconds

    async def user(uid: int, script: list[Message]) -> None:
        total = 0
        for message in script:
            sent = time.perf_counter()
            await standin.user_sends(uid, message.text, language_code=message.language_code)
            first = await standin.wait_count(uid, total + 1, deadline - time.perf_counter())
            result.latencies.append(first - sent)
            total += expected[message]
            await standin.wait_count(uid, total, deadline - time.perf_counter())

    start = time.perf_counter()
    outcomes = await asyncio.gather(*(user(FIRST_USER + i, s) for i, s in enumerate(scripts)),
                                    return_exceptions=True)
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    if failed:
        result.errors.append(f"{len(failed)} users did not finish ({type(failed[0]).__name__})")
    user_ids = range(FIRST_USER, FIRST_USER + len(scripts))
    last = max((t for uid in user_ids for t in standin.arrivals.get(uid, [])), default=start)
    result.wall = last - start
    result.messages = len(result.latencies)
    result.replies = sum(standin.delivered[uid] for uid in user_ids)


async def one_round(kind: str, scripts: list[list[Message]], distinct: list[Message],
                    workdir: Path, seconds: float, profile: Path | None) -> RoundResult:
    """Start one bot against a fresh stand-in, calibrate, then run the users."""
    result = RoundResult(kind, len(scripts))
    async with MeasuringStandin() as standin:
        standin.add_staff_group()
        log = workdir / f"{kind}.log"
        child: ChildBot
        if kind == "full":
            data = Path(tempfile.mkdtemp(prefix="data-", dir=workdir))
            args = ("-m", "cProfile", "-o", str(profile)) if profile else ()
            child = full_bot(full_bot_env(standin, data), log, python_args=args)
        else:
            child = echo_bot(echo_bot_env(standin), log)
        child.start()
        try:
            expected = await calibrate(standin, distinct, seconds=30)
            bad = [m.text for m, n in expected.items() if n < 1]
            if bad or standin.delivered[STAFF_CHAT]:
                result.errors.append(f"calibration: {len(bad)} messages unanswered, "
                                     f"{standin.delivered[STAFF_CHAT]} to the staff chat")
            cpu_before, harness_before = child.cpu_seconds(), time.process_time()
            await run_users(standin, scripts, expected, result, seconds)
            result.cpu = child.cpu_seconds() - cpu_before
            result.harness_cpu = time.process_time() - harness_before
            result.errors += [] if child.alive() else ["bot process died"]
        except TimeoutError:
            result.errors.append("timed out")
        finally:
            await asyncio.to_thread(child.stop)
        if result.errors:
            print(f"--- {kind} bot log (tail) ---\n{child.log_tail()}", file=sys.stderr)
    return result


def summarize_profile(path: Path, limit: int = 25) -> str:
    """Top functions of the full bot's main thread by own time."""
    import io

    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3, help="rounds per bot (alternating)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per round at most")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="run the full bot under cProfile (first round), keep the stats in "
                        "FILE and print where the time goes")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    load_before = wait_for_quiet_machine()
    messages = build_messages()
    distinct = [m for pool in messages for m in pool]
    scripts = scripts_for(args.users, messages)
    results: list[RoundResult] = []
    with tempfile.TemporaryDirectory(prefix="rahnuma-capacity-") as tmp:
        workdir = Path(tmp)
        profile = args.profile.resolve() if args.profile else None
        for n in range(args.rounds):
            for kind in ("echo", "full"):
                r = asyncio.run(one_round(kind, scripts, distinct, workdir, args.timeout,
                                          profile if n == 0 else None))
                r.round = n + 1
                results.append(r)
                print(f"round {n + 1} {kind}: {r.messages} messages, {r.replies} replies in "
                      f"{r.wall:.2f}s = {r.answered_per_s:.0f} answered/s "
                      f"{' '.join(r.errors)}", flush=True)
        if profile is not None and profile.exists():
            print(summarize_profile(profile))
    load_after = load_text()

    rows = []
    for r in results:
        rows.append([r.round, r.bot, r.users, r.messages, r.replies, f"{r.wall:.2f}",
                     f"{r.answered_per_s:.0f}", f"{r.replies_per_s:.0f}",
                     f"{percentile(r.latencies, 50) * 1000:.0f}",
                     f"{percentile(r.latencies, 99) * 1000:.0f}",
                     f"{r.cpu / r.messages * 1000:.2f}" if r.messages else "n/a",
                     f"{r.cpu / r.wall * 100:.0f}" if r.wall else "n/a",
                     f"{r.harness_cpu / r.wall * 100:.0f}" if r.wall else "n/a",
                     "; ".join(r.errors) or "ok"])
    by = {k: [r for r in results if r.bot == k and not r.errors] for k in ("echo", "full")}
    ratio = ratio_replies = float("nan")
    if by["echo"] and by["full"]:
        ratio = (statistics.median(r.answered_per_s for r in by["full"])
                 / statistics.median(r.answered_per_s for r in by["echo"]))
        ratio_replies = (statistics.median(r.replies_per_s for r in by["full"])
                         / statistics.median(r.replies_per_s for r in by["echo"]))
    cpu = {k: statistics.median(r.cpu / r.messages * 1000 for r in v) if v else float("nan")
           for k, v in by.items()}
    body = "\n".join([
        *machine_lines(),
        f"- Load average before / after: {load_before} / {load_after} "
        "(2 cores shared with other work; rerun when high)",
        f"- Workload: {args.users} users, each sends a question (en / ur / Roman Urdu), a licence "
        "number and an agency name from the real list, waiting for each whole answer; all start "
        "at once. Both bots: own process, `TELEGRAM_MAX_RATE=0`, each on its own stand-in in the "
        "benchmark process. The echo bot: PTB's defaults (httpx, one update at a time). The full "
        "bot as shipped (PTB's httpx transport too; a durable SQLite transaction per update; the "
        "outbox recording each delivery; chats side by side, each chat in order).",
        "",
        table(["round", "bot", "users", "messages", "replies", "wall s", "answered/s", "replies/s",
               "p50 first reply ms", "p99 first reply ms", "bot CPU ms/message", "bot CPU %",
               "stand-in + users CPU %", "status"], rows),
        "",
        f"**CPU per message (median of rounds): full bot {cpu['full']:.2f} ms, bare PTB echo bot "
        f"{cpu['echo']:.2f} ms ({cpu['full'] / cpu['echo']:.1f}×).** Throughput full / echo: "
        f"{ratio:.2f} (by bot messages sent: {ratio_replies:.2f}); a figure, not a goal.",
    ])
    print("\n## Capacity\n\n" + body)
    if not args.no_write:
        write_section("Capacity", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
