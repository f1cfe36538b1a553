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


# --- the false `licensed` left on held-out 4 (2026-12-02), by cause ---------------------------
SHARED = (small_lists.agency("3101/LHR", "Pak Zarnab Enterprises"),
          small_lists.agency("3102/RWP", "M. Pak Zarnab Manpower Services"),
          small_lists.agency("3103/RWP", "Qandeel Overseas (SMC-Private) Limited"),
          small_lists.agency("3104/RWP", "Qandeel Overseas Employment Promoter"),
          small_lists.agency("3105/PWR", "Gulnar Bagh Traders"),
          small_lists.agency("3106/LHR", "Gulnar Bagh Impact Employment Promoter"),
          small_lists.agency("3107/LHR", "Sadoon Bagh"),
          small_lists.agency("3108/LHR", "Sadoon Bagh Traders"),
          small_lists.agency("3109/GRW", "Daryal Overseas Employment Promoters"),
          small_lists.agency("3110/GRW", "Daryal Success Overseas Employment Promoters"),
          small_lists.agency("3111/RWP", "Kohsar Diamond Overseas Employment Promoters"),
          small_lists.agency("3112/RWP", "Kohsar-Arab Diamond International"),
          small_lists.agency("3113/RWP", "Falcon Eagle Overseas Employment Promoters"),
          small_lists.agency("3114/RWP", "Eagle Falcon Overseas"))


@pytest.fixture(scope="module")
def shared() -> AgencyMatcher:
    return small_lists.matcher(SHARED)


@pytest.mark.parametrize(("text", "first", "other"), [
    ("Pak Zarnab", "3101/LHR", "3102/RWP"),          # one name's words, a part of another's
    ("Qandeel Overseas", "3103/RWP", "3104/RWP"),    # the same words, business words of both
    ("Gulnar Bagh", "3105/PWR", "3106/LHR"),
    ("is Gulnar Bagh registered?", "3105/PWR", "3106/LHR"),
])
def test_a_name_that_two_agencies_share_is_similar_with_both(shared: AgencyMatcher, text: str,
                                                             first: str, other: str) -> None:
    result = shared.check(text)
    assert result.verdict == "similar"
    assert small_lists.licences(result)[:2] == [first, other]


@pytest.mark.parametrize(("text", "licence"), [
    ("Pak Zarnab Enterprises", "3101/LHR"),        # a business word only one of them has
    ("Qandeel Overseas Ltd", "3103/RWP"),          # the whole name, legal form and all
    ("Qandeel Overseas Employment Promoter", "3104/RWP"),
    ("Gulnar Bagh Traders", "3105/PWR"),
    ("Sadoon Bagh", "3107/LHR"),                   # the whole name, as the list writes it
    ("Daryal OEP", "3109/GRW"),                    # OEP: Overseas Employment Promoters
    ("قندیل اوورسیز پرائیویٹ لمیٹڈ", "3103/RWP"),   # the legal form in Urdu script
    ("Kohsar Diamond", "3111/RWP"),   # the other has the words apart ("Kohsar-Arab Diamond")
    ("Falcon Eagle", "3113/RWP"),     # ... or in another order
])
def test_the_words_that_tell_them_apart_identify_one(shared: AgencyMatcher, text: str,
                                                     licence: str) -> None:
    result = shared.check(text)
    assert result.verdict == "licensed"
    assert result.match.license_no == licence


def test_a_typed_name_that_folds_like_a_listed_word_is_not_trusted() -> None:
    matcher = small_lists.matcher([small_lists.agency("3201/LHR", "Toba International"),
                                   small_lists.agency("3202/LHR", "Kainaat Overseas")])
    tuba = matcher.check("Tuba International")    # Tuba is a name; Toba another word
    assert tuba.verdict == "similar"
    assert small_lists.licences(tuba)[0] == "3201/LHR"
    assert matcher.check("Toba International").verdict == "licensed"
    # a spelling of the same name (a doubled letter) is still the name
    assert matcher.check("Kainat Overseas").verdict == "licensed"


