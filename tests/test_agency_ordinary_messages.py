"""Ordinary messages people send the bot (the question and reading evaluation sets: fees,
visas, a missing son, "tell me a joke") are never answered `licensed` by the recruiter check,
unless they name an agency or a licence number of the list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.core.agencies import AgencyMatcher, load_agency_list

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "benchmarks"
# Messages of those sets that do name a listed agency or licence number.
NAMES_AN_AGENCY = ("falah", "فلاح", "8112", "۸۱۱۲")


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
