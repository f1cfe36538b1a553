"""Normalisation used for matching: text.py, romanize.py, transliterate.py."""

from __future__ import annotations

import pytest

from bot.core.romanize import fold_word, skeleton
from bot.core.text import ascii_digits, clean, fold_arabic, has_arabic_script, match_form
from bot.core.transliterate import transliterate, urdu_letters


def test_clean_removes_invisible_and_control_characters() -> None:
    assert clean("\u200fAl\u200b-Falah\x00  Overseas\u202c ") == "Al-Falah Overseas"
    assert clean("x" * 50, max_len=10) == "x" * 10
    assert clean("\x01\x02\u200d") == ""


def test_clean_is_nfkc() -> None:
    assert clean("ﬁve ＡＢＣ") == "five ABC"


def test_ascii_digits() -> None:
    assert ascii_digits("۱۲۳۴/LHR ٠٣٠٠") == "1234/LHR 0300"


def test_fold_arabic_letter_variants() -> None:
    assert fold_arabic("كيا") == fold_arabic("کیا")
    assert fold_arabic("ڪراچي") == fold_arabic("کراچی")
    assert fold_arabic("مدينة") == fold_arabic("مدینہ")
    assert fold_arabic("مُحَمَّد") == "محمد"


def test_match_form() -> None:
    assert match_form("  AL-FALAH\u200f ") == "al-falah"
    assert has_arabic_script("الفلاح") and not has_arabic_script("Al Falah")


@pytest.mark.parametrize("variants", [
    ("Shaheen", "Shahin", "SHAHEEN"), ("Madina", "Madinah", "Medina"), ("Noor", "Nur"),
    ("Rehman", "Rahman"), ("Farooq", "Faruq", "Farook"), ("Hussain", "Hussein"),
    ("Mohammad", "Muhammad", "Mohammed"), ("Siddiqui", "Siddiqi"), ("Phalah", "Falah"),
    ("Tigerr", "Tiger"), ("Qureshi", "Kureshi"), ("Javed", "Javaid"),
])
def test_roman_urdu_spellings_fold_together(variants: tuple[str, ...]) -> None:
    assert len({fold_word(v) for v in variants}) == 1


@pytest.mark.parametrize(("a", "b"), [("Star", "Gulf"), ("Hassan", "Hussain"), ("Sun", "Sons")])
def test_different_words_stay_different(a: str, b: str) -> None:
    assert fold_word(a) != fold_word(b)


@pytest.mark.parametrize(("urdu", "latin"), [
    ("فلاح", "Falah"), ("شاہین", "Shaheen"), ("مدینہ", "Madina"), ("نور", "Noor"),
    ("گلوبل", "Global"), ("کریسنٹ", "Crescent"), ("رحمت", "Rehmat"), ("بحرین", "Bahrain"),
    ("زینتھ", "Zenith"), ("ایشیا", "Asia"), ("فیوچر", "Future"), ("برائٹ", "Bright"),
])
def test_transliteration_meets_latin_on_the_skeleton(urdu: str, latin: str) -> None:
    key = transliterate(match_form(urdu.replace("ھ", "\ue000")))
    assert skeleton(fold_word(key)) == skeleton(fold_word(latin))


def test_transliterate_examples() -> None:
    assert transliterate("فلاح") == "flah"
    assert transliterate("شاہین") == "shahin"
    assert fold_word(transliterate("اوورسیز")).startswith("u")


def test_sindhi_letters_fold_to_urdu() -> None:
    assert urdu_letters("ڪراچي") == urdu_letters("کراچی")
    assert urdu_letters("رجسٽرڊ") == urdu_letters("رجسٹرڈ")


def test_one_arabic_script_check_covers_every_block() -> None:
    from bot.core.text import is_arabic_char

    for ch in ("ا", "ڪ", "ݨ", "ࢠ", "ﻻ", "ﷲ"):   # Arabic, Supplement, Extended-A, forms A/B
        assert is_arabic_char(ch) and has_arabic_script(f"x{ch}")
    assert not has_arabic_script("abc 123 ۔".replace("۔", ""))


def test_one_sindhi_to_urdu_map_and_one_w_v_rule() -> None:
    from bot.core.text import SINDHI_TO_URDU, fold_roman, fold_word, loose_arabic

    assert SINDHI_TO_URDU["ڃ"] == "ن"                 # one reading of ڃ everywhere
    assert loose_arabic("وڃڻ") == loose_arabic("ونن")
    assert urdu_letters("ٿو").replace("\ue000", "") == "تو"
    # Roman folding for words and for names agree on w/v
    assert fold_roman("vapas") == fold_roman("wapas")
    assert fold_word("Vasi") == fold_word("Wasi")


def test_digits_in_three_scripts() -> None:
    assert ascii_digits("۰۳۰۰ ٠٣٠٠ 0300") == "0300 0300 0300"


def test_old_modules_still_export_the_toolkit() -> None:
    from bot.core import romanize, text
    from bot.core import transliterate as tr

    assert romanize.fold_word is text.fold_word and tr.transliterate is text.transliterate


def test_languages_have_one_fallback() -> None:
    from bot.core.languages import DEFAULT, LANGUAGES, language_for_code

    assert LANGUAGES == ("en", "ur", "sd")
    assert language_for_code("en-GB") == "en" and language_for_code("sd") == "sd"
    assert language_for_code(None) == DEFAULT == language_for_code("ar")
