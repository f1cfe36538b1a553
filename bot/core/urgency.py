"""Signs that a person may be in danger now (content/urgent.yaml; its header explains the rules).

A message is read once into words (spelling folded by `bot.core.text`); each phrase is a short
sequence of words, some of them stems that take the word endings of their script, matched in
order with a few other words allowed between. Signs that are urgent only together ("unpaid"
and "months", "missing" and a relative) and short cries for help ("save me") are rules of
the same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.text import match_words

MAX_WORDS = 800  # a longer story is read from its first 800 words


def words(text: str) -> list[str]:
    """The words of `text` in the form phrases are compared in."""
    return match_words(text, limit=MAX_WORDS)


@dataclass(frozen=True)
class _Word:
    key: str
    stem: bool  # takes endings
    tight: bool = False  # must come right after the word before it (written "let_me_leave")

    def matches(self, token: str, endings: frozenset[str]) -> bool:
        if token == self.key:
            return True
        return self.stem and token.startswith(self.key) and token[len(self.key):] in endings


@dataclass(frozen=True)
class _Phrase:
    sign: str
    words: tuple[_Word, ...]


class UrgentWords:
    """Reads a message for signs of danger. Build once (`load`); `signs` is thread-safe."""

    def __init__(self, data: dict) -> None:
        if "signs" not in data:  # the old format: one list of phrases per language
            data = {"signs": {"urgent": data}}
        self.gap = int(data.get("gap", 3))
        self.cry_max_words = int(data.get("cry_max_words", 6))
        endings = data.get("endings") or {}
        self._endings = frozenset(
            form for e in [*endings.get("latin", ()), *endings.get("arabic", ())]
            for form in [*words(str(e))[:1], str(e)])
        self._alone: set[str] = set()
        phrases: list[_Phrase] = []
        for sign, spec in (data.get("signs") or {}).items():
            spec = spec or {}
            if spec.get("alone", True):
                self._alone.add(str(sign))
            for lang, items in spec.items():
                if lang != "alone":
                    phrases += [p for p in (self._phrase(str(sign), str(i)) for i in items or ()) if p]
        self._together = [frozenset(map(str, combo)) for combo in data.get("together") or ()]
        self._cries = [p for items in (data.get("cries") or {}).values()
                       for p in (self._phrase("cry", str(i)) for i in items or ()) if p]
        self._not_with_cry = frozenset(k for w in data.get("not_with_cry") or () for k in words(str(w)))
        # phrases by the first three letters of their first word: a message is read once
        self._index: dict[str, list[_Phrase]] = {}
        for phrase in phrases + self._cries:
            self._index.setdefault(phrase.words[0].key[:3], []).append(phrase)

    @staticmethod
    def _phrase(sign: str, text: str) -> _Phrase | None:
        parts = []
        for group in text.split():
            for j, raw in enumerate(group.split("_")):   # "let_me_leave": no word between
                stem = raw.endswith("*")
                keys = words(raw.rstrip("*"))
                parts += [_Word(k, stem and i == len(keys) - 1, tight=j > 0 and i == 0)
                          for i, k in enumerate(keys)]
        return _Phrase(sign, tuple(parts)) if parts else None

    @classmethod
    def load(cls, path: Path) -> UrgentWords:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected `signs:` (see the comments at the top of the file)")
        try:
            return cls(data)
        except (AttributeError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: {exc}") from exc

    def _found(self, phrase: _Phrase, tokens: list[str], start: int) -> bool:
        pos = start
        for word in phrase.words[1:]:
            for nxt in range(pos + 1, min(len(tokens), pos + 2 + (0 if word.tight else self.gap))):
                if word.matches(tokens[nxt], self._endings):
                    pos = nxt
                    break
            else:
                return False
        return True

    def signs(self, text: str, tokens: list[str] | None = None) -> frozenset[str]:
        """The names of the signs found in `text` ("violence", "unpaid", "cry" …).
        `tokens`: `words(text)`, when the caller has them already."""
        tokens = words(text) if tokens is None else tokens[:MAX_WORDS]
        found: set[str] = set()
        for i, token in enumerate(tokens):
            for phrase in self._index.get(token[:3], ()):
                if phrase.sign not in found and phrase.words[0].matches(token, self._endings) \
                        and self._found(phrase, tokens, i):
                    found.add(phrase.sign)
        if "cry" in found and (len(tokens) > self.cry_max_words
                               or any(t in self._not_with_cry for t in tokens)):
            found.discard("cry")
        return frozenset(found)

    def is_urgent(self, signs: frozenset[str]) -> bool:
        return bool(signs & self._alone) or "cry" in signs or any(c <= signs for c in self._together)

    def found_in(self, text: str) -> bool:
        """True when the text shows that the person may be in danger now."""
        return self.is_urgent(self.signs(text))
