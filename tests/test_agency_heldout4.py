"""The fourth held-out agency set: its data is sound; the shared scorer checks what it should.

Never runs the matcher (the lead measures the set once, with benchmarks/agency_heldout4.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The held-out data tests share one header and one check (see test_agency_heldout3.py).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import agency_heldout4
import build

REAL = build.REAL_NAMES


@pytest.mark.skipif(not REAL.exists(), reason="../shared/data is absent")
def test_the_data_names_real_licences_drawn_agencies_and_no_listed_lookalike():
    assert agency_heldout4.check_set(4) == []


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
