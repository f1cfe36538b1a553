"""The word lists the reading of free text uses, loaded from content/:

- `small_talk.yaml`: greetings, thanks, goodbyes, "ok" (SmallTalk)
- `recruiter.yaml`: what makes a message a recruiter look-up (RecruiterWords)
- `countries.yaml`: destination countries and their guide topics (Countries)

Every phrase is compared in `text.match_words` form (spelling folded), so a list holds one
spelling of a word, not all of them. A file that is missing gives an empty list (the bot
still works, only without that reading); a broken file is a load error. The content scan
(`content check`, /reload, start-up) reads these files safely and builds the lists with
`from_data`; a `WordListError` names the place in the file (`where`) so that the scan can
report its line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bot.core.text import match_words

Words = tuple[str, ...]
FUZZY_MIN_LEN = 5      # a Latin word this long may carry one typo ("shukirya", "assalam")
FUZZY_CUTOFF = 84


Where = tuple[str | int, ...]   # keys and list positions from the top of the file


class WordListError(ValueError):
    """A word list that cannot be read: `where` in `path` (keys, then a list position)."""

    def __init__(self, path: Path, where: Where, message: str) -> None:
        self.path, self.where, self.message = path, where, message
        place = ".".join(str(k) for k in where if isinstance(k, str))
        super().__init__(f"{path}: {place + ': ' if place else ''}{message}")


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    return _mapping(yaml.safe_load(path.read_text(encoding="utf-8")), path)


def _mapping(data: object, path: Path, where: Where = ()) -> dict:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise WordListError(path, where, "expected names followed by ':' (see the comments at "
                            "the top of the file)")
    return data


def _phrases(items: object, path: Path, where: Where) -> list[Words]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise WordListError(path, where, "expected a list of phrases in [ ]")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise WordListError(path, (*where, i), f"{item!r} is not text; put it in quotes "
                                "(YAML reads yes/no/on/off as true/false)")
        words = tuple(match_words(item))
        if words:
            out.append(words)
    return out


class PhraseSet:
    """Phrases (word tuples) to find in a message, longest first at each place. Indexed by
    their first word, so a message is read once and most words cost one look-up."""

    def __init__(self, phrases: Iterable[Words] = ()) -> None:
        self.phrases = frozenset(phrases)
        lengths: dict[str, set[int]] = {}
        for phrase in self.phrases:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
        self._lengths = {word: sorted(ks, reverse=True) for word, ks in lengths.items()}

    def __contains__(self, phrase: object) -> bool:
        return phrase in self.phrases

    def spans(self, tokens: list[str]) -> list[tuple[int, int]]:
        """Spans (start, end) of the phrases found in `tokens`, longest first at each place."""
        spans = []
        i, n = 0, len(tokens)
        while i < n:
            for k in self._lengths.get(tokens[i], ()):
                if k <= n - i and tuple(tokens[i:i + k]) in self.phrases:
                    spans.append((i, i + k))
                    i += k
                    break
            else:
                i += 1
        return spans


class SmallTalk:
    """Greetings, thanks, goodbyes: `kind_of(tokens)` -> "salam" | "thanks" | … | None."""

    MAX_WORDS = 14  # every word must be small talk or filler; the cap only bounds the work

    def __init__(self, kinds: dict[Words, str], filler: frozenset[str]) -> None:
        self.kinds = kinds
        self.filler = filler
        self._longest = max((len(p) for p in kinds), default=1)
        self._single = sorted({p[0] for p in kinds if len(p) == 1 and len(p[0]) >= FUZZY_MIN_LEN
                               and p[0].isascii()})

    @classmethod
    def load(cls, path: Path) -> SmallTalk:
        return cls.from_data(_read(path), path)

    @classmethod
    def from_data(cls, data: object, path: Path) -> SmallTalk:
        """Build from the parsed file; raises WordListError."""
        data = _mapping(data, path)
        kinds: dict[Words, str] = {}
        for kind, by_lang in _mapping(data.get("kinds"), path, ("kinds",)).items():
            for lang, items in _mapping(by_lang, path, ("kinds", kind)).items():
                for words in _phrases(items, path, ("kinds", kind, lang)):
                    kinds.setdefault(words, str(kind))
        filler = frozenset(w for p in _phrases(data.get("filler"), path, ("filler",)) for w in p)
        return cls(kinds, filler)

    def kind_of(self, tokens: list[str]) -> str | None:
        """The kind of small talk when the message is nothing else, else None."""
        if not tokens or len(tokens) > self.MAX_WORDS:
            return None
        kinds: list[str] = []
        i = 0
        while i < len(tokens):
            for k in range(min(self._longest, len(tokens) - i), 0, -1):
                kind = self.kinds.get(tuple(tokens[i:i + k]))
                if kind:
                    kinds.append(kind)
                    i += k
                    break
            else:
                tok = tokens[i]
                if tok in self.filler:
                    i += 1
                    continue
                hit = None
                if len(tok) >= FUZZY_MIN_LEN and tok.isascii():
                    hit = process.extractOne(tok, self._single, scorer=fuzz.ratio,
                                             score_cutoff=FUZZY_CUTOFF)
                if hit is None:
                    return None
                kinds.append(self.kinds[(hit[0],)])
                i += 1
        if not kinds:
            return None
        order = ("salam", "greeting", "how_are_you", "thanks", "goodbye", "ok")
        return min(kinds, key=lambda k: order.index(k) if k in order else len(order))


@dataclass(frozen=True)
class RecruiterWords:
    ask: PhraseSet
    business: PhraseSet
    city: frozenset[str]
    max_words: int = 12

    @classmethod
    def load(cls, path: Path) -> RecruiterWords:
        return cls.from_data(_read(path), path)

    @classmethod
    def from_data(cls, data: object, path: Path) -> RecruiterWords:
        """Build from the parsed file; raises WordListError."""
        data = _mapping(data, path)
        ask = frozenset(_phrases(data.get("ask"), path, ("ask",)))
        business = frozenset(_phrases(data.get("business"), path, ("business",)))
        max_words = data.get("max_words", 12)
        if isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 1:
            raise WordListError(path, ("max_words",), f"max_words must be a whole number "
                                f"such as 12, not {max_words!r}")
        return cls(PhraseSet(ask), PhraseSet(business),
                   frozenset(w for p in _phrases(data.get("city"), path, ("city",)) for w in p),
                   max_words)

    def spans(self, tokens: list[str], which: PhraseSet) -> list[tuple[int, int]]:
        return which.spans(tokens)


class Countries:
    """Country names -> (country id, guide topic id); words that say "abroad"."""

    def __init__(self, names: dict[Words, tuple[str, str]], abroad: frozenset[Words] = frozenset(),
                 embassy: frozenset[Words] = frozenset()):
        self.names = names
        self.abroad = abroad
        self._names = PhraseSet(names)
        self._any = PhraseSet(self._names.phrases | abroad)
        self._embassy = PhraseSet(embassy)

    @classmethod
    def load(cls, path: Path) -> Countries:
        return cls.from_data(_read(path), path)

    @classmethod
    def from_data(cls, data: object, path: Path) -> Countries:
        """Build from the parsed file; raises WordListError."""
        data = _mapping(data, path)
        names: dict[Words, tuple[str, str]] = {}
        for cid, spec in _mapping(data.get("countries"), path, ("countries",)).items():
            spec = _mapping(spec, path, ("countries", cid))
            topic = str(spec.get("topic") or f"country-{cid}")
            for words in _phrases(spec.get("names"), path, ("countries", cid, "names")):
                names.setdefault(words, (str(cid), topic))
        return cls(names, frozenset(_phrases(data.get("abroad"), path, ("abroad",))),
                   frozenset(_phrases(data.get("embassy"), path, ("embassy",))))

    def topics_in(self, tokens: list[str]) -> tuple[str, ...]:
        """The guide topic ids of the countries named in `tokens`, in order, each once."""
        found: list[str] = []
        for start, end in self._names.spans(tokens):
            topic = self.names[tuple(tokens[start:end])][1]
            if topic not in found:
                found.append(topic)
        return tuple(found)

    def about_abroad(self, tokens: list[str]) -> bool:
        """The message names a destination or says "abroad", "visa" …"""
        return bool(self._any.spans(tokens))

    def asks_for_embassy(self, tokens: list[str]) -> bool:
        """The message names the embassy, a consulate or the welfare attaché."""
        return bool(self._embassy.spans(tokens))
