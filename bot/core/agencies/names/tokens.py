"""Free text -> words: Latin words and Urdu/Sindhi-script words, with their folded matching keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.core.romanize import fold_word, skeleton
from bot.core.text import match_form
from bot.core.transliterate import ASPIRATE, transliterate_word, urdu_letters

_ARABIC_RUN = "\u0600-\u06ff\u0750-\u077f\ue000"
_TOKEN = re.compile(rf"[a-z0-9]+|[{_ARABIC_RUN}]+")
_ARABIC = re.compile(rf"[{_ARABIC_RUN}]")
# "M/s" and "M/s." as one word, so that initials after it stay apart ("M/s. M.Y.B" is M.Y.B).
_MS = re.compile(r"(?<![a-z0-9])m\s*/\s*s(?![a-z0-9])\.?")


@lru_cache(maxsize=16_384)   # words of at most ~60 characters: a few MB at most
def fold(word: str) -> str:
    """`fold_word`, cached (a word list and a query fold the same words again and again)."""
    return fold_word(word)


@lru_cache(maxsize=16_384)   # words of at most ~60 characters: a few MB at most
def arabic_key(word: str) -> tuple[str, str, str]:
    """(transliteration, folded key, skeleton) of an Arabic-script word."""
    tr = transliterate_word(word)
    key = fold_word(tr)
    return tr, key, skeleton(key)


_DIGRAPH_HEH = re.compile(r"(sh|kh|gh)h")


@lru_cache(maxsize=16_384)   # words of at most ~60 characters: a few MB at most
def arabic_key_after_digraph(word: str) -> tuple[str, str, str] | None:
    """The key of an Arabic-script word read with a vowel between a digraph and a following ہ
    (شہزاد "shhzad" -> "shahzad", شہرام -> "shahram"), when it has one; else None. The
    transliteration's own key folds "shh" to "sh" (مشہود, Mashhood); names have both."""
    tr = transliterate_word(word)
    if not _DIGRAPH_HEH.search(tr):
        return None
    alt = _DIGRAPH_HEH.sub(r"\1ah", tr)
    key = fold_word(alt)
    return alt, key, skeleton(key)


def _strip_marks(text: str) -> str:
    """Combining marks (accents, harakat) removed."""
    if text.isascii():   # most names: no mark to remove
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def raw_tokens(text: str) -> list[str]:
    """Lower-case Latin words and folded Arabic-script words (ھ kept as `ASPIRATE`), in order.

    Runs of single Latin letters are joined: "O.E.P" -> "oep", "p v t" -> "pvt". A message is
    read several times (plain and dual readings, the places of a sentence), so the last texts
    of up to 1,000 characters are remembered (bounded: 256 of them).
    """
    if len(text) <= 1_000:
        return list(_raw_tokens_cached(text))
    return _raw_tokens(text)


@lru_cache(maxsize=256)
def _raw_tokens_cached(text: str) -> tuple[str, ...]:
    return tuple(_raw_tokens(text))


def _raw_tokens(text: str) -> list[str]:
    form = _strip_marks(match_form(text.replace("ھ", ASPIRATE)))
    form = _MS.sub(" messrs ", form.replace("&", " and ").replace("'", ""))
    out: list[str] = []
    run: list[str] = []
    for tok in _TOKEN.findall(form):
        if len(tok) == 1 and tok.isalpha() and tok.isascii():
            run.append(tok)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(urdu_letters(tok) if _ARABIC.match(tok) else tok)
    if run:
        out.append("".join(run))
    return out


def lex(tok: str) -> str:
    """The form used for word-list look-ups (ھ and ہ alike)."""
    return tok.replace(ASPIRATE, "ہ")


def is_arabic(token: str) -> bool:
    """Does this token start with an Arabic-script letter?"""
    return bool(_ARABIC.match(token))
