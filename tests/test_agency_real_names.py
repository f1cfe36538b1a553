"""The recruiter check on the REAL BE&OE names (../shared/data; skipped when absent).

Only the tuning part of the evaluation is asserted here; the held-out part is reported by
benchmarks/agency_real_accuracy.py and never tuned on.
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

pytestmark = pytest.mark.skipif(not REAL.exists(), reason="../shared/data is absent")

GOALS = {"exact": 1.0, "case_punct": 1.0, "ms": 0.95, "business": 0.95, "roman_urdu": 0.90,
         "urdu": 0.85, "sindhi": 0.80, "licence_phone": 0.99, "sentences": 0.85,
         "statuses": 0.97, "lookalike_name": 1.0, "lookalike_business": 1.0, "borrowed": 1.0,
         "negated": 1.0, "unrelated": 1.0}


@pytest.fixture(scope="module")
def tallies(tmp_path_factory):
    from agency_real_accuracy import judge
    from build import TODAY, build, write_list

    from bot.core.agencies import AgencyMatcher, load_agency_list

    rows, tune, _, _ = build(REAL)
    dest = tmp_path_factory.mktemp("real") / "agencies.csv"
    write_list(rows, dest)
    matcher = AgencyMatcher(load_agency_list(dest), today=TODAY)
    out: dict[str, list[int]] = {}
    false_licensed = 0
    for q in tune:
        r = matcher.check(q.query)
        ok, false = judge(q, r.verdict, r.match.license_no if r.match else None,
                          [c.agency.license_no for c in r.candidates])
        t = out.setdefault(q.category, [0, 0])
        t[0] += ok
        t[1] += 1
        false_licensed += false
    return out, false_licensed


def test_no_look_alike_borrowed_licence_or_greeting_is_licensed(tallies) -> None:
    assert tallies[1] == 0


@pytest.mark.parametrize(("category", "goal"), sorted(GOALS.items()))
def test_category_goals_on_real_names(tallies, category, goal) -> None:
    ok, n = tallies[0][category]
    assert n >= 5 and ok / n >= goal, f"{category}: {ok}/{n}"
