"""Urgent words (passport taken, locked in, beaten …) that bring up the helpline at once."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.core.text import match_form


def _form(text: str) -> str:
    return " " + re.sub(r"[^\w]+", " ", match_form(text)).strip() + " "


class UrgentWords:
    def __init__(self, phrases: dict[str, list[str]]) -> None:
        # phrase words, indexed by their first word: a message is read once, word by word
        self._by_first: dict[str, list[list[str]]] = {}
        for words in sorted({tuple(_form(p).split()) for items in phrases.values() for p in items}):
            if words:
                self._by_first.setdefault(words[0], []).append(list(words))

    @classmethod
    def load(cls, path: Path) -> UrgentWords:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected one list of phrases per language (en:, ur:, sd:)")
        return cls({str(k): [str(p) for p in v or []] for k, v in data.items()})

    def found_in(self, text: str) -> bool:
        """True when the text contains one of the phrases as whole words."""
        words = _form(text).split()
        for i, word in enumerate(words):
            for phrase in self._by_first.get(word, ()):
                if words[i:i + len(phrase)] == phrase:
                    return True
        return False
