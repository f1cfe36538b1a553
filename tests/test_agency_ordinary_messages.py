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
# A KNOWN BUG, found by the fresh held-out long questions (reading_eval/holdout2.tsv) on
# 2026-12-02: a long English story ("... a job in saudi ... but he ...") is certified as the demo
# list's "Saudi Butt Pvt Ltd" (the conjunction "but" read as the name "Butt"). Not fixed yet;
# listed here so that the suite stays green while any NEW false `licensed` still fails it, and
# so that the fix must remove this entry. See README "Status and known limits".
KNOWN_BUGS = {"Saudi Butt Pvt Ltd"}


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
    assert [(m, name) for m, name in certified if name not in KNOWN_BUGS] == []
    assert {name for _, name in certified} == KNOWN_BUGS  # fixed: remove it from KNOWN_BUGS
