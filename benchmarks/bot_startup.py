"""Start-up: from ``python -m bot`` being started to the first reply to a /start.

Usage: .venv/bin/python benchmarks/bot_startup.py [--runs 5] [--no-write]

The /start is queued at the stand-in right after the process is started, so the time covers
the interpreter, imports, loading the content and the demonstration agency list, opening
(and migrating) the database, PTB's initialisation, the first getUpdates and the reply.
"Cold" runs start with an empty DATA_DIR; "restart" runs start again on the database the
cold run left. The phases (first getMe, first getUpdates) are when the stand-in first saw
those calls. Writes the "Start-up" section of benchmarks/results/bot.md. Goal: median < 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _botbench import (
    AGENCIES_FILE,
    MeasuringStandin,
    agencies,
    full_bot,
    full_bot_env,
    load_text,
    machine_lines,
    table,
    wait_for_quiet_machine,
    write_section,
)

GOAL = 2.0
USER = 300_000


@dataclass
class StartRun:
    kind: str
    get_me: float = float("nan")
    get_updates: float = float("nan")
    reply: float = float("nan")
    error: str = ""


async def one_start(kind: str, data_dir: Path, log: Path, seconds: float,
                    first_update_id: int) -> StartRun:
    """Start the bot, send /start at once, time the first reply."""
    run = StartRun(kind)
    async with MeasuringStandin() as standin:
        standin.add_staff_group()
        # A restarted bot skips update ids it has already handled; a real Telegram never
        # reuses them, a fresh stand-in would.
        standin._next_update_id = first_update_id
        child = full_bot(full_bot_env(standin, data_dir, TELEGRAM_MAX_RATE=None), log)
        started = child.start()
        try:
            await standin.user_sends(USER, "/start", language_code="ur")
            run.reply = await standin.wait_count(USER, 1, seconds) - started
            run.get_me = standin.first_call.get("getme", float("nan")) - started
            run.get_updates = standin.first_call.get("getupdates", float("nan")) - started
        except TimeoutError:
            run.error = f"no reply within {seconds:.0f}s"
            print(f"--- bot log (tail) ---\n{child.log_tail()}", file=sys.stderr)
        finally:
            await asyncio.to_thread(child.stop)
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per start at most")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    load_before = wait_for_quiet_machine()
    runs: list[StartRun] = []
    with tempfile.TemporaryDirectory(prefix="rahnuma-startup-") as tmp:
        for n in range(args.runs):
            data = Path(tmp) / f"data{n}"
            for kind in ("cold", "restart"):
                run = asyncio.run(one_start(kind, data, Path(tmp) / "bot.log", args.timeout,
                                            first_update_id=1 + len(runs) * 1000))
                runs.append(run)
                print(f"run {n + 1} {kind}: first reply after {run.reply:.2f}s {run.error}",
                      flush=True)
    load_after = load_text()

    def med(values: list[float]) -> str:
        good = [v for v in values if v == v]
        return f"{statistics.median(good):.2f}" if good else "n/a"

    rows = []
    for kind in ("cold", "restart"):
        mine = [r for r in runs if r.kind == kind]
        replies = [r.reply for r in mine]
        rows.append([kind, len(mine), med([r.get_me for r in mine]),
                     med([r.get_updates for r in mine]), med(replies),
                     f"{min(replies):.2f}", f"{max(replies):.2f}",
                     "; ".join(sorted({r.error for r in mine if r.error})) or "ok"])
    cold = [r.reply for r in runs if r.kind == "cold" and not r.error]
    median_cold = statistics.median(cold) if len(cold) == args.runs else float("inf")
    body = "\n".join([
        *machine_lines(),
        f"- Load average before / after: {load_before} / {load_after}",
        f"- `python -m bot` (TELEGRAM_MAX_RATE default) with the demonstration list "
        f"({AGENCIES_FILE.name}, {len(agencies())} rows) and the real content; a /start is queued "
        "the moment the process starts. Times in seconds from process start, median of "
        f"{args.runs} runs.",
        "",
        table(["start", "runs", "first getMe", "first getUpdates", "first reply (median)",
               "min", "max", "status"], rows),
        "",
        f"**Median time to the first reply, empty DATA_DIR: {median_cold:.2f} s "
        f"(goal < {GOAL:.0f} s: {'met' if median_cold < GOAL else 'NOT met'}).**",
    ])
    print("\n## Start-up\n\n" + body)
    if not args.no_write:
        write_section("Start-up", body)
    return 0 if median_cold < GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
