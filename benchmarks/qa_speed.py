"""Questions answered per second on one core (language detection + matching + Answer).

Usage: .venv/bin/python benchmarks/qa_speed.py [--content DIR] [--seconds 5] [--no-write]
Pins itself to one CPU where the OS allows it. Writes the "Speed" section of
benchmarks/results/qa.md. Goal: at least 2,000 questions per second.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import cpu_model  # noqa: E402
from _rate import per_cpu_second  # noqa: E402
from qa_accuracy import load_items, write_section  # noqa: E402

from bot.core.content.answering import Answerer  # noqa: E402
from bot.core.content.loader import load_content  # noqa: E402

GOAL = 2000


def pin_one_core() -> str:
    """Restrict this process to one CPU; describe what was done."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity); single-threaded anyway"


def measure(answerer: Answerer, questions: list[str], seconds: float) -> float:
    """Ask the questions round-robin for about `seconds` of this process's CPU time (the
    machine is shared: wall-clock time would measure the neighbours); -> questions per second."""
    return per_cpu_second(lambda q: answerer.ask(q).to_json(), questions, seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    pinned = pin_one_core()
    t0 = time.process_time()
    tree, _ = load_content(Path(args.content))
    if tree is None:
        print("content has errors; run `python -m bot content check`", file=sys.stderr)
        return 1
    t1 = time.process_time()
    answerer = Answerer(tree)
    t2 = time.process_time()
    questions = [item.question for item in load_items()]
    measure(answerer, questions, 0.5)  # warm-up
    qps = measure(answerer, questions, args.seconds)
    mark = "✅" if qps >= GOAL else "❌"
    docs = sum(len(t.questions) + 2 for by_id in tree.topics.values() for t in by_id.values())
    text = "\n".join([
        f"Measured {date.today().isoformat()}: **{qps:,.0f} questions per second** on one core "
        f"{mark} (goal ≥ {GOAL:,}), per second of CPU time over {args.seconds:g} s; the "
        f"{len(questions)} questions of the labelled set asked round-robin, each through "
        "`Answerer.ask()` (language detection, matching, answer) and `to_json()`.",
        "",
        f"- Machine: {platform.platform()}; CPU: {cpu_model()}; {os.cpu_count()} logical "
        f"cores, {pinned}.",
        f"- Python: {platform.python_implementation()} {platform.python_version()}.",
        f"- Index: {docs} documents; loading the content took {t1 - t0:.2f} s of CPU and building "
        f"the index {t2 - t1:.3f} s.",
    ])
    print(text)
    if not args.no_write:
        write_section("Speed", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
