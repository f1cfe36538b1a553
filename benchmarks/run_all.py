"""Run every benchmark under benchmarks/, one after the other, and summarise.

Usage: .venv/bin/python benchmarks/run_all.py [--only NAME ...] [--timeout 900] [-- ARGS]

Runs whichever of agency_speed.py, agency_accuracy.py, qa_accuracy.py, qa_speed.py,
reliability.py and bot_*.py exist, each in its own process with this interpreter, and goes
on when one fails (a failing goal exits 1, a crash exits otherwise, a hang is stopped after
``--timeout`` seconds). Each script writes its own results under benchmarks/results/.
Exits 0 only when every script did.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ORDER = ("agency_speed.py", "agency_accuracy.py", "qa_accuracy.py", "qa_speed.py",
         "reading_accuracy.py", "reliability.py")


def scripts() -> list[Path]:
    """The benchmark scripts that exist, in a fixed order."""
    found = [BENCH / name for name in ORDER if (BENCH / name).is_file()]
    return found + sorted(p for p in BENCH.glob("bot_*.py") if p.is_file())


def run(script: Path, timeout: float, extra: list[str]) -> tuple[str, float]:
    """Run one script, its output going straight through; -> (status, seconds)."""
    print(f"\n===== {script.name} =====", flush=True)
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, str(script), *extra], cwd=ROOT,
                              timeout=timeout, check=False)
        status = "ok" if proc.returncode == 0 else (
            "goal not met (exit 1)" if proc.returncode == 1 else f"failed (exit {proc.returncode})")
    except subprocess.TimeoutExpired:
        status = f"stopped after {timeout:.0f}s"
    except OSError as exc:
        status = f"could not start: {exc}"
    return status, time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None,
                        help="run only these scripts (names with or without .py)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per script")
    parser.add_argument("extra", nargs="*", help="arguments passed to every script (after --)")
    args = parser.parse_args()

    chosen = scripts()
    if args.only:
        wanted = {n if n.endswith(".py") else f"{n}.py" for n in args.only}
        chosen = [s for s in chosen if s.name in wanted]
    if not chosen:
        print("no benchmark scripts found", file=sys.stderr)
        return 2
    one, five, _ = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    print(f"running {len(chosen)} benchmarks; load average {one:.2f} / {five:.2f}", flush=True)
    results = [(s.name, *run(s, args.timeout, args.extra)) for s in chosen]

    print("\n| benchmark | result | seconds |\n|---|---|---|")
    for name, status, seconds in results:
        print(f"| {name} | {status} | {seconds:.0f} |")
    print("\nResults: benchmarks/results/*.md")
    return 0 if all(status == "ok" for _, status, _ in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
