"""Urdu-script and Sindhi-script words -> a Latin matching key.

Rule-based letter mapping, tuned for names: فلاح -> "flah", شاہین -> "shahin", اوورسیز -> "owrsiz".
Short vowels are not written in either script, so the key is then compared through the
consonant skeleton of `bot.core.romanize` (فلاح and Falah both give "fl").
Input is expected in `text.match_form` (letter variants already folded: ی ک ہ).
"""

from __future__ import annotations

from bot.core.text import fold_arabic

# Consonants (and Sindhi letters) with one reading.
_LETTERS: dict[str, str] = {
    "ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh",
    "د": "d", "ڈ": "d", "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh",
    "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ک": "k",
    "گ": "g", "ل": "l", "م": "m", "ن": "n", "ں": "n", "ء": "", "ۓ": "e", "ے": "e",
    # Sindhi
    "ٽ": "t", "ٿ": "th", "ٺ": "th", "ڊ": "d", "ڏ": "d", "ڌ": "dh", "ڍ": "dh", "ڙ": "r",
    "ڻ": "n", "ڄ": "j", "ڃ": "n", "ڇ": "ch", "ٻ": "b", "ڀ": "bh", "ڳ": "g", "ڱ": "ng",
    "ڦ": "ph", "ڪ": "k",
}
_VOWEL_LETTERS = frozenset("اویہ")
ASPIRATE = "\ue000"   # stands for do-chashmi heh (ھ) where it must not fold into ہ

# Sindhi letters -> the Urdu letter that looks and sounds alike (for word-list look-ups).
_SINDHI_TO_URDU = str.maketrans({
    "ٽ": "ٹ", "ٿ": "ت\ue000", "ٺ": "ٹ\ue000", "ڊ": "ڈ", "ڏ": "د", "ڌ": "د\ue000",
    "ڍ": "ڈ\ue000", "ڙ": "ڑ", "ڻ": "ن", "ڄ": "ج", "ڃ": "ن", "ڇ": "چ", "ٻ": "ب",
    "ڀ": "ب\ue000", "ڳ": "گ", "ڱ": "نگ", "ڦ": "پ\ue000", "ڪ": "ک",
})


def urdu_letters(text: str, *, keep_aspirate: bool = False) -> str:
    """Sindhi letters mapped to their Urdu look-alikes, then letter variants folded.

    With `keep_aspirate`, ھ (aspiration: تھ بھ) becomes `ASPIRATE` instead of ہ.
    """
    if keep_aspirate:
        text = text.replace("ھ", ASPIRATE)
    return fold_arabic(text.translate(_SINDHI_TO_URDU))


def _waw(word: str, i: int) -> str:
    if i == 0:
        return "w"
    prev = word[i - 1]
    if prev in "ا":
        return "w" if i + 1 < len(word) and word[i + 1] in _VOWEL_LETTERS else "o"
    if prev == "و":
        return ""          # اوور: the second waw adds nothing to the key
    return "u" if i + 1 < len(word) and word[i + 1] not in _VOWEL_LETTERS else "o"


def _yeh(word: str, i: int) -> str:
    if i == 0:
        return "y"
    if word[i - 1] == "ا" and i + 1 < len(word):
        return "y" if word[i + 1] in _VOWEL_LETTERS else "i"
    return "i"


def _heh(word: str, i: int) -> str:
    if i == len(word) - 1 and i > 0 and word[i - 1] not in _VOWEL_LETTERS:
        return "a"          # مدینہ -> madina, ستارہ -> sitara
    return "h"


def transliterate_word(word: str) -> str:
    """One Arabic-script word (already folded) -> lower-case Latin letters."""
    out: list[str] = []
    for i, ch in enumerate(word):
        if ch in "حہ" and out and out[-1] and out[-1][-1] in "skgc":
            out.append("a")   # صحارا is sa-hara, not sha-ra
        if ch == "ا":
            out.append("a")
        elif ch == "و":
            out.append(_waw(word, i))
        elif ch == "ی":
            out.append(_yeh(word, i))
        elif ch == "ہ":
            out.append(_heh(word, i))
        elif ch == ASPIRATE:
            out.append("h")
        elif ch in _LETTERS:
            out.append(_LETTERS[ch])
        elif ch.isascii() and ch.isalnum():
            out.append(ch.lower())
    return "".join(out)


def transliterate(text: str) -> str:
    """Arabic-script text -> Latin key, word by word (Latin words pass through lower-cased)."""
    return " ".join(transliterate_word(fold_arabic(w)) for w in text.split())
