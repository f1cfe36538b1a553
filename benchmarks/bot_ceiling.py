"""Telegram's ceiling: a burst from 500 users against a stand-in that floods like Telegram.

Usage: .venv/bin/python benchmarks/bot_ceiling.py [--users 500] [--no-write]

The full bot (``python -m bot``, TELEGRAM_MAX_RATE unset, i.e. the default of 30 messages per
second) polls a stand-in with ``flood_limit=30`` in sliding-window mode: more than 30 messages
in any second answer 429 Too Many Requests, as Telegram does. After one warm-up message, 500
users each send one message (a question, licence number or agency name) at the same moment.
Measured: sustained replies per second (from the first to the last reply), the busiest
second, 429s received, and whether all 500 got their reply. Writes the "Telegram's ceiling"
section of benchmarks/results/bot.md. Goals: >= 28 replies/s, no 429, 500/500 answered.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _botbench import (
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

GOAL_RATE = 28.0
FLOOD_LIMIT = 30
FIRST_USER = 200_000
WARM_UP_USER = 199_999


@dataclass
class Burst:
    users: int
    answered: int = 0
    replies: int = 0
    too_many: int = 0
    first: float = 0.0
    last: float = 0.0
    busiest_second: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        span = self.last - self.first
        return (self.replies - 1) / span if span > 0 else 0.0


def busiest_second(times: list[float]) -> int:
    """The most messages in any 1-second window."""
    ordered = sorted(times)
    return max((bisect_right(ordered, t + 1.0 - 1e-9) - i for i, t in enumerate(ordered)),
               default=0)


async def burst(users: int, seconds: float, workdir: Path, database_url: str | None = None, *,
                webhook: bool = False) -> Burst:
    """Start the bot (long polling, or with ``webhook`` ``python -m bot serve``, updates POSTed
    to it by the stand-in; on SQLite, or PostgreSQL at ``database_url``), warm it up, fire the
    burst, wait for every reply."""
    result = Burst(users)
    questions, licences, names = build_messages()
    pool = [m for trio in zip(questions, licences, names, strict=False) for m in trio]
    async with MeasuringStandin(flood_limit=FLOOD_LIMIT, flood_mode="window") as standin:
        standin.add_staff_group()
        make_env = serve_env if webhook else full_bot_env
        env = make_env(standin, workdir / "data", TELEGRAM_MAX_RATE=None, DATABASE_URL=database_url)
        child = full_bot(env, workdir / "bot.log", serve=webhook)
        child.start()
        try:
            await standin.user_sends(WARM_UP_USER, "/start")
            await standin.wait_count(WARM_UP_USER, 1, 30)
            await asyncio.sleep(1.5)  # let the flood window empty
            standin.too_many_requests = 0
            sent: dict[int, float] = {}
            for i in range(users):
                message = pool[i % len(pool)]
                sent[FIRST_USER + i] = time.perf_counter()
                await standin.user_sends(FIRST_USER + i, message.text,
                                         language_code=message.language_code)
            deadline = time.perf_counter() + seconds
            outcomes = await asyncio.gather(
                *(standin.wait_count(uid, 1, deadline - time.perf_counter()) for uid in sent),
                return_exceptions=True)
            result.latencies = [t - sent[uid] for uid, t in zip(sent, outcomes, strict=True)
                                if isinstance(t, float)]
            result.answered = len(result.latencies)
            if result.answered < users:
                result.errors.append(f"{users - result.answered} users got no reply")
            await asyncio.sleep(1.0)  # later parts of multi-message answers
            times = [t for uid in sent for t in standin.arrivals.get(uid, [])]
            result.replies = len(times)
            if times:
                result.first, result.last = min(times), max(times)
            result.busiest_second = busiest_second(times)
            result.too_many = standin.too_many_requests
            if not child.alive():
                result.errors.append("bot process died")
        except TimeoutError:
            result.errors.append("the bot did not answer the warm-up message")
        finally:
            await asyncio.to_thread(child.stop)
        if result.errors:
            print(f"--- bot log (tail) ---\n{child.log_tail()}", file=sys.stderr)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds for the burst at most")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    load_before = wait_for_quiet_machine()
    with tempfile.TemporaryDirectory(prefix="rahnuma-ceiling-") as tmp:
        r = asyncio.run(burst(args.users, args.timeout, Path(tmp)))
    load_after = load_text()
    ok = (r.rate >= GOAL_RATE and r.too_many == 0 and r.answered == args.users
          and not r.errors)
    rows = [[args.users, f"{r.answered}/{args.users}", r.replies, f"{r.last - r.first:.1f}",
             f"{r.rate:.1f}", r.busiest_second, r.too_many,
             f"{percentile(r.latencies, 50):.1f}", f"{percentile(r.latencies, 99):.1f}",
             "; ".join(r.errors) or "ok"]]
    body = "\n".join([
        *machine_lines(),
        f"- Load average before / after: {load_before} / {load_after}",
        f"- Full bot (`python -m bot`, TELEGRAM_MAX_RATE unset = 30/s, AIORateLimiter) against a "
        f"stand-in with flood_limit={FLOOD_LIMIT} per sliding second (429 above it). "
        f"{args.users} users each send one message at the same moment.",
        "",
        table(["users", "answered", "replies", "first→last reply s", "replies/s (sustained)",
               "busiest second", "429s", "p50 reply s", "p99 reply s", "status"], rows),
        "",
        f"**Sustained {r.rate:.1f} replies/s (goal ≥ {GOAL_RATE:.0f}), {r.too_many} × 429 "
        f"(goal 0), {r.answered}/{args.users} answered: goals {'met' if ok else 'NOT met'}.**",
    ])
    print("\n## Telegram's ceiling\n\n" + body)
    if not args.no_write:
        write_section("Telegram's ceiling", body)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