SCRIPT = (small_lists.agency("3301/RWP", "Razia Manpower Services"),
          small_lists.agency("3302/RWP", "Aaraiz Manpower"),
          small_lists.agency("3303/PWR", "Burki Manpower Bureau"),
          small_lists.agency("3304/RWP", "Barca Manpower Recruitment Services"),
          small_lists.agency("3305/KAR", "Khosa and Baloch Brothers"),
          small_lists.agency("3306/KAR", "Baloch Brothers"))


@pytest.fixture(scope="module")
def script() -> AgencyMatcher:
    return small_lists.matcher(SCRIPT)


@pytest.mark.parametrize(("text", "licence"), [
    ("رضيه مين پاور سروسز", "3301/RWP"),   # Sindhi: the last business word is read too
    ("رضیہ مین پاور سروسز", "3301/RWP"),
    ("آرائز مین پاور", "3302/RWP"),
    ("برکی مین پاور بیورو", "3303/PWR"),
    ("کھوسہ ۽ بلوچ برادرز", "3305/KAR"),
])
def test_script_names_identify_their_agency(script: AgencyMatcher, text: str,
                                            licence: str) -> None:
    result = script.check(text)
    assert result.verdict == "licensed"
    assert result.match.license_no == licence


@pytest.mark.parametrize(("text", "wrong"), [
    ("رضیہ مین پاور", "3302/RWP"),          # no initial alif: not Aaraiz
    ("کوسا ۽ بلوچ برادرز", "3306/KAR"),     # «۽» is "and" inside a name, not the sentence
])
def test_a_script_word_is_not_read_as_a_name_it_cannot_be(script: AgencyMatcher, text: str,
                                                         wrong: str) -> None:
    result = script.check(text)
    assert not (result.verdict == "licensed" and result.match.license_no == wrong)


# --- licence numbers written short (the lead's probe, 2026-12-02) -----------------------------
NUMBERS = (small_lists.agency("0035/KAR", "Haroon Recruiting Agency"),
           small_lists.agency("0412/KAR", "Sadoon Overseas"),
           small_lists.agency("0412/LHR", "Gulnar Overseas"))


@pytest.fixture(scope="module")
def numbers() -> AgencyMatcher:
    return small_lists.matcher(NUMBERS)


@pytest.mark.parametrize("text", ["lic no 35", "licence 35 karachi", "license no. 35",
                                  "لائسنس نمبر ۳۵", "licence # 035", "OEP 35",
                                  "Haroon Recruiting Agency licence no 35"])
def test_a_short_licence_number_after_a_licence_word_is_read(numbers: AgencyMatcher,
                                                             text: str) -> None:
    result = numbers.check(text)
    assert result.verdict == "licensed"
    assert result.match.license_no == "0035/KAR"


def test_a_city_beside_a_number_two_offices_use_narrows_it(numbers: AgencyMatcher) -> None:
    assert numbers.check("licence 412 lahore").match.license_no == "0412/LHR"
    both = numbers.check("licence no 412")
    assert both.verdict == "similar"
    assert set(small_lists.licences(both)) == {"0412/KAR", "0412/LHR"}


@pytest.mark.parametrize("text", ["35", "3 mahine", "2 saal se kaam kar raha hoon",
                                  "licence 3 saal pehle mila", "lic 35 hazar rupay"])
def test_small_numbers_in_ordinary_text_are_no_licence(numbers: AgencyMatcher,
                                                       text: str) -> None:
    assert numbers.check(text).match is None


def test_a_made_up_name_with_a_short_licence_number_is_not_licensed(numbers: AgencyMatcher
                                                                    ) -> None:
    assert numbers.check("Qwerty Zxcv Agency lic 35").verdict != "licensed"


# --- business words dropped or shortened, Roman Urdu (held-out 4 misses, by cause) ------------
SPELLINGS = (small_lists.agency("3401/MLK", "Daryal Recruiting Agency"),
             small_lists.agency("3402/MLK", "Sultan Brothers R/Agy PVT (LTD)"),
             small_lists.agency("3403/RWP", "Nageena Overseas Employment Promoter"),
             small_lists.agency("3404/LHR", "Duaa-e-Nagina"),
             small_lists.agency("3405/MTN", "Zakariya Overseas Recruiting Agency"),
             small_lists.agency("3406/KAR", "Bahria Recruiting Agency"),
             small_lists.agency("3407/RWP", "Saadoon Associates"),
             small_lists.agency("3408/PWR", "Saydon Overseas Employment Promoters"))


