"""`python -m bot check` as people and scripts call it: an argument, "-" or standard input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _check(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "bot", "check", *args], input=stdin,
                          capture_output=True, cwd=ROOT, timeout=120, check=False)


def test_a_dash_reads_the_query_from_standard_input() -> None:
    done = _check("--json", "-", stdin=b"Al-Falah Horizon Overseas Employment Promoters\n")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["query"].startswith("Al-Falah Horizon")


def test_bytes_that_are_not_utf8_are_answered_not_a_crash() -> None:
    done = _check("--jsonl", stdin=b"\xff\xfe bad\n5271/GRW\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(lines) == 2 and lines[1]["verdict"] != "not_found"
