"""The fourth held-out agency set: its data is sound; the shared scorer checks what it should.

Never runs the matcher (the lead measures the set once, with benchmarks/agency_heldout4.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL = Path(os.environ.get("SHARED_DIR") or ROOT.parent / "shared") / "data" / "beoe_real_names.csv"
sys.path.insert(0, str(ROOT / "benchmarks" / "agency_real"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import agency_heldout4  # noqa: E402
import build  # noqa: E402


@pytest.mark.skipif(not REAL.exists(), reason="../shared/data is absent")
def test_the_data_names_real_licences_drawn_agencies_and_no_listed_lookalike(capsys):
    assert agency_heldout4.main(["--set", "4", "--check-data", "--real", str(REAL)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("data OK")


@pytest.mark.skipif(not REAL.exists(), reason="../shared/data is absent")
def test_the_check_refuses_a_listed_lookalike_an_undrawn_agency_and_an_invalid_plain_name():
    real = build.read_real(REAL)
    rows = build.eval_rows(real)
    drawn = agency_heldout4.heldout4_agencies(rows)
    valid = next(r for r in rows if r.canonical in drawn and r.verdict == "licensed")
    bad = next(r for r in rows if r.canonical in drawn and r.verdict != "licensed")
    undrawn = next(r for r in rows if r.canonical not in drawn)
    entries = [("lookalike_name", valid.name + " ", "never", [valid.canonical]),
               ("exact", undrawn.name, "agency", [undrawn.canonical]),
               ("exact", bad.name, "agency", [bad.canonical])]
    problems = agency_heldout4.check_data(entries, real, rows, number=4)
    assert any("entry 0: a look-alike that names a listed agency" in p for p in problems)
    assert any("entry 1: lists no held-out-4 agency" in p for p in problems)
    assert any("entry 2: a exact query whose agency is not valid" in p for p in problems)
