"""Agency-check accuracy on the THIRD held-out set (heldout3): category totals only.

Usage: .venv/bin/python benchmarks/agency_heldout3.py [--no-write] [--real FILE]
       .venv/bin/python benchmarks/agency_heldout3.py --check-data

The scorer of `benchmarks/agency_heldout4.py` run on the third set (`heldout3_data.py`), with
this script's own name, CLI and output: it scores the hand-typed queries exactly as
`agency_real_accuracy.py` scores the second held-out set, against plain
`rapidfuzz.process.extractOne(WRatio, score_cutoff=85)` and a portal-style substring search in
the same run, on the same evaluation list (`build.eval_rows`, seed 2026). Prints only category
totals, never a query, and writes the section `<!-- agency-heldout3 -->` of
benchmarks/results/agency.md. The set is measured once, after the matcher work it checks has
landed; never tune on it.

`--check-data` validates the data file alone and does not run (or import) the matcher (see
`agency_heldout4.check_data`).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import agency_heldout4 as _scorer
from agency_heldout4 import is_heldout3, score, table  # noqa: F401

MARKER = _scorer.SETS[3].marker


def check_data(entries: list, real: list[tuple[str, str]], rows: list,
               elsewhere: set[str] = frozenset()) -> list[str]:
    """Problems with a held-out-3 data file (empty when it is sound). Never runs the matcher."""
    return _scorer.check_data(entries, real, rows, elsewhere, number=3)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--set" in argv:
        raise SystemExit("agency_heldout3.py scores the third set only; "
                         "use agency_heldout4.py --set N")
    return _scorer.main(["--set", "3", *argv], default_set=3,
                        script="benchmarks/agency_heldout3.py")


if __name__ == "__main__":
    raise SystemExit(main())
