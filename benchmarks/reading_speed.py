"""Reading speed before and after: the code of a git revision against the working tree.

Usage: .venv/bin/python benchmarks/reading_speed.py [--against REV] [--rounds 3] [--seconds 3]
                                                   [--no-write]

Each round runs both codes one after the other, each in its own process pinned to one CPU, on
the same content (content/) and the same messages: the 283 labelled questions of
benchmarks/qa_eval (what reading_accuracy.py's speed line and qa_speed.py read) and the 437
messages of both reading sets. Measured per second of the process's CPU time (the machine is
shared): `Reader.read()` + `to_json()`, and `Answerer.ask()` alone; and the start-up: import,
loading the content, building the index. Reports the median of the rounds and the machine's
load (`uptime`) before and after, and writes the "Speed, before and after" section of
benchmarks/results/reading.md (below its history mark, which reading_accuracy.py keeps).
Results are checked to be the same by benchmarks/reading_identical.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from _machine import cpu_model  # noqa: E402
from _rate import per_cpu_second  # noqa: E402
from reading_identical import BEFORE, _tsv_texts, reference_tree  # noqa: E402

RESULTS = BENCH / "results" / "reading.md"
START, END = "<!-- speed before/after -->", "<!-- /speed before/after -->"
MEASURES = (("short_read", "questions (283), `Reader.read()`"),
            ("short_ask", "questions (283), `Answerer.ask()` alone"),
            ("sets_read", "reading sets (437), `Reader.read()`"),
            ("sets_ask", "reading sets (437), `Answerer.ask()` alone"),
            ("short_cold", "questions (283), `Reader.read()`, each read once by a new reader"),
            ("sets_cold", "reading sets (437), `Reader.read()`, each read once by a new reader"))
STARTUP = (("import", "import"), ("load", "loading the content"), ("index", "building the index"))


def worker(tree: str, seconds: float) -> None:
    """In its own process: the code in `tree`, pinned to one CPU; prints one JSON object."""
    import time

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    t0 = time.process_time()
    sys.path.insert(0, tree)
    from bot.core.content.answering import Answerer
    from bot.core.content.loader import load_content
    from bot.core.reading import Reader
    from bot.core.urgency import UrgentWords

    t1 = time.process_time()
    content = ROOT / "content"
    tree_, _ = load_content(content)
    t2 = time.process_time()
    answerer = Answerer(tree_)
    t3 = time.process_time()
    reader = Reader.load(content, tree_, answerer, UrgentWords.load(content / "urgent.yaml"))
    short = [t for p in sorted((BENCH / "qa_eval").glob("*.tsv")) for t in _tsv_texts(p)]
    sets = [t for n in ("dev.tsv", "holdout.tsv") for t in _tsv_texts(BENCH / "reading_eval" / n)]

    def rate(fn, texts: list[str]) -> float:
        for t in texts:   # warm-up: word caches filled as in a bot that has run a while
            fn(t)
        return per_cpu_second(fn, texts, seconds)

    def cold(texts: list[str], passes: int = 3) -> float:
        """Each message read once by a reader just built: no typo correction remembered yet
        (what a message with words the bot has not seen costs)."""
        n, spent = 0, 0.0
        for _ in range(passes):
            fresh = Reader.load(content, tree_, Answerer(tree_), UrgentWords.load(content / "urgent.yaml"))
            start = time.process_time()
            for t in texts:
                fresh.read(t).to_json()
            spent += time.process_time() - start
            n += len(texts)
        return n / spent

    def read(t: str) -> dict:
        return reader.read(t).to_json()

    def ask(t: str) -> dict:
        return answerer.ask(t).to_json()

    print(json.dumps({"import": t1 - t0, "load": t2 - t1, "index": t3 - t2,
                      "short_read": rate(read, short), "short_ask": rate(ask, short),
                      "sets_read": rate(read, sets), "sets_ask": rate(ask, sets),
                      "short_cold": cold(short), "sets_cold": cold(sets),
                      "n_short": len(short), "n_sets": len(sets)}))


def measure(tree: Path, seconds: float) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--worker", str(tree), "--seconds",
                           str(seconds)], capture_output=True, text=True, check=False, cwd=tree)
    if proc.returncode != 0:
        sys.exit(f"measuring the code in {tree} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def uptime() -> str:
    """The load averages over 1, 5 and 15 minutes."""
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def write(section: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    block = f"{START}\n{section}\n{END}"
    if START in old:
        new = old[:old.index(START)] + block + old[old.index(END) + len(END):]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", default=BEFORE, help=f"git revision (default {BEFORE})")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.seconds)
        return 0
    load_before = uptime()
    runs: dict[str, list[dict]] = {"before": [], "now": []}
    with tempfile.TemporaryDirectory(prefix="reading-speed-") as tmp:
        ref = reference_tree(args.against, Path(tmp))
        for i in range(args.rounds):
            runs["before"].append(measure(ref, args.seconds))
            runs["now"].append(measure(ROOT, args.seconds))
            print(f"round {i + 1}: " + ", ".join(
                f"{k} {runs['before'][-1][k]:,.0f} -> {runs['now'][-1][k]:,.0f}"
                for k, _ in MEASURES), flush=True)
    load_after = uptime()
    med = {side: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for side, rs in runs.items()}
    b, n = med["before"], med["now"]
    rows = ["| Messages per CPU second, one core | Before | Now | Now / before |", "|---|---|---|---|"]
    rows += [f"| {label} | {b[k]:,.0f} | {n[k]:,.0f} | {n[k] / b[k]:.1f}x |" for k, label in MEASURES]
    rows += ["", "| Start-up, CPU seconds | Before | Now |", "|---|---|---|"]
    rows += [f"| {label} | {b[k]:.3f} | {n[k]:.3f} |" for k, label in STARTUP]
    rows.append(f"| total | {sum(b[k] for k, _ in STARTUP):.3f} | {sum(n[k] for k, _ in STARTUP):.3f} |")
    section = "\n".join([
        "## Speed, before and after (written by benchmarks/reading_speed.py)",
        "",
        f"Measured {date.today()} on CPython {platform.python_version()}, {platform.platform()}, "
        f"CPU: {cpu_model()}, {os.cpu_count()} logical cores, each process pinned to one. "
        f"Before: the code of commit {args.against}"
        + (" (the matcher's plain-Python loop over the postings)" if args.against == BEFORE else "")
        + "; now: this tree; same content, same messages, run one after the other in "
        f"each of {args.rounds} rounds of {args.seconds:g} CPU seconds per measure; medians. "
        f"Load average (1, 5, 15 min) {load_before} before and {load_after} after: the machine "
        "is shared, so CPU time is counted, not wall-clock time. "
        + ("Results identical (benchmarks/reading_identical.py). " if args.against == BEFORE else
           "The two codes may answer differently (a reading change, not a speed change). ")
        + "The first four rows read the set round-robin after "
        "one pass (typo corrections remembered, as in a bot that has run a while); the last two "
        "read each message once with a reader just built (every unknown word of 4+ letters "
        "looked up among the known words with rapidfuzz, at most 8 per question). Start-up: "
        "`import` includes numpy, new with the topic index.",
        "",
        *rows,
    ])
    print(section)
    if not args.no_write:
        write(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
