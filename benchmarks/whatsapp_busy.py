"""WhatsApp's rate-limited case on a busy machine: two `serve` instances on one PostgreSQL at the
default limit, with CPU-burning processes beside them.

Usage: RAHNUMA_BENCH_DATABASE_URL=postgresql://… .venv/bin/python benchmarks/whatsapp_busy.py
       [--tree DIR] [--burners 2] [--seconds 20] [--rate 50]

Runs the third part of `benchmarks/whatsapp_instances.py` (WHATSAPP_MAX_RATE unset, so 80; the
Graph API stand-in refusing more than 80 messages in any second with 130429; `--rate` new people a
second, each writing once) while `--burners` processes spin on the CPU, and prints one line: the
tree, the load average before and after, then people, answered/s, first reply p50 and p99 (ms),
WhatsApp messages sent/s, busiest second, refusals, unanswered, CPU ms a person. `--tree` is the
checkout whose `bot` the serve processes run (their working directory): for an A/B, run it once
with a checkout of the old commit and once with this one, interleaved, in the same minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--burners", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=50.0)
    args = parser.parse_args()
    admin_url = os.environ.get("RAHNUMA_BENCH_DATABASE_URL") or os.environ.get("RAHNUMA_TEST_DATABASE_URL")
    if not admin_url:
        sys.exit("set RAHNUMA_BENCH_DATABASE_URL to a PostgreSQL server (scripts/test-postgres.sh url)")
    sys.path.insert(0, str(args.tree.resolve() / "benchmarks"))
    sys.argv = sys.argv[:1]
    import whatsapp_instances  # the tree's own benchmark: its serve processes run the tree's bot

    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.burners)]
    try:
        time.sleep(2)
        before = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as tmp:
            run, _ = asyncio.run(whatsapp_instances.part(
                Path(tmp), admin_url, echo=False, rate=args.rate, users=int(args.rate * args.seconds),
                prefix="92313", max_rate=None, standin_rate=80))
        print(args.tree.resolve().name, f"burners {args.burners}",
              f"load {before:.1f} -> {os.getloadavg()[0]:.1f}", whatsapp_instances.fmt(run), flush=True)
    finally:
        for burner in burners:
            burner.kill()


if __name__ == "__main__":
    main()
