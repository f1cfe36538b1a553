"""Real names that look like a listed one (issue 10): another name is never certified as the
listed agency; the likeliest agency comes first; greetings said whole are never a name."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.agencies import AgencyMatcher, CheckResult
from bot.core.agencies.records import Agency, AgencyList, Provenance, Status

TODAY = date(2026, 12, 1)


def _a(lic: str, name: str) -> Agency:
    return Agency(lic, name, "", "", "", "", Status.VALID, date(2028, 1, 1))


AGENCIES = (
    _a("4196/PWR", "Mirzai Overseas Employment Promoter"),
    _a("2087/SKT", "Mirza International"),
    _a("5194/RWP", "Irfan Saram Overseas Employment"),
    _a("2113/MLK", "Umair International"),
    _a("2573/KAR", "Shahzad Umar International"),
    _a("2709/RWP", "Mohammad Umar Enterprises Overseas Employment Promoter"),
    _a("0800/RWP", "Madina Recruiting Agency"),
    _a("2331/PWR", "New Al-Madina Overseas Employment"),
    _a("1279/KAR", "Al-Hafiz Enterprises"),
    _a("4189/LHR", "THA Overseas Employment Promoters"),
    _a("5302/LHR", "Tevta Punjab"),
    _a("5352/LHR", "Punjab Vocational Training Council"),
    _a("1061/RWP", "Hira Corporation"),
    _a("5255/LHR", "Hire Hub International (Pvt) Ltd"),
    _a("0673/RWP", "Mahmood Iraqi Overseas Employment Promoters"),
    _a("2342/MTN", "Safari International"),
    _a("4029/PWR", "Hoti Enterprises"),
    _a("1273/LHR", "Kay Kay and Kay Associates"),
    _a("5178/RWP", "International Legal Consultant (Pvt) Ltd."),
    _a("2100/PWR", "Shani International"),
    _a("4016/PWR", "Skhani One Manpower"),
    _a("0170/KHI", "Prime Trust Overseas Employment Promoters"),
    _a("0171/KHI", "Prime Overseas Employment Promoters (Pvt) Ltd"),
    _a("3562/DGK", "Koh-I-Suleman International"),
    _a("2526/KAR", "M.Y.B International"),
    _a("1063/RWP", "S.B Enterprises"),
    _a("2305/MLK", "H.A. International"),
    _a("4771/RWP", "HELLO Manpower Services"),
    _a("1307/SKT", "Fahad Munir Ent."),
    _a("0777/RWP", "Noor Recruiting Agency"),
    _a("4100/PWR", "Bilour Enterprises"),
)


@pytest.fixture(scope="module")
def matcher() -> AgencyMatcher:
    return AgencyMatcher(AgencyList(AGENCIES, Provenance("test list", TODAY, demo=True)),
                         today=TODAY)


def cands(result: CheckResult) -> list[str]:
    return [c.agency.license_no for c in result.candidates]


def assert_licensed(result: CheckResult, licence: str) -> None:
    assert result.verdict == "licensed", (result.verdict, cands(result))
    assert result.match is not None and result.match.license_no == licence


@pytest.mark.parametrize(("query", "near"), [
    ("Mirza Overseas Employment Promoters", "4196/PWR"),   # folds onto Mirzai
    ("Mirzai International", "2087/SKT"),
    ("Irfana Saram Overseas Employment", "5194/RWP"),       # a name with another's ending
])
def test_another_real_name_is_never_certified_but_the_near_agency_is_offered(
        matcher, query, near) -> None:
    result = matcher.check(query)
    assert result.verdict == "similar"
    assert near in cands(result)


def test_the_agencies_that_write_the_typed_name_come_before_another_spelling(matcher) -> None:
    result = matcher.check("Umar agency")
    assert result.verdict == "similar"
    assert set(cands(result)[:2]) == {"2573/KAR", "2709/RWP"}
    assert cands(result).index("2113/MLK") > 1


def test_one_shared_word_with_a_business_word_its_agency_lacks_is_similar(matcher) -> None:
    result = matcher.check("Madina Overseas")
    assert result.verdict == "similar"
    assert {"0800/RWP", "2331/PWR"} <= set(cands(result))
    assert matcher.check("Madina Recruiting Agency").verdict == "licensed"


@pytest.mark.parametrize("greeting", ["اللہ حافظ", "Allah Hafiz", "khuda hafiz",
                                      "Assalam o Alaikum", "وعلیکم السلام"])
def test_greetings_said_whole_are_never_a_name(matcher, greeting) -> None:
    assert matcher.check(greeting).verdict == "not_found"


def test_a_greeting_before_a_name_leaves_the_name(matcher) -> None:
    assert_licensed(matcher.check("Assalam o Alaikum, is Madina Recruiting Agency licensed?"),
                    "0800/RWP")


def test_initials_are_not_read_as_a_legal_word(matcher) -> None:
    assert_licensed(matcher.check("THA Overseas Employment Promoters"), "4189/LHR")


def test_one_word_a_few_agencies_share_lists_each_of_them(matcher) -> None:
    result = matcher.check("Punjab")
    assert result.verdict == "similar"
    assert {"5302/LHR", "5352/LHR"} <= set(cands(result))


@pytest.mark.parametrize(("query", "licence"), [
    ("Hira Corporation", "1061/RWP"),                 # Hire Hub writes another word
    ("Mehmood Iraqi Overseas Employment Promoters", "0673/RWP"),   # a spelling, both names
    ("Safarii International", "2342/MTN"),            # a doubled letter is a slip
])
def test_spellings_and_slips_still_identify(matcher, query, licence) -> None:
    assert_licensed(matcher.check(query), licence)


@pytest.mark.parametrize(("query", "licence"), [
    # "hoti" and "ka" are words of a question and of listed names: the name ends at its
    # business words, unless more business words follow.
    ("Hoti Enterprises ka license check karo", "4029/PWR"),
    ("International Legal Consultant (Pvt) Ltd", "5178/RWP"),
])
def test_a_name_in_a_sentence_ends_at_its_business_words(matcher, query, licence) -> None:
    assert_licensed(matcher.check(query), licence)


@pytest.mark.parametrize(("query", "licence"), [
    # "One" and "Trust" are fillers and words of listed names: inside a name they are read
    # as name words, and the agency without them is never certified instead.
    ("Shkani One Manpower", "4016/PWR"),
    ("PRIME TRUST OVERSEAS EMPLOYMENT PROMOTERS", "0170/KHI"),
])
def test_a_filler_inside_a_name_is_read_as_part_of_it(matcher, query, licence) -> None:
    result = matcher.check(query)
    assert result.verdict in ("licensed", "similar")
    assert result.verdict != "licensed" or result.match.license_no == licence


@pytest.mark.parametrize(("query", "licence"), [
    ("Koh-I-Suleman International", "3562/DGK"),   # "i" joins two name words, not "I"
    ("M/s. M.Y.B International", "2526/KAR"),      # M/s is not read as initials M.S.M.Y.B
    ("M/S.M.Y.B International", "2526/KAR"),
])
def test_connectors_and_initials_after_ms_stay_part_of_the_name(matcher, query, licence) -> None:
    assert_licensed(matcher.check(query), licence)


@pytest.mark.parametrize("text", ["سب خیریت ہے", "ہائے", "ہیلو", "ہیلو بھائی"])
def test_urdu_small_talk_is_never_initials_or_a_listed_word(matcher, text) -> None:
    assert matcher.check(text).verdict != "licensed"


@pytest.mark.parametrize(("query", "licence"), [
    ("میرے ماموں نے Latif Manpower Services کو دو لاکھ دیے", None),   # not on this list
    ("میرے ماموں نے Hira Corporation کو دو لاکھ دیے", "1061/RWP"),
    ("نور ریکروٹنگ ایجنسی والوں نے ویزا کا وعدہ کیا ہے", "0777/RWP"),
    ("SKT 1307", "1307/SKT"),
])
def test_names_in_urdu_sentences_and_office_code_first(matcher, query, licence) -> None:
    result = matcher.check(query)
    if licence is None:
        assert result.verdict != "licensed"
    else:
        assert_licensed(result, licence)


def test_a_slip_is_a_neighbouring_key_another_letter_is_another_word(matcher) -> None:
    assert_licensed(matcher.check("Bilpur Enterprises"), "4100/PWR")   # o -> p: the key beside it
    other = matcher.check("Bilmur Enterprises")       # o -> m: across the keyboard
    assert other.verdict == "similar" and cands(other)[0] == "4100/PWR"
