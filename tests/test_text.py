"""Normalisation used for matching: text.py, romanize.py, transliterate.py."""

from __future__ import annotations

import re
import unicodedata

import pytest

from bot.core.romanize import fold_word, skeleton
from bot.core.text import (
    ASPIRATE,
    ascii_digits,
    clean,
    fold_arabic,
    has_arabic_script,
    loose_arabic,
    match_form,
)
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


# What `clean` promises, spelled out independently of how it is done (it returns clean text
# at once, without these steps): NFKC, invisible/bidi characters dropped, control characters
# as spaces, white space collapsed to one space, no space at either end.
_INVISIBLE = {0x00AD, 0x061C, 0x0640, 0x180E, 0xFEFF, *range(0x200B, 0x2010),
              *range(0x2060, 0x2065), *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _clean_by_its_steps(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKC", text) if ord(c) not in _INVISIBLE)
    return re.sub(r"\s+", " ", _CONTROL.sub(" ", text)).strip()


def _every_bmp_character() -> list[str]:
    return [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000]


def test_clean_gives_what_its_steps_give_for_every_character() -> None:
    for ch in _every_bmp_character():
        for text in (ch, f"a{ch}b", f"{ch} ", f" {ch}", f"ب{ch}{ch}ب", f"x  {ch}"):
            assert clean(text) == _clean_by_its_steps(text), hex(ord(ch))
    for text in ("already clean text", "ایجنٹ کی فیس", "two  spaces", "tab\there", "end "):
        assert clean(text) == _clean_by_its_steps(text)
        assert clean(clean(text)) == clean(text)


def test_loose_arabic_gives_what_its_steps_give_for_every_character() -> None:
    # match_form without diacritics, Sindhi letters on Urdu ones, then ے/ی and ں/ن merged,
    # hamza and aspiration dropped
    loose = str.maketrans({"ے": "ی", "ں": "ن", "ء": "", "ۄ": "و", ASPIRATE: ""})

    def by_steps(text: str) -> str:
        return urdu_letters(ascii_digits(clean(text))).casefold().translate(loose)

    for ch in _every_bmp_character():
        assert loose_arabic(ch) == by_steps(ch), hex(ord(ch))
    for text in ("ڪراچي ۾ ايجنٽ", "ٿيو ڀاءُ ڦري", "ایجنٹ نے پیسے لیے۔", "Agent ۱۲۳ ٹکٹ", "مُحَمَّد"):
        assert loose_arabic(text) == by_steps(text)
