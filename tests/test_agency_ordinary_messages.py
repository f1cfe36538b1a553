"""Ordinary messages people send the bot (the question and reading evaluation sets: fees,
visas, a missing son, "tell me a joke") are never answered `licensed` by the recruiter check,
unless they name an agency or a licence number of the list."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from bot.core.agencies import AgencyMatcher, import_agency_file, load_agency_list

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "benchmarks"
# Messages of those sets that do name a listed agency or licence number.
NAMES_AN_AGENCY = ("falah", "فلاح", "8112", "۸۱۱۲")
REAL = Path(os.environ.get("SHARED_DIR") or ROOT.parent / "shared") / "data" / "beoe_real_names.csv"
# Messages of the sets that are a licence number of the real list.
REAL_LICENCES = ("0696/rwp", "۰۶۹۶/rwp")


def _messages() -> list[str]:
    out: list[str] = []
    for path in sorted((SETS / "qa_eval").glob("*.tsv")) + sorted((SETS / "reading_eval").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if cells[0] != "agency":
                out.append(cells[-1])
    return out


def _qa_real_questions() -> list[str]:
    """The real questions of benchmarks/qa_real (their last column)."""
    lines = (SETS / "qa_real" / "questions.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[-1] for line in lines
            if line.strip() and not line.startswith(("#", "source\t"))]


@pytest.mark.skipif(not REAL.exists(), reason="../shared/data is absent")
def test_ordinary_messages_are_never_licensed_on_the_real_list(tmp_path: Path) -> None:
    """The real list (1,659 names) has many common words as names (Holiday, Time Travel,
    Citizen, Look After, Al-Back, Barani, Dani): a story that uses them, or a slip of them
    ("biryani", "deni"), is never certified by `check`. Found by the lead on 2026-12-02."""
    messages = _messages() + _qa_real_questions()
    assert len(messages) > 1_000
    dest = tmp_path / "agencies.csv"
    import_agency_file(REAL, dest)
    matcher = AgencyMatcher(load_agency_list(dest), today=date(2026, 11, 1))
    certified = [(m[:80], r.match.name) for m in messages
                 if (r := matcher.check(m)).verdict == "licensed"
                 and not any(w in m.lower() for w in REAL_LICENCES)]
    assert certified == []


def test_ordinary_messages_are_never_licensed() -> None:
    messages = _messages()
    assert len(messages) > 500
    matcher = AgencyMatcher(load_agency_list(ROOT / "content" / "agencies.csv"),
                            today=date(2026, 11, 1))
    certified = [(m, r.match.name) for m in messages
                 if (r := matcher.check(m)).verdict == "licensed"
                 and not any(w in m.lower() for w in NAMES_AN_AGENCY)]
    assert certified == []


def test_a_filler_word_is_never_a_slip_of_a_list_word() -> None:
    """ "but" folds like "Butt": found by the held-out long questions on 2026-12-02, when a story
    about "a job in saudi but ..." was certified as the demo list's "Saudi Butt Pvt Ltd"."""
    matcher = AgencyMatcher(load_agency_list(ROOT / "content" / "agencies.csv"),
                            today=date(2026, 11, 1))
    story = ("the agent gave me a paper to sign for a job in saudi but he is not letting me "
             "take it home. what should be in the contract")
    assert matcher.check(story).verdict != "licensed"
    result = matcher.check("saudi but")
    assert result.verdict == "similar"
    # ... but the agency whose words it spells one for one is offered, first
    assert result.candidates[0].agency.name == "Saudi Butt Pvt Ltd"
    assert matcher.check("Saudi Butt").verdict == "licensed"
