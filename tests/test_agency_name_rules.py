"""Rules of the name reading added on 2026-12-02 (issue 10), each on a small list of its own:
a lone name word in a message about something else, an exact spelling against a folded one,
women's and family names made from a listed name, names that fold alike but differ, a slip
against two joined words, a name that ends at its business words inside a sentence, and
Roman-Urdu particles around a phone number."""

from __future__ import annotations

import pytest

from bot.core.agencies import CheckResult
from tests.small_lists import agency as _a
from tests.small_lists import licences, matcher

AGENCIES = (
    _a("1001/LHR", "Zorko Travel Services"),
    _a("1002/LHR", "Gelan Manpower Services"),
    _a("1003/KAR", "Qazi Galan Traders"),
    _a("1004/RWP", "Tanveer Overseas Employment Promoters"),
    _a("1005/RWP", "Saira Overseas Employment Promoters"),
    _a("1006/MLK", "Tanzeela Enterprises"),
    _a("1007/MLK", "Tan Manpower"),
    _a("1008/MLK", "Zika Traders"),
    _a("1009/PWR", "Noorani Overseas Employment Promoters"),
    _a("1010/SKT", "Bakhtawar Recruiting Agency", "0301-2345678"),
    _a("1011/RWP", "Rukhsar Visa Services"),
    _a("1012/KAR", "Shoaib Associates"),
    _a("1013/GRT", "Doha Manpower Bureau"),
    _a("1014/LHR", "Gelan Sethi Overseas"),
)
MATCHER = matcher(AGENCIES)


def check(text: str) -> CheckResult:
    return MATCHER.check(text)


@pytest.mark.parametrize("text", ["what is zorko", "zorko kahan hai bhai", "where do I find zorko"])
def test_one_name_word_in_a_message_about_something_else_is_not_certified(text: str) -> None:
    assert check(text).verdict != "licensed"


@pytest.mark.parametrize("text", ["Zorko", "is zorko licensed?", "zorko registered hai?",
                                  "has zorko been suspended?", "tell me about zorko"])
def test_one_name_word_asked_about_still_identifies(text: str) -> None:
    result = check(text)
    assert result.verdict == "licensed" and result.match.license_no == "1001/LHR"


def test_a_word_spelled_as_other_agencies_write_it_is_not_certified_as_a_folded_one() -> None:
    # "Galan" is how Qazi Galan Traders writes it; Gelan Manpower Services only folds alike.
    result = check("Galan Manpower Services")
    assert result.verdict == "similar"
    assert licences(result)[:2] == ["1003/KAR", "1002/LHR"]
    assert check("Gelan Manpower Services").verdict == "licensed"   # as the list writes it
    # another word of the name says which one is meant, however the first is spelled
    result = check("Galan Sethi Overseas")
    assert result.verdict == "licensed" and result.match.license_no == "1014/LHR"


@pytest.mark.parametrize("typed", ["Tanveera Overseas Employment Promoters",
                                   "Tanveeri Overseas Employment Promoters"])
def test_a_womans_or_family_name_made_from_a_listed_name_is_another_name(typed: str) -> None:
    result = check(typed)
    assert result.verdict == "similar" and licences(result)[0] == "1004/RWP"


def test_names_that_fold_alike_but_are_listed_as_distinct_are_not_certified() -> None:
    result = check("Sara Overseas Employment Promoters")   # Sara is not Saira
    assert result.verdict == "similar" and "1005/RWP" in licences(result)
    assert check("Saira Overseas Employment Promoters").verdict == "licensed"


def test_a_slip_of_one_list_word_is_not_read_as_two_folded_pieces() -> None:
    # "Tanzeeka": k for l, a neighbouring key; not "Tan" + a folded "Zika".
    result = check("Tanzeeka Enterprises")
    assert result.verdict == "licensed" and result.match.license_no == "1006/MLK"


@pytest.mark.parametrize("text", [
    "Noorani Overseas Employment Promoters promised my son a visa, is that true?",
    "my cousin says Noorani Overseas Employment Promoters is good",
])
def test_a_name_that_ends_at_its_business_words_inside_a_sentence(text: str) -> None:
    result = check(text)
    assert result.verdict == "licensed" and result.match.license_no == "1009/PWR"


def test_words_before_a_name_in_the_same_run_are_never_dropped() -> None:
    # An extra distinctive word before the name makes another name, sentence or not.
    assert check("Rafiq Noorani Overseas Employment Promoters promised a visa, true?").verdict \
        != "licensed"


@pytest.mark.parametrize("text", ["0301-2345678 se call aayi thi",
                                  "is number 03012345678 ne mujhe call kiya tha"])
def test_roman_urdu_particles_around_a_phone_are_not_a_name(text: str) -> None:
    result = check(text)
    assert result.verdict == "licensed" and result.match.license_no == "1010/SKT"


def test_a_filler_that_is_a_word_of_the_name_stays_in_it_inside_a_sentence() -> None:
    result = check("is Rukhsar Visa Services on the government list")
    assert result.verdict == "licensed" and result.match.license_no == "1011/RWP"


@pytest.mark.parametrize("text", ["میسرز شعیب ایسوسی ایٹس", "شعيب ايسوسيئيٽس"])
def test_script_prefix_and_sindhi_business_spelling(text: str) -> None:
    result = check(text)
    assert result.verdict == "licensed" and result.match.license_no == "1012/KAR"


@pytest.mark.parametrize("text", [
    "licence 1010 / S.K.T",
    "licence number 1010/SKT wale ne paise mange",
    "my agent gave licence no. 1010/SKT, is it real?",
    "who owns 0301-2345678",
    "0301-2345678 wala agent kehta hai visa lagwa dega",
    "a call from 0301-2345678 about a job in Doha, genuine?",   # Doha: where, not which agency
])
def test_a_licence_or_phone_inside_a_sentence_is_that_agencys(text: str) -> None:
    result = check(text)
    assert result.verdict == "licensed" and result.match.license_no == "1010/SKT"


@pytest.mark.parametrize("text", ["Doha Manpower 1010/SKT", "Bright Future Jobs 1010/SKT",
                                  "Kamran Visa Point 1010/SKT"])
def test_a_name_next_to_another_agencys_licence_is_still_borrowing(text: str) -> None:
    assert check(text).verdict == "similar"


@pytest.mark.parametrize("text", [
    "مجھے شعیب ایسوسی ایٹس سے کال آئی تھی",
    "میرے بھائی کو شعیب ایسوسی ایٹس نے سعودیہ کا ویزا دیا ہے",   # a place, not a rival name
    "شعيب ايسوسيئيٽس وارا چون ٿا دبئي موڪليندا",
])
def test_urdu_and_sindhi_sentence_words_around_a_name(text: str) -> None:
    result = check(text)
    assert result.verdict == "licensed" and result.match.license_no == "1012/KAR"
