"""The third held-out agency set: its data is sound, and its scorer reports category totals.

The scorer is exercised on a three-query toy set with a stub matcher only: the real matcher is
never run on the held-out queries here (the lead measures them once, with
benchmarks/agency_heldout3.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

# The held-out data tests share one header and one check: the shared scorer puts
# benchmarks/agency_real on the path and resolves the real names as the benchmarks do.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import agency_heldout3
import agency_heldout4 as scorer
from build import Row

REAL = scorer.build.REAL_NAMES


@pytest.mark.skipif(not REAL.exists(), reason="../shared/data is absent")
def test_the_data_names_real_licences_and_the_evaluation_lists_phones(capsys):
    assert scorer.check_set(3) == []
    assert agency_heldout3.main(["--check-data", "--real", str(REAL)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("data OK")


def test_the_check_reports_an_unknown_licence_a_wrong_phone_and_a_reused_query():
    rows = [Row("0777 / RWP", "Noor Recruiting Agency", "valid", "2030-01-01", "0315-6873777", False)]
    real = [("0777 / RWP", "Noor Recruiting Agency")]
    entries = [("licence_phone", "9997/RWP", "agency", ["9997/RWP"]),
               ("licence_phone", "0300-1111111", "agency", ["0777/RWP"]),
               ("exact", "Noor  Recruiting Agency", "agency", ["0777/RWP"])]
    problems = agency_heldout3.check_data(entries, real, rows, {"noor recruiting agency"})
    assert any("9997/RWP is not in the real list" in p for p in problems)
    assert any("phone is not the listed agency's" in p for p in problems)
    assert any("stands in another evaluation set" in p for p in problems)


class StubMatcher:
    """Certifies a name typed exactly as the list writes it; nothing else."""

    def __init__(self, agency_list) -> None:
        self.by_name = {a.name: a for a in agency_list.agencies}

    def check(self, text: str):
        agency = self.by_name.get(text)
        return SimpleNamespace(verdict="licensed" if agency else "not_found", match=agency,
                               candidates=[], reason="stub")


def test_the_scorer_prints_category_totals_only():
    rows = [Row("0777 / RWP", "Noor Recruiting Agency", "valid", "2030-01-01", "0315-6873777", False),
            Row("2227 / GRT", "Nasir Corporation", "valid", "2030-01-01", "0307-1916611", False)]
    entries = [("exact", "Noor Recruiting Agency", "agency", ["0777/RWP"]),
               ("lookalike_name", "Nasim Corporation", "never", ["2227/GRT"]),
               ("unrelated", "visa fee kitni hai", "never", [])]
    lines, _ = agency_heldout3.score(rows, entries, matcher_factory=StubMatcher)
    text = "\n".join(lines)
    exact = next(line for line in lines if line.startswith("| Exact names"))
    assert exact.split("|")[3:5] == [" 1 ", " 100.0% "]
    assert "| **All** | | 3 | 100.0% |" in text
    assert "Rahnuma **0**" in text
    for _, query, _, _ in entries:
        assert query not in text
