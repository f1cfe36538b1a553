"""Causes of false `licensed` found on held-out 5 (measured once on 2026-12-02, a development
set since), one rule each: a negation after the name with words between or after it ("ye X
wala nahi hai", "X nahi hai ye"). Made-up agencies, own list."""

from __future__ import annotations

import pytest

from bot.core.agencies import AgencyMatcher
from tests import small_lists

AGENCIES = (small_lists.agency("5001/KAR", "Greenkol International Traders"),
            small_lists.agency("5002/PWR", "Zarvash Enterprises"))


@pytest.fixture(scope="module")
def matcher() -> AgencyMatcher:
    return small_lists.matcher(AGENCIES)


# --- 3. a negation after the name, with words between or after it ---------------------------
@pytest.mark.parametrize("text", ["Greenkol International Traders nahi hai ye",
                                  "ye Zarvash Enterprises wala nahi hai",
                                  "ye Zarvash Enterprises wali nahi",
                                  "یہ زرواش انٹرپرائزز والا نہیں ہے"])
def test_a_negation_after_the_name_with_words_around_it_is_never_licensed(
        matcher: AgencyMatcher, text: str) -> None:
    result = matcher.check(text)
    assert result.verdict != "licensed"
    assert result.reason == "qualified"


@pytest.mark.parametrize("text", ["Zarvash Enterprises hai ya nahi",
                                  "Zarvash Enterprises licensed hai ya nahi hai",
                                  "Zarvash Enterprises ka pata nahi",
                                  "Zarvash Enterprises wala"])
def test_asking_whether_or_not_with_those_words_still_checks_the_name(
        matcher: AgencyMatcher, text: str) -> None:
    assert matcher.check(text).verdict == "licensed"
