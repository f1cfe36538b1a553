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
