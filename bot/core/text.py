"""Text normalisation shared by matching, language detection and answering.

Everything here is pure and fast: it runs on every message.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width, bidi embedding/override/isolate marks, BOM, soft hyphen, Arabic tatweel.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x061C, 0x0640, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061,
     0x2062, 0x2063, 0x2064, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)

# Urdu (Extended Arabic-Indic) and Arabic-Indic digits to ASCII.
_DIGITS = {cp: ord("0") + i for i, cp in enumerate(range(0x06F0, 0x06FA))}
_DIGITS.update({cp: ord("0") + i for i, cp in enumerate(range(0x0660, 0x066A))})

# Arabic-script letter variants folded to one form for matching (not for display).
_ARABIC_FOLD = str.maketrans({
    "ي": "ی", "ى": "ی", "ې": "ی", "ۍ": "ی", "ئ": "ی",
    "ك": "ک", "ڪ": "ک", "گ": "گ",
    "ه": "ہ", "ھ": "ہ", "ۀ": "ہ", "ە": "ہ", "ة": "ہ", "ۃ": "ہ",
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ؤ": "و", "ۓ": "ے",
    "،": ",", "؛": ";", "؟": "?", "۔": ".", "٪": "%",
})
# Arabic diacritics (harakat), superscript alef, small high marks.
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


def clean(text: str, *, max_len: int | None = None) -> str:
    """NFKC, drop invisible/bidi/control characters, collapse white space.

    Safe for display as well as matching: it never changes letters.
    """
    if max_len is not None and len(text) > max_len:
        text = text[:max_len]
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def ascii_digits(text: str) -> str:
    """Urdu ۰-۹ and Arabic-Indic ٠-٩ digits to 0-9."""
    return text.translate(_DIGITS)


def fold_arabic(text: str) -> str:
    """Fold Arabic/Urdu/Sindhi letter variants (ي/ی, ك/ک/ڪ, ه/ہ/ھ/ة …) and drop diacritics."""
    return _ARABIC_MARKS.sub("", text.translate(_ARABIC_FOLD))


def has_arabic_script(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text)


def match_form(text: str) -> str:
    """The form used for comparisons: cleaned, casefolded, ASCII digits, Arabic letters folded."""
    return fold_arabic(ascii_digits(clean(text))).casefold()
