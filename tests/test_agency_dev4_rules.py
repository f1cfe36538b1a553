"""Causes of false `licensed` found on held-out 4 (measured once on 2026-12-02, a development
set since): a negation written after the name ("ye X nahi hai", «X نہیں») and common given
names that the name lists lacked (Ziad is not a slip of Zia). Made-up agencies, own list."""

from __future__ import annotations

import pytest

from bot.core.agencies import AgencyMatcher
from tests import small_lists

AGENCIES = (small_lists.agency("3001/KAR", "Greenkol Overseas"),
            small_lists.agency("3002/MLK", "Zia Recruiting Agency"))


@pytest.fixture(scope="module")
def matcher() -> AgencyMatcher:
    return small_lists.matcher(AGENCIES)


@pytest.mark.parametrize("text", ["ye Greenkol Overseas nahi hai", "Greenkol Overseas nahi",
                                  "یہ گرین کول اوورسیز نہیں ہے"])
def test_a_negation_after_the_name_is_never_licensed(matcher: AgencyMatcher, text: str) -> None:
    assert matcher.check(text).verdict != "licensed"


@pytest.mark.parametrize("text", ["Greenkol Overseas asli hai ya nahi?", "Greenkol Overseas",
                                  "kya Greenkol Overseas registered hai ya nahi",
                                  "Greenkol Overseas ka pata nahi"])
def test_asking_whether_or_not_still_checks_the_name(matcher: AgencyMatcher, text: str) -> None:
    assert matcher.check(text).verdict == "licensed"


def test_a_common_given_name_is_not_a_slip_of_a_listed_one(matcher: AgencyMatcher) -> None:
    result = matcher.check("Ziad Recruiting Agency")
    assert result.verdict != "licensed"
    assert matcher.check("Zia Recruiting Agency").verdict == "licensed"
