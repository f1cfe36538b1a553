"""The text toolkit: the one place that owns how the bot reads letters.

- `clean`: NFKC, invisible/bidi/control characters dropped, white space collapsed.
- Script: `is_arabic_char` / `has_arabic_script` (one set of Arabic-script ranges).
- Digits: `ascii_digits` folds Urdu ۰-۹ and Arabic-Indic ٠-٩ onto 0-9 (NFKC in `clean`
  already folds full-width digits).
- Arabic-script letters: `fold_arabic` (ي/ی, ك/ک/ڪ, ه/ہ/ھ … and diacritics), `urdu_letters`
  (the one Sindhi -> Urdu letter map), `loose_arabic` (matching form for content words).
- Roman Urdu / Roman Sindhi: `fold_roman` (words: theek/thik, nahin/nahi, v/w) and
  `fold_word` / `skeleton` (names: Shaheen/Shahin, consonant skeletons). One rule for w/v in
  both: v -> w.
- `transliterate`: Urdu/Sindhi script -> a Latin matching key.

Everything here is pure and fast: it runs on every message. Matching forms are never shown.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# --- cleaning -----------------------------------------------------------------------------

# Zero-width, bidi embedding/override/isolate marks, BOM, soft hyphen, Arabic tatweel.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x061C, 0x0640, 0x180E, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061,
     0x2062, 0x2063, 0x2064, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
# What `clean` would change in NFKC text: an invisible or control character, white space
# other than one space between words.
_UNCLEAN = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
                      "|[^\\S ]|  |^ | $")


def clean(text: str, *, max_len: int | None = None) -> str:
    """NFKC, drop invisible/bidi/control characters, collapse white space.

    Safe for display as well as matching: it never changes letters. Clean text comes back
    as it is, quickly (a message is cleaned once and read by several stages).
    """
    if max_len is not None and len(text) > max_len:
        text = text[:max_len]
    if unicodedata.is_normalized("NFKC", text) and _UNCLEAN.search(text) is None:
        return text
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


# --- script ------------------------------------------------------------------------------

# Arabic, Arabic Supplement, Arabic Extended-A, Presentation Forms A and B (NFKC folds the
# presentation forms, but text that was not cleaned may still carry them).
ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
                 (0xFE70, 0xFEFF))
ARABIC_CLASS = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ARABIC_RANGES)  # for regexes


_ARABIC_RE = re.compile(f"[{ARABIC_CLASS}]")


def is_arabic_char(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or (ch >= "\u0750" and _ARABIC_RE.match(ch) is not None)


def has_arabic_script(text: str) -> bool:
    return _ARABIC_RE.search(text) is not None


def count_arabic(text: str) -> int:
    """How many Arabic-script characters `text` has."""
    return len(_ARABIC_RE.findall(text))


# --- digits ------------------------------------------------------------------------------

# Extended Arabic-Indic (Urdu, Sindhi) and Arabic-Indic digits to ASCII.
_DIGITS = {cp: ord("0") + i for i, cp in enumerate(range(0x06F0, 0x06FA))}
_DIGITS.update({cp: ord("0") + i for i, cp in enumerate(range(0x0660, 0x066A))})


def ascii_digits(text: str) -> str:
    """Urdu ۰-۹ and Arabic-Indic ٠-٩ digits to 0-9."""
    return text.translate(_DIGITS)


# --- Arabic-script letters ---------------------------------------------------------------

# Letter variants folded to one form for matching (not for display).
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

ASPIRATE = "\ue000"   # stands for do-chashmi heh (ھ) where it must not fold into ہ

# Sindhi letters -> the Urdu letter(s) that look and sound alike. The one Sindhi -> Urdu map.
SINDHI_TO_URDU: dict[str, str] = {
    "ٽ": "ٹ", "ٿ": "ت" + ASPIRATE, "ٺ": "ٹ" + ASPIRATE, "ڊ": "ڈ", "ڏ": "د", "ڌ": "د" + ASPIRATE,
    "ڍ": "ڈ" + ASPIRATE, "ڙ": "ڑ", "ڻ": "ن", "ڄ": "ج", "ڃ": "ن", "ڇ": "چ", "ٻ": "ب",
    "ڀ": "ب" + ASPIRATE, "ڳ": "گ", "ڱ": "نگ", "ڦ": "پ" + ASPIRATE, "ڪ": "ک",
}
_SINDHI_TO_URDU = str.maketrans(SINDHI_TO_URDU)
# Looser still, for content words (not names): spellings that differ between writers.
_LOOSE = str.maketrans({"ے": "ی", "ں": "ن", "ء": "", "ۄ": "و", ASPIRATE: ""})
SINDHI_LETTERS = frozenset("ڪڻڄٻڀٽٿڊڌڏڍڙڳڱڃڇ۾ٺڦ")   # letters only Sindhi uses
URDU_LETTERS = frozenset("ٹڈڑںہے")                      # letters Sindhi does not use


def fold_arabic(text: str) -> str:
    """Fold Arabic/Urdu/Sindhi letter variants (ي/ی, ك/ک/ڪ, ه/ہ/ھ/ة …) and drop diacritics."""
    return _ARABIC_MARKS.sub("", text.translate(_ARABIC_FOLD))


def urdu_letters(text: str, *, keep_aspirate: bool = False) -> str:
    """Sindhi letters mapped to their Urdu look-alikes (aspiration of ٿ ڀ ڦ … as `ASPIRATE`),
    then letter variants folded. With `keep_aspirate`, ھ becomes `ASPIRATE` too instead of ہ.
    """
    if keep_aspirate:
        text = text.replace("ھ", ASPIRATE)
    return fold_arabic(text.translate(_SINDHI_TO_URDU))


def match_form(text: str) -> str:
    """The form used for comparisons: cleaned, casefolded, ASCII digits, Arabic letters folded."""
    return fold_arabic(ascii_digits(clean(text))).casefold()


def _loose_table() -> dict[int, str]:
    """ASCII digits, Sindhi letters on Urdu ones, letter variants folded, diacritics dropped,
    then `_LOOSE`: the steps of `loose_arabic` (each a character-by-character map) as one table."""
    def steps(ch: str) -> str:
        return fold_arabic(ascii_digits(ch).translate(_SINDHI_TO_URDU)).translate(_LOOSE)

    chars = {*map(chr, _DIGITS), *SINDHI_TO_URDU, *map(chr, _ARABIC_FOLD), *map(chr, _LOOSE),
             *(chr(c) for c in range(0x0600, 0x0700)), *(chr(c) for c in range(0x08D0, 0x0900))}
    return {ord(ch): steps(ch) for ch in chars if steps(ch) != ch}


_LOOSE_ALL = _loose_table()


def loose_arabic(text: str) -> str:
    """`match_form`, then Sindhi letters on their Urdu neighbours without aspiration, ے/ی and
    ں/ن merged: the form in which an Urdu and a Sindhi content word can meet."""
    return clean(text).translate(_LOOSE_ALL).casefold()


# --- Roman Urdu and Roman Sindhi: words ---------------------------------------------------

_ROMAN_RULES = [
    (re.compile(r"ph"), "f"),
    (re.compile(r"q"), "k"),
    (re.compile(r"v"), "w"),   # the one w/v rule (as in names)
    (re.compile(r"ee"), "i"),  # theek/thik, zaroori/zaruri
    (re.compile(r"oo"), "u"),
    (re.compile(r"aa"), "a"),  # kahaan/kahan
    (re.compile(r"y"), "i"),
    (re.compile(r"ai|ei|ey"), "e"),  # hai/hay/he, paisay/paise, kaise/kese
    (re.compile(r"ie$|ia$"), "i"),  # chahie/chahiye
    (re.compile(r"ou"), "u"),
    (re.compile(r"(?<=[aeiou])h$"), ""),  # final h after a vowel: kah/ka, yeh/ye
    (re.compile(r"hin$"), "hi"),  # nahin/nahi
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters: zarurri/zaruri, fees/fes
]
_DOUBLES = _ROMAN_RULES[-1][0]


@functools.lru_cache(maxsize=50_000)
def fold_roman(word: str) -> str:
    """One spelling for the many ways a Roman-Urdu word is typed (also applied to English)."""
    w = word
    for pattern, repl in _ROMAN_RULES:
        w = pattern.sub(repl, w)
    return _DOUBLES.sub(r"\1", w) or word


# --- words for phrase lists ---------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans("", "", "'’`")


def match_words(text: str, *, limit: int | None = None) -> list[str]:
    """The words of `text` in the form phrase lists are compared in (content/urgent.yaml,
    small_talk.yaml …): Arabic script `loose_arabic`, Latin `fold_roman`, digits ASCII."""
    found = _WORD.findall(loose_arabic(text.translate(_APOSTROPHES)))
    if limit is not None:
        found = found[:limit]
    return [w if is_arabic_char(w[0]) else fold_roman(w) for w in found]


# --- Roman Urdu: names --------------------------------------------------------------------

# Applied in order on a lower-case ASCII word.
_NAME_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"^uni", "yuni"),                # United, Unique: یونائیٹڈ
        (r"tion|ssion", "shan"),
        (r"sion", "zhan"),
        (r"ture", "chur"),
        (r"tune", "chun"),
        (r"gh(?=t)", ""),
        (r"(?<=[aeiou])s(?=ia$)", "sh"),     # Asia, Malaysia: ایشیا
        (r"ph", "f"),
        (r"ck", "k"),
        (r"qu(?=[ie])", "k"),
        (r"q", "k"),
        (r"x", "ks"),
        (r"sc(?=[eiy])", "s"),
        (r"c(?=[eiy])", "s"),
        (r"ch", "\x01"),        # protect ch while c -> k
        (r"c", "k"),
        (r"\x01", "ch"),
        (r"v", "w"),
        (r"zh", "z"),
        (r"ee|ea|ie", "i"),
        (r"oo|ou|au|aw(?=[^aeiou]|$)", "u"),
        (r"o", "u"),
        (r"ai|ei|ay(?![aeiou])|ey(?![aeiou])", "e"),
        (r"e", "a"),
        (r"y$", "i"),
        (r"(?<=[^aeiou])y(?=[^aeiou])", "i"),
        (r"(.)\1+", r"\1"),
        (r"(?<=[aiu])h$", ""),
    )
)
# Digraphs that are one sound; kept as one symbol in a skeleton.
# (th, bh, dh … are two letters in Urdu script too: ت+ھ, so they stay two symbols.)
_DIGRAPHS = (("sh", "S"), ("kh", "X"), ("gh", "G"), ("ch", "C"))
_NOT_SKELETON = re.compile(r"[aeiouwy]")
_NON_ASCII_LETTER = re.compile(r"[^a-z0-9]")


def ascii_fold(text: str) -> str:
    """Lower-case, accents removed (ā -> a), only a-z and 0-9 kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ASCII_LETTER.sub("", stripped)


def fold_word(word: str) -> str:
    """The Roman-Urdu matching key of a name word: Shaheen/Shahin -> "shahin", Madinah -> "madina"."""
    key = ascii_fold(word)
    if not key or key.isdigit():
        return key
    for pattern, repl in _NAME_RULES:
        key = pattern.sub(repl, key)
    return key


def skeleton(key: str) -> str:
    """Consonant skeleton of a folded key (short vowels are not written in Urdu script).

    w/y are dropped too (و and ی are vowels as often as consonants), z is merged with s and a
    final h is dropped (مدینہ and Madina agree).
    """
    if key.isdigit():
        return key
    for digraph, symbol in _DIGRAPHS:
        key = key.replace(digraph, symbol)
    key = _NOT_SKELETON.sub("", key).replace("z", "s")
    key = re.sub(r"(.)\1+", r"\1", key)
    if len(key) > 1 and key.endswith("h"):
        key = key[:-1]
    return key


# --- transliteration ----------------------------------------------------------------------

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
