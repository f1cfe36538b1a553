"""Roman-Urdu spelling folding: one matching key for the many ways a name is written in Latin.

People write the same name as Shaheen / Shahin, Madina / Madinah / Medina, Noor / Nur,
Rehman / Rahman, Farooq / Faruq / Farook, Hussain / Hussein. `fold_word` maps all of those to one
key; `skeleton` goes further (consonants only) so that a transliterated Urdu-script word, which
has no short vowels, can be compared with a Latin one. Both are for matching only, never display.
"""

from __future__ import annotations

import re
import unicodedata

# Applied in order on a lower-case ASCII word.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
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
    """The Roman-Urdu matching key of one word: Shaheen/Shahin -> "shahin", Madinah -> "madina"."""
    key = ascii_fold(word)
    if not key or key.isdigit():
        return key
    for pattern, repl in _RULES:
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