@pytest.fixture(scope="module")
def spellings() -> AgencyMatcher:
    return small_lists.matcher(SPELLINGS)


@pytest.mark.parametrize(("text", "licence"), [
    ("Daryal R. Agency", "3401/MLK"),           # "R." before Agency is Recruiting
    ("Daryal R/Agy", "3401/MLK"),
    ("Daryal R.Agency", "3401/MLK"),
    ("Sultan Brothers Recruiting Agency Pvt Ltd", "3402/MLK"),
    # a spelling with a letter undoubled; another agency writes it so, with no business words
    ("Nagina Overseas Employment Promoter", "3403/RWP"),
    ("zakria overseas recruiting agency", "3405/MTN"),   # only vowels differ
])
def test_shortened_business_words_and_roman_spellings_identify(spellings: AgencyMatcher,
                                                               text: str, licence: str) -> None:
    result = spellings.check(text)
    assert result.verdict == "licensed"
    assert result.match.license_no == licence


def test_a_spelling_another_agency_writes_is_still_not_certain(spellings: AgencyMatcher) -> None:
    # Saadoon is written so by Saadoon Associates; Saydon folds alike: a look-alike
    result = spellings.check("Saadoon Overseas Employment Promoters")
    assert result.verdict == "similar"
    assert {"3407/RWP", "3408/PWR"} <= set(small_lists.licences(result))


# --- Urdu and Sindhi script: loanwords, a letter of «ایس ایم سی», ش/خ/غ before ہ ---------------
LOANS = (small_lists.agency("3501/RWP", "Asian Star"),
         small_lists.agency("3502/LHR", "Ismail Aviation International"),
         small_lists.agency("3503/RWP", "Sea Crest Overseas"),
         small_lists.agency("3504/MLK", "Shehram Manpower Services"),
         small_lists.agency("3505/GRT", "Shahzad Kayani and Brothers"),
         small_lists.agency("3506/KAR", "Mashhood Enterprises"),
         small_lists.agency("3507/KAR", "Tahir Overseas (SMC-Private) Limited"))


@pytest.fixture(scope="module")
def loans() -> AgencyMatcher:
    return small_lists.matcher(LOANS)


@pytest.mark.parametrize(("text", "licence"), [
    ("ایشین اسٹار", "3501/RWP"), ("ايشين اسٽار", "3501/RWP"),    # Asian: a loanword
    ("سی کرسٹ اوورسیز", "3503/RWP"), ("سي ڪرسٽ اوورسيز", "3503/RWP"),
    ("شہرام مین پاور سروسز", "3504/MLK"),       # ش + ہ: Shehram, Shahzad
    ("شہزاد کیانی اینڈ برادرز", "3505/GRT"),
    ("مشہود انٹرپرائزز", "3506/KAR"),            # ... and Mashhood still
    ("طاہر اوورسیز ایس ایم سی پرائیویٹ لمیٹڈ", "3507/KAR"),   # «سی» after a name: legal
])
def test_script_loanwords_and_digraphs_are_read(loans: AgencyMatcher, text: str,
                                                licence: str) -> None:
    result = loans.check(text)
    assert result.verdict == "licensed"
    assert result.match.license_no == licence


# --- names in sentences: the sentence's own words (through, "k bare me", «قابل اعتماد») -------
SENTENCES = (small_lists.agency("3601/MLK", "Zarnab International"),
             small_lists.agency("3602/SKT", "Al-Qandeel Enterprises"),
             small_lists.agency("3603/LHR", "K & Sons HR Solutions"),
             small_lists.agency("3604/RWP", "Gulnar Recruiting Agency"),
             small_lists.agency("3605/PWR", "Kabul Traders"))   # «قابل» "able" reads as Kabul


@pytest.fixture(scope="module")
def sentences() -> AgencyMatcher:
    return small_lists.matcher(SENTENCES)


