"""The fifth held-out agency set: its data is sound; the shared scorer checks what it should.

Never runs the matcher (the lead measures the set once, with
`benchmarks/agency_heldout4.py --set 5`).
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
needs_real = pytest.mark.skipif(not REAL.exists(), reason="../shared/data is absent")


@needs_real
def test_the_data_is_sound_against_the_real_names_and_every_earlier_set(capsys):
    assert agency_heldout4.check_set(5) == []
    assert agency_heldout4.main(["--set", "5", "--check-data", "--real", str(REAL)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("data OK")
    assert "unrelated" in out.splitlines()[0]     # the category counts, never a query


@needs_real
def test_the_draw_is_fixed_and_shares_no_agency_with_heldouts_3_and_4():
    rows = build.eval_rows(build.read_real(REAL))
    drawn = agency_heldout4.heldout5_agencies(rows)
    assert len(drawn) == agency_heldout4.HELDOUT5_SIZE
    assert drawn == agency_heldout4.heldout5_agencies(rows)
    assert not drawn & agency_heldout4.heldout4_agencies(rows)
    assert not drawn & {r.canonical for r in rows if agency_heldout4.is_heldout3(r)}


@needs_real
def test_the_check_refuses_an_earlier_agency_a_listed_lookalike_a_reused_query_and_few_traps():
    real = build.read_real(REAL)
    rows = build.eval_rows(real)
    drawn = agency_heldout4.heldout5_agencies(rows)
    valid = next(r for r in rows if r.canonical in drawn and r.verdict == "licensed")
    bad = next(r for r in rows if r.canonical in drawn and r.verdict != "licensed")
    held4 = next(r for r in rows if r.canonical in agency_heldout4.heldout4_agencies(rows))
    entries = [("lookalike_name", valid.name + " ", "never", [valid.canonical]),
               ("exact", held4.name, "agency", [held4.canonical]),
               ("exact", bad.name, "agency", [bad.canonical]),
               ("exact", valid.name, "agency", [valid.canonical]),
               ("ms", "M/s " + valid.name, "agency", [valid.canonical])]
    problems = agency_heldout4.check_data(entries, real, rows, {" ".join(valid.name.lower().split())},
                                          number=5)
    assert any("entry 0: a look-alike that names a listed agency" in p for p in problems)
    assert any("entry 1: lists no held-out-5 agency" in p for p in problems)
    assert any("entry 2: a exact query whose agency is not valid" in p for p in problems)
    assert any("entry 3: the same query stands in another evaluation set" in p for p in problems)
    assert any("1 traps of 5 queries (under a quarter)" in p for p in problems)