@pytest.mark.parametrize(("text", "licence"), [
    ("my cousin got a visa through Zarnab International, are they legit?", "3601/MLK"),
    ("Al-Qandeel Enterprises k bare me bataen", "3602/SKT"),
    ("kya K & Sons HR Solutions registered hai?", "3603/LHR"),   # "k" (ke) is a name's word
    ("گلنار ریکروٹنگ ایجنسی والے قابل اعتماد ہیں؟", "3604/RWP"),
])
def test_a_name_inside_a_sentence_is_found(sentences: AgencyMatcher, text: str,
                                           licence: str) -> None:
    result = sentences.check(text)
    assert result.verdict == "licensed"
    assert result.match.license_no == licence


def test_a_town_after_a_name_says_where_and_alone_is_a_name_word() -> None:
    matcher = small_lists.matcher([small_lists.agency("3701/MLK", "Daryal International"),
                                   small_lists.agency("3702/MLK", "Swat Enterprises"),
                                   small_lists.agency("3703/MLK", "Swat Corporation")])
    assert matcher.check("M/s Daryal International, Swat").match.license_no == "3701/MLK"
    assert matcher.check("Daryal International Mardan").match.license_no == "3701/MLK"
    assert matcher.check("Swat Enterprises").match.license_no == "3702/MLK"
    alone = matcher.check("Swat")
    assert alone.verdict == "similar"
    assert set(small_lists.licences(alone)) == {"3702/MLK", "3703/MLK"}
    assert matcher.check("Lahore").verdict == "not_found"


def test_a_long_vowel_the_script_writes_tells_two_names_apart() -> None:
    matcher = small_lists.matcher([small_lists.agency("3801/RWP", "Hameed Recruiting Agency"),
                                   small_lists.agency("3802/MLK", "Hammad Recruiting Agency"),
                                   small_lists.agency("3803/RWP", "Dollar Enterprises")])
    assert matcher.check("حمید ریکروٹنگ ایجنسی").match.license_no == "3801/RWP"   # ی: ee
    assert matcher.check("حماد ریکروٹنگ ایجنسی").match.license_no == "3802/MLK"   # ا: a
    assert matcher.check("حميد ريڪروٽنگ ايجنسي").match.license_no == "3801/RWP"
    assert matcher.check("ڈالر انٹرپرائزز").match.license_no == "3803/RWP"   # English o: ا


def test_a_word_that_is_two_list_words_or_a_slip_of_one_is_read_both_ways() -> None:
    matcher = small_lists.matcher([small_lists.agency("3901/PWR", "Gulbaden Brothers"),
                                   small_lists.agency("3902/KAR", "Gulba Dan Entt")])
    # "Gulbadan": a slip of Gulbaden (one vowel), or Gulba + Dan: only the slip names one
    # (not Gulbadin since 2026-12-02: the i of a last syllable typed a is another name,
    # Shabbar / Shabbir; see test_agency_dev5_rules.py)
    result = matcher.check("Gulbadan Brothers")
    assert result.verdict == "licensed"
    assert result.match.license_no == "3901/PWR"


def test_an_honorific_is_a_word_of_the_sentence() -> None:
    matcher = small_lists.matcher([small_lists.agency("4001/KAR", "Daryal Brothers"),
                                   small_lists.agency("4002/DGK", "Daryal Khan Overseas"),
                                   small_lists.agency("4003/MTN", "Sahar International")])
    result = matcher.check("Daryal sahab ki agency")     # not Sahar International
    assert result.verdict == "similar"
    assert set(small_lists.licences(result)[:2]) == {"4001/KAR", "4002/DGK"}


def test_find_identifier_reads_a_short_licence_number_for_the_reader() -> None:
    from bot.core.agencies import find_identifier

    assert find_identifier("lic no 35") == "0035"
    assert find_identifier("لائسنس نمبر ۳۵") == "0035"
    assert find_identifier("licence 35 karachi") == "0035"
    assert find_identifier("licence 3 saal pehle mila") is None
    assert find_identifier("3 mahine se salary nahi mili") is None
    assert find_identifier("OEP 35/KAR") == "0035/KAR"
