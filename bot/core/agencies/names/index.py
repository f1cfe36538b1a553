"""The agency list's names as distinctive words, and a query read as a name against them.

A name is keyed by its distinctive words (business words such as Overseas or Pvt Ltd, articles
and connectors aside). A query's words agree with list words through Roman-Urdu folding, small
typos (OSA distance on the list's vocabulary only) or, in Urdu/Sindhi script, a consonant
skeleton. `NameIndex` finds the list keys a reading agrees with one for one, and near misses by
rarity-weighted (IDF) word overlap.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from bot.core.agencies.names.tokens import (
    arabic_key,
    arabic_key_after_digraph,
    fold,
    is_arabic,
    lex,
    raw_tokens,
)
from bot.core.agencies.names.vocabulary import (
    ABBREVIATION_FIRST,
    ABBREVIATION_MAX,
    ABBREVIATIONS,
    ARTICLES,
    ASKING_KEYS,
    CITY_MAX,
    CITY_PHRASES,
    CONNECTORS,
    DISTINCT_NAMES,
    ENGLISH_WORDS,
    FILLER_ARABIC_KEYS,
    FILLER_LATIN,
    GENERIC_ARABIC_KEYS,
    GENERIC_LATIN_SORTED,
    GENERIC_PAIRS,
    GENERIC_SKELETONS,
    KNOWN_WORDS,
    LEGAL,
    LOANWORD_KEYS,
    ORDINARY_FOLDS,
    PLACE_KEYS,
    PREFIXES,
    STEMS,
    TOWNS,
    WORDS,
    business_class,
    city_key,
    latin_generic,
)
from bot.core.agencies.records import Agency
from bot.core.romanize import skeleton
from bot.core.transliterate import ASPIRATE, transliterate_word, urdu_letters

MAX_TOKENS = 32            # words of a query that are read as a possible name
MAX_CANDIDATES = 5
_LATIN_WORD = re.compile(r"[a-z0-9]+")
MAX_COMBOS = 64            # readings tried when several words each have several spellings
LOOKALIKE = 84.0           # a one-letter look-alike that is another name: never certain,
#                            but ranked before words two letters away (Shabbar: Shabbir first)
SCRIPT_JOINED = 84.0       # two script words read as one list word by its skeleton only
STRONG = 85.0             # every word of a name must agree at least this well to identify
WEAK = 70.0               # a far-fetched agreement: enough for "similar", never for a verdict
MAX_SCORED = 4_000         # agencies scored for near misses, at most
MAX_READ = 1_000           # characters of a message read for a name
MAX_WORD = 30              # a longer "word" is noise, never part of a name
MAX_SPLIT = 24             # words longer than this are not tried as two joined list words
MAX_SPLITS = 8             # words of one reading tried as two joined list words (bounded cost)
CACHE_WORDS = 8_192        # words whose readings are cached (each at most MAX_WORD chars)
_LEGAL_FORMS = LEGAL - {"and", "the", "of"}   # Co., Pvt, Ltd: the form of a whole name
# The same in Urdu/Sindhi script («پرائیویٹ», «لمیٹڈ», «کمپنی»; not «اور», «اینڈ», nor the
# letters of «ایس ایم سی», which are words of sentences too: «پی», «سی»).
_SCRIPT_LEGAL_FORMS = frozenset(
    lex(t) for w in WORDS["business_script"].get("legal", ()) for t in raw_tokens(w)
    if len(t) >= 4 and lex(t) not in {lex(a) for a in ("اینڈ", "اينڊ")})
LONG_VOWEL_PENALTY = 6.0   # a script word's written long vowel that the list word lacks
ONSET_PENALTY = 12.0       # a script word and a list word, one of which begins with a vowel
MISSING_CONSONANTS_PENALTY = 10.0   # a script word that lacks two of the list word's consonants
UNTRUSTED = 60.0           # a typed word that is itself a real name or word, read as a slip


def canonical_words(tokens: Sequence[str]) -> list[str]:
    """Articles joined to their word (Al Falah -> alfalah), connectors dropped, Man Power joined.

    Applied identically to list names and to queries, so both sides agree. Abbreviations
    are written out first ("R. Agency" is Recruiting Agency).
    """
    tokens = _expand_abbreviations(tokens)
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else None
        if nxt is not None and not is_arabic(tok) and (tok, nxt) in GENERIC_PAIRS:
            out.append(tok + nxt)
            i += 2
            continue
        if nxt is not None and _split_business(tok, nxt):
            out.append(tok + nxt)   # «انٹر نیشنل», «انٹر پرائزز», "inter national"
            i += 2
            continue
        if (tok in ARTICLES and nxt is not None and not is_arabic(nxt) and nxt.isalpha()
                and not latin_generic(nxt)):
            out.append(tok + nxt)
            i += 2
            continue
        if tok in CONNECTORS and out:
            i += 1
            continue
        if nxt is not None and tok[-2:] in ("ul", "us", "ud", "ur") and tok[:-2] in STEMS:
            tok = tok[:-2]
        out.append(tok)
        i += 1
    return out


def _expand_abbreviations(tokens: Sequence[str]) -> Sequence[str]:
    """"r agy" -> "recruiting agency" (content/agency_words.yaml `abbreviations`)."""
    if len(tokens) < 2 or ABBREVIATION_FIRST.isdisjoint(tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for size in range(min(ABBREVIATION_MAX, len(tokens) - i), 1, -1):
            long = ABBREVIATIONS.get(tuple(tokens[i:i + size]))
            if long:
                out.extend(long)
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _split_business(tok: str, nxt: str) -> bool:
    """Two words that are one business word written apart («انٹر نیشنل» International, «انٹر
    پرائزز» Enterprises, "enter prises"), the second no business word alone."""
    if is_arabic(tok) != is_arabic(nxt):
        return False
    if is_arabic(tok):
        return lex(tok + nxt) in GENERIC_ARABIC_KEYS and lex(nxt) not in GENERIC_ARABIC_KEYS
    return (tok.isalpha() and nxt.isalpha() and latin_generic(tok + nxt)
            and not latin_generic(nxt))


@dataclass(slots=True)
class _Word:
    """One distinctive word of the list's vocabulary (identity: its folded key)."""

    key: str
    skel: str
    postings: list[int] = field(default_factory=list)
    idf: float = 1.0


@dataclass(frozen=True, slots=True)
class _Entry:
    """One agency prepared for matching."""

    words: tuple[int, ...]
    generic: frozenset[str]    # business-word classes (legal forms aside)
    city: str
    weight: float
    spelled: frozenset[str] = frozenset()   # its Latin words as written (lower case)
    legal: bool = False   # the name has a legal form (Pvt, Ltd, Co.)


@dataclass(slots=True)
class Position:
    """One distinctive word of a query and the list words it may be."""

    text: str
    options: dict[int, float]
    weight: float = 0.0


@dataclass(slots=True)
class Reading:
    """A query read as a name."""

    positions: list[Position]
    generic: frozenset[str]
    has_generic: bool
    city: str | None
    script: bool = False   # read from Urdu/Sindhi script (vowels only rank, never decide)
    scattered: bool = False  # name words in several places of a sentence: never certain
    parts: tuple[Reading, ...] = ()   # when scattered: each place read alone
    unknown: int = 0         # longest run of name-like words that are on no list ("Qwerty Zxcv")
    inner_dual: bool = False  # a filler that is a list word stands inside the name
    stray: int = 0           # words of the message on no list at all (a sentence, not a name)
    chatter: int = 0         # filler words of the message ("M/s", "the", "and" aside)
    asks: bool = False       # the message has a word that asks about an agency ("licensed")
    legal_form: bool = False  # the message has a legal form (Co., Pvt, Ltd; not "and", "the")
    split: bool = False      # a word was read as two list words that is also a slip of one


class NameIndex:
    """The names of a list of agencies, indexed once by their distinctive words."""

    def __init__(self, agencies: Sequence[Agency]) -> None:
        self._words: list[_Word] = []
        self._word_id: dict[str, int] = {}
        self._skel: dict[str, list[int]] = defaultdict(list)
        self._raw: dict[str, int] = {}
        self._initials: set[int] = set()   # list words written as initials ("S.B", "H.A.K.")
        self._raws: dict[int, set[str]] = defaultdict(set)   # each list word as written
        self.by_key: dict[tuple[int, ...], list[int]] = defaultdict(list)
        entries: list[tuple[tuple[int, ...], frozenset[str], str, frozenset[str], bool]] = []
        for idx, agency in enumerate(agencies):
            entries.append(self._index_name(idx, agency))
        self._finish_vocabulary(len(agencies))
        self.entries = [
            _Entry(words, generic, city, sum(self._words[w].idf for w in set(words)), spelled,
                   legal)
            for words, generic, city, spelled, legal in entries
        ]
        self._weights = [e.weight for e in self.entries]
        self._keys = [w.key for w in self._words]
        self._skel_keys = list(self._skel)
        self._raw_keys = list(self._raw)
        self._raw_ids = [self._raw[k] for k in self._raw_keys]
        self._four_letter = {k: v for k, v in self._raw.items() if len(k) == 4 and k.isalpha()}
        # "Guf" for Gulf: each 4-letter word with one letter (not the first) left out.
        self._dropped: dict[str, list[int]] = defaultdict(list)
        for ref, at in self._four_letter.items():
            for cut in sorted({ref[:i] + ref[i + 1:] for i in range(1, 4)}):
                self._dropped[cut].append(at)
        # Typo look-ups compare a word only with list words of about its length.
        self._by_length = (_by_length(self._keys, range(len(self._keys))),
                           _by_length(self._raw_keys, self._raw_ids))
        vocab = set(self._keys) | set(self._raw)
        self._fillers = frozenset(FILLER_LATIN) | PREFIXES
        # Fillers that are also words of listed names (Trust, Hello, Real): the rest of the text
        # decides, so a query is read both ways (`reading(..., dual=True)`).
        self.dual = frozenset(
            f for f in FILLER_LATIN
            if f in vocab or fold(f) in vocab or fold("al" + f) in vocab)
        # An Urdu/Sindhi filler that reads as a list word (Sindhi مون "I" / Moon) stays a word.
        # Bounded caches (entries of at most MAX_WORD characters): a query's words are read
        # more than once (plain and dual readings), and people send the same words again.
        self._is_generic = lru_cache(maxsize=CACHE_WORDS)(self._is_generic_uncached)
        self._opt_cache = lru_cache(maxsize=CACHE_WORDS)(self._options_uncached)
        self._arabic_fillers = FILLER_ARABIC_KEYS
        # An Urdu/Sindhi filler that reads as a list word (السلام / Al-Aslam, Sindhi مون / Moon)
        # is read as a name word only in the dual reading.
        # So is one that is the loanword of a list word (جاب "job": Aslam Doria Job Center).
        # So is one whose reading is a list word's own key (ابو: Abu, in Abu Murad Enterprises),
        # however short its skeleton.
        self.dual_script = frozenset(
            f for f in FILLER_ARABIC_KEYS
            if (len(arabic_key(f)[2]) >= 2 and top_score(self._skeleton_hits(f, 0.0)) >= 96.0)
            or self._loan_of_name(f)
            or (len(arabic_key(f)[1]) >= 3 and arabic_key(f)[1] in self._word_id))

    # -- index --------------------------------------------------------------------------------
    def _word(self, key: str, raw: str) -> int:
        wid = self._word_id.get(key)
        if wid is None:
            wid = len(self._words)
            self._word_id[key] = wid
            word = _Word(key, skeleton(key))
            self._words.append(word)
            self._skel[word.skel].append(wid)
        self._raw.setdefault(raw, wid)
        self._raws[wid].add(raw)
        if raw in STEMS:   # Darul, Baitul: the written form, for typo look-ups
            for conn in ("ul", "us"):
                self._raw.setdefault(raw + conn, wid)
        return wid

    def _index_name(self, idx: int, agency: Agency
                    ) -> tuple[tuple[int, ...], frozenset[str], str, frozenset[str], bool]:
        words: list[int] = []
        spelled: set[str] = set()
        generic: set[str] = set()
        raw = raw_tokens(agency.name)
        toks = canonical_words(raw)
        while toks and toks[0] in PREFIXES:   # "M/s. Liza Manpower"
            toks = toks[1:]
        # The list's own slips of business words count as business words, unless the name has
        # nothing else ("Recruitmen International").
        slips = {t for t in toks if not is_arabic(t) and not latin_generic(t) and _list_slip(t)}
        if all(is_arabic(t) or latin_generic(t) or t in slips for t in toks):
            slips = set()
        written = set(_LATIN_WORD.findall(agency.name.lower()))
        initials = {t for t in raw if t.isascii() and t.isalpha()
                    and t not in written}   # "S.B", "H.A.K." joined
        for tok in toks:
            if is_arabic(tok):
                words.append(self._word(arabic_key(tok)[1], tok))
            elif latin_generic(tok) or tok in slips:
                cls = business_class(tok) or self._slip_class(tok)
                if cls and cls != "legal":
                    generic.add(cls)
            else:
                words.append(self._word(fold(tok), tok))
                spelled.add(tok)
                if tok in initials:
                    self._initials.add(words[-1])
        for wid in set(words):
            self._words[wid].postings.append(idx)
        key = tuple(words)
        if key:
            self.by_key[key].append(idx)
        return (key, frozenset(generic), city_key(agency.city), frozenset(spelled),
                any(t in _LEGAL_FORMS for t in raw))

    def _finish_vocabulary(self, n: int) -> None:
        for word in self._words:
            word.idf = math.log((n + 1) / (len(word.postings) + 0.5)) + 1.0
        self._max_idf = max((w.idf for w in self._words), default=1.0)

    # -- agreeing keys and near misses ---------------------------------------------------------
    def too_thin(self, reading: Reading, key: tuple[int, ...]) -> bool:
        """One shared or ordinary word and no business word ("Dubai", "Qatar mein job"), or one
        word that needed a correction or stands among words on no list ("tell me a joke" is not
        Jhoke International; "mera bhai lapata hai saudia me" is not Al-Saudia)."""
        if len(key) != 1 or reading.generic:   # legal words (and, the, Pvt) are not enough
            return False
        word = self._words[key[0]]
        if reading.stray:
            return True
        if any(lex(p.text) in PLACE_KEYS for p in reading.positions):
            return True   # a place alone ("Doha") says where, not which agency
        if any(key[0] in p.options and p.options[key[0]] < 98.0
               and (len(p.text) < 7 or not any(Levenshtein.distance(p.text, raw) <= 2
                                               for raw in self._raws[key[0]]))
               for p in reading.positions):
            # A short word corrected ("joke"), or a long one only through its folded form
            # ("weather"); "Talentroy" for Talentory is a slip.
            return True
        if reading.legal_form and sum(not self.entries[i].generic for i in self.by_key[key]) == 1:
            return False   # the whole name: "Hussain & Co.", one word and a legal form only
        if reading.chatter and not reading.asks:
            # One name word in a message about something else ("what time is it" is not Time
            # Travel Services): a message that asks about it says so ("is Barkat licensed?").
            return True
        if word.key in ORDINARY_FOLDS:
            return True
        # Shared by another agency that writes it as the same name (Hire Hub does not: Hira).
        # When some of them write it exactly as typed, those are the ones it may mean
        # ("Samaa": Samaa International, not Saima International).
        sharers = [i for i in word.postings if not self.other_name(reading.positions, i)]
        typed = {p.text for p in reading.positions if not is_arabic(p.text)}
        as_typed = [i for i in sharers if typed and typed <= self.entries[i].spelled]
        return len(as_typed or sharers) > 1

    def written_elsewhere(self, positions: list[Position], idx: int) -> list[int]:
        """Other agencies that write a typed word exactly as typed, where agency `idx` writes it
        otherwise ("Khel" typed: Utman Khel, Azi Khel … for Khall Recruiting Agency): the
        spelling points at them, so `idx` is not certain. Only for a name of one distinctive
        word: another word that `idx` has too ("Nur Sandhu" for Noor Sandhu) says enough."""
        spelled = self.entries[idx].spelled
        out: list[int] = []
        if len(positions) != 1:
            return out
        for pos in positions:
            typed = pos.text
            if is_arabic(typed) or typed in spelled or typed.isdigit():
                continue
            if typed in KNOWN_WORDS and any(w in KNOWN_WORDS and fold(w) == fold(typed)
                                            for w in spelled):
                continue   # a name in another of its spellings (Saleem for Salim): the same
            with_article = self._word_id.get("al" + fold(typed))
            for wid in (*pos.options, *(() if with_article is None else (with_article,))):
                for j in self._words[wid].postings:
                    spelled_j = self.entries[j].spelled
                    # "Falah" as Al-Falah writes it (after its article), not as Fallah does
                    if j != idx and j not in out and (typed in spelled_j
                                                      or "al" + typed in spelled_j):
                        out.append(j)
        return out[:MAX_CANDIDATES]

    def spelled_alike(self, positions: list[Position], idx: int) -> bool:
        """Does agency `idx` write every typed Latin word as typed, but for the differences of
        one name's spellings (`_plain_spelling`: "Kainat" for Kainaat)?"""
        plain = {_plain_spelling(w) for w in self.entries[idx].spelled}
        typed = [p.text for p in positions if not is_arabic(p.text)]
        return bool(typed) and all(_plain_spelling(t) in plain for t in typed)

    def sharing(self, position: Position) -> list[int]:
        """The agencies with a word this position surely is, when they are few (2-5)."""
        found = sorted({i for w, sc in position.options.items() if sc >= STRONG
                        for i in self._words[w].postings})
        return found if 1 < len(found) <= MAX_CANDIDATES else []

    def supersets(self, idx: int, limit: int = MAX_CANDIDATES) -> list[int]:
        """Other agencies whose distinctive words are this one's, or have them side by side and
        in order among more ("M. Pak Makkah Manpower Services" for Pak Makkah Enterprises;
        not "Pak-Arab Diamond" for Pak Diamond, nor "Eagle Falcon" for Falcon Eagle)."""
        key = self.entries[idx].words
        if not key:
            return []
        rarest = min(key, key=lambda w: len(self._words[w].postings))
        out: list[int] = []
        size = len(key)
        for j in self._words[rarest].postings:
            other = self.entries[j].words
            if j != idx and any(other[k:k + size] == key for k in range(len(other) - size + 1)):
                out.append(j)
                if len(out) >= limit:
                    break
        return out

    def siblings(self, idx: int, limit: int = MAX_CANDIDATES) -> list[int]:
        """Other agencies sharing one of this agency's words (Al- or not: Madina, Al-Madina)."""
        out: list[int] = []
        for wid in set(self.entries[idx].words):
            key = self._words[wid].key
            ids = {wid, self._word_id.get("al" + key), self._word_id.get(key[2:])
                   if key.startswith("al") else None} - {None}
            for j in sorted({j for w in ids for j in self._words[w].postings} - {idx}):
                if j not in out:
                    out.append(j)
                if len(out) >= limit:
                    return out
        return out

    def other_name(self, positions: list[Position], idx: int) -> bool:
        """A typed real name that this agency writes otherwise, in a spelling that is no known
        name ("Mirza" for "Mirzai"; not "Mehmood" for "Mahmood"): another name, a look-alike."""
        spelled = self.entries[idx].spelled
        for pos in positions:
            typed = pos.text
            if typed in spelled or is_arabic(typed):
                continue
            key = fold(typed)
            group = DISTINCT_NAMES.get(typed)
            if group is not None and any(
                    (other := DISTINCT_NAMES.get(w)) is not None and other[0] == group[0]
                    and other[1] != group[1] for w in spelled if fold(w) == key):
                return True   # Javed / Javad: two names that fold alike
            if typed not in KNOWN_WORDS:
                continue
            for w in (w for w in spelled if fold(w) == key):
                if _drops_i(typed, w) or _drops_i(w, typed):
                    return True   # Umar / Umair, Asha / Aisha: two names
                if (w not in KNOWN_WORDS and len(w) == len(typed) and w[:-1] == typed[:-1]
                        and w[-1] in "aeiou" and typed[-1] in "aeiou"):
                    return True   # Hira / Hire: another word
        return any(not is_arabic(p.text) and any(_suffixed(p.text, w) or _suffixed(w, p.text)
                                                 for w in spelled) for p in positions)

    def exact_keys(self, positions: list[Position]) -> list[tuple[float, float, tuple[int, ...]]]:
        """List keys whose words agree one for one, in order: (mean score, weakest, key)."""
        if any(not p.options for p in positions):
            return []
        choices = [sorted(p.options.items(), key=lambda kv: -kv[1])[:8] for p in positions]
        found: dict[tuple[int, ...], tuple[float, float]] = {}
        for combo in itertools.islice(itertools.product(*choices), MAX_COMBOS):
            key = tuple(w for w, _ in combo)
            if key in self.by_key:
                scores = [sc for _, sc in combo]
                found[key] = max((sum(scores) / len(scores), min(scores)),
                                 found.get(key, (0.0, 0.0)))
        return sorted(((m, w, k) for k, (m, w) in found.items()), key=lambda t: -t[0])

    def near(self, positions: list[Position]) -> list[tuple[float, int]]:
        """Agencies sharing rare words with the reading, by IDF-weighted overlap (0-100)."""
        matched: dict[int, float] = defaultdict(float)
        qweight = sum(p.weight for p in positions)
        seen = 0
        for pos in sorted(positions, key=lambda p: -p.weight):
            size = sum(len(self._words[w].postings) for w in pos.options)
            if matched and seen + size > MAX_SCORED:
                continue   # a word too common to rank by, once rarer words have found agencies
            best: dict[int, float] = {}
            for wid, score in pos.options.items():
                word = self._words[wid]
                contrib = word.idf * score / 100.0
                for idx in word.postings:
                    if contrib > best.get(idx, 0.0):
                        best[idx] = contrib
            for idx, contrib in best.items():
                matched[idx] += contrib
            seen += len(best)
            if seen > MAX_SCORED:
                break
        weights = self._weights
        scored = [(m / d if (d := qweight + weights[idx] - m) > 0 else 0.0, -idx)
                  for idx, m in matched.items()]
        return [(min(100.0, 100.0 * r), -neg) for r, neg in
                heapq.nlargest(MAX_CANDIDATES * 4, scored)]

    # -- reading a query as a name --------------------------------------------------------------
    def reading(self, text: str, *, dual: bool = False, split: bool = True) -> Reading:
        """A query as a name: its distinctive words, business words and city; fillers skipped.

        With `dual`, fillers that are also words of listed names are read as name words.
        Without `split`, no typed word is read as two joined list words (see `Reading.split`).
        """
        toks = [t for t in raw_tokens(text[:MAX_READ])[:MAX_TOKENS] if len(t) <= MAX_WORD]
        kinds = self._mark(toks, dual)
        segments: list[list[str]] = [[]]
        after_dual: list[bool] = [False]   # the segment follows a filler that is a list word
        for tok, kind in zip(toks, kinds, strict=True):
            if kind == "filler":
                segments.append([])
                after_dual.append(tok in self.dual)
            else:
                segments[-1].append(tok)
        positions: list[Position] = []
        generic: set[str] = set()
        has_generic = False
        city: str | None = None
        named = 0
        # words tried as two joined list words in this reading, and those split that were also
        # a slip of one list word
        splits = [MAX_SPLITS if split else 0, 0]
        read = [self._segment(seg, splits) for seg in segments]
        unknown = max((sum(1 for p in words if not p.options) for words, g, _ in read
                       if not any(p.options for p in words)), default=0)
        stray = sum(1 for words, _, _ in read for p in words
                    if not p.options and lex(p.text) not in ASKING_KEYS)   # "suspended" asks
        # Business words count where the name is ("is X a registered agency": not "agency").
        with_names = any(any(p.options for p in words) for words, _, _ in read)
        named_before = inner_dual = False
        for (words, seg_generic, seg_city), joined in zip(read, after_dual, strict=True):
            city = seg_city or city
            has_name = any(p.options for p in words)
            # "Shkani One Manpower", "Prime Trust Overseas": a filler that is a list word between
            # a name and business words may be part of the name (see `dual`).
            inner_dual = inner_dual or (not has_name and bool(seg_generic) and joined
                                        and named_before)
            named_before = has_name
            if has_name or (seg_generic is not None and not with_names):
                named += has_name
                positions.extend(words)
                if seg_generic:
                    generic |= seg_generic
                has_generic = has_generic or seg_generic is not None
        chatter = sum(1 for tok, kind in zip(toks, kinds, strict=True)
                      if kind == "filler" and tok not in PREFIXES and tok not in LEGAL)
        asks = any(lex(tok) in ASKING_KEYS for tok in toks)
        legal_form = any(tok in _LEGAL_FORMS or (is_arabic(tok) and lex(tok) in _SCRIPT_LEGAL_FORMS)
                         for tok in toks)
        # Each place of a sentence is read in its sentence: one word there is as thin as in
        # the whole ("mujhe biryani ki recipe chahiye" is not Barani Manpower Consultants).
        parts = tuple(
            Reading(words[:MAX_TOKENS], frozenset(g or ()), g is not None, c or city,
                    any(is_arabic(p.text) for p in words), stray=stray, chatter=chatter,
                    asks=asks, legal_form=legal_form)
            for words, g, c in read if any(p.options for p in words)) if named > 1 else ()
        return Reading(positions[:MAX_TOKENS], frozenset(generic), has_generic, city,
                        any(is_arabic(p.text) for p in positions), scattered=named > 1,
                        parts=parts, unknown=unknown, inner_dual=inner_dual, stray=stray,
                        chatter=chatter, asks=asks,
                        legal_form=legal_form,
                        split=splits[1] > 0)

    def name_spans(self, text: str, limit: int = 4, *, dual: bool = False) -> list[str]:
        """The places of a sentence where a name ends at its business words and the sentence
        goes on ("Zafco International Manpower offered me a job …", "my uncle says X Overseas
        Employment Promoter is good"): from the word after a filler (or the start) to the
        last business word, when what follows begins with a filler or with a word that is no
        list word, and has a filler later. Each is read alone by the verdict. With `dual`,
        fillers that are list words stay in the name ("Professional Visa Services")."""
        toks = [t for t in raw_tokens(text[:MAX_READ])[:MAX_TOKENS] if len(t) <= MAX_WORD]
        kinds = self._mark(toks, dual)
        out: list[str] = []
        start, i, n = 0, 0, len(toks)
        while i < n and len(out) < limit:
            if kinds[i] == "filler":
                start = i = i + 1
                continue
            if i > start and not kinds[i] and self._is_generic(toks[i]):
                j = i
                while j < n and not kinds[j] and self._is_generic(toks[j]):
                    j += 1
                # (a single letter there is a word of the sentence: "X Enterprises k bare me")
                if j < n and "filler" in kinds[j:] and (
                        kinds[j] == "filler" or len(toks[j]) == 1
                        or top_score(self._options(toks[j])) < STRONG):
                    out.append(" ".join(toks[start:j]))
                start = i = j
                continue
            i += 1
        return out

    def _mark(self, toks: list[str], dual: bool = False) -> list[str]:
        """"filler" / "city:<name>" / "" for each raw token."""
        kinds = [""] * len(toks)
        i = 0
        while i < len(toks):
            for size in range(min(CITY_MAX, len(toks) - i), 0, -1):
                city = CITY_PHRASES.get(tuple(toks[i:i + size]))
                if city:
                    kinds[i:i + size] = [f"city:{city}"] * size
                    i += size
                    break
            else:
                tok = toks[i]
                if is_arabic(tok):
                    if ((lex(tok) in self._arabic_fillers
                         and not (dual and lex(tok) in self.dual_script))
                            or (self._after_name(toks, i) and not self._loan_of_name(tok)
                                and not self._is_generic(tok)
                                and not _split_business(toks[i - 1], tok))):
                        kinds[i] = "filler"   # «... ریکروٹنگ ایجنسی والوں نے ویزا ...»
                elif (tok in self._fillers and not self._joins(toks, i)
                      and not (dual and tok in self.dual and not self._after_name(toks, i))):
                    kinds[i] = "filler"
                i += 1
        return kinds

    def _loan_of_name(self, tok: str) -> bool:
        """An English word of a listed name written in Urdu/Sindhi script (سینٹر: Universal
        Employment Center): a name word after the business words, not the sentence."""
        latin = LOANWORD_KEYS.get(lex(tok))
        return latin is not None and fold(latin) in self._word_id

    def _joins(self, toks: list[str], i: int) -> bool:
        """A one-letter connector between two name words ("Koh-i-Suleman"), not the word "I"."""
        if len(toks[i]) != 1 or toks[i] not in CONNECTORS or not 0 < i < len(toks) - 1:
            return False
        prev, nxt = toks[i - 1], toks[i + 1]
        return all(t not in self._fillers and not is_arabic(t) and not self._is_generic(t)
                   and bool(self._options(t, typos=False)) for t in (prev, nxt))

    def _after_name(self, toks: list[str], i: int) -> bool:
        """A name ends at its business words: "X Manpower Services ka license" ('ka' is no
        name word there), unless more business words follow ("International Legal Consultant")."""
        prev = toks[i - 1] if i else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        return (bool(prev) and self._is_generic(prev) and business_class(prev) != "legal"
                and not (nxt and self._is_generic(nxt)))

    def _segment(self, seg: list[str], splits: list[int]
                 ) -> tuple[list[Position], set[str] | None, str | None]:
        """One run of words between filler words -> (positions, generic words, city)."""
        city = None
        # A city at the end says where the agency is ("Al Falah Overseas, Lahore"); after
        # business words alone it is a name's word ("Swat Enterprises"). A city alone names
        # no agency ("Lahore").
        for size in range(min(CITY_MAX, len(seg)), 0, -1):
            name = CITY_PHRASES.get(tuple(seg[-size:]))
            if name and ((size == len(seg) and name not in TOWNS)
                         or (size < len(seg)
                             and not all(self._is_generic(t) for t in seg[:-size]))):
                city, seg = name, seg[:-size]
                break
        generic: set[str] | None = None
        words: list[str] = []
        toks = canonical_words(seg)
        for i, tok in enumerate(toks):
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            garbled = generic is not None or (len(tok) <= 2 and self._is_generic(nxt))
            if (not words and generic is None and nxt and self._loan_of_name(tok)
                    and not self._is_generic(nxt)):
                words.append(tok)   # «سی کرسٹ» Sea Crest: the letter C of «ایس ایم سی» is legal
            elif self._is_generic(tok) or (garbled and self._garbled_suffix(tok)):
                generic = generic or set()
                cls = business_class(tok) or self._slip_class(tok)
                if cls and cls != "legal":
                    generic.add(cls)
            else:
                words.append(tok)
        return self._positions(words, splits), generic, city

    def _slip_class(self, tok: str) -> str | None:
        """The class of the business word this token is a slip of ("Manpowre" -> manpower)."""
        if is_arabic(tok) or len(tok) < 4:
            return None
        cutoff = 1 if len(tok) < 7 else 2
        hit = process.extractOne(tok, GENERIC_LATIN_SORTED, scorer=OSA.distance,
                                 score_cutoff=cutoff)
        return business_class(hit[0]) if hit else None

    def _garbled_suffix(self, tok: str) -> bool:
        """A short unknown bit after the business words: "(SMC-Pt Ltd", "Pv", "Co."."""
        return (not is_arabic(tok) and len(tok) <= 3 and not tok.isdigit()
                and tok not in ARTICLES and not self._options(tok))

    def _is_generic_uncached(self, tok: str) -> bool:
        """A business word (exact, or a slip of one that is no list word)."""
        if is_arabic(tok):
            if lex(tok) in GENERIC_ARABIC_KEYS:
                return True
            sk = arabic_key(tok)[2]
            return sk in GENERIC_SKELETONS and sk not in self._skel
        if latin_generic(tok):
            return True
        key = fold(tok)
        if len(tok) < 4 or key in self._word_id or _known(tok, key):
            return False
        cutoff = 1 if len(tok) < 7 else 2
        hit = process.extractOne(tok, GENERIC_LATIN_SORTED, scorer=OSA.distance, score_cutoff=cutoff)
        if hit is None:
            return False
        typo = self._typo_options(tok, key)
        return not typo or max(typo.values()) <= 100.0 - 10.0 * hit[1]

    def _positions(self, words: list[str], splits: list[int]) -> list[Position]:
        """Distinctive words -> positions, joining "Zam Zam" and splitting "Zamzam" as the list has it."""
        opts = [self._options(w, inner=i > 0) for i, w in enumerate(words)]
        merged: list[tuple[str, dict[int, float]]] = []
        i = 0
        while i < len(words):
            if i + 1 < len(words) and _weak(opts[i]) and _weak(opts[i + 1]):
                joined = self._options(words[i] + words[i + 1], typos=False)
                if joined and max(joined.values()) > min(top_score(opts[i]), top_score(opts[i + 1])
                                                         ) and not self._apart(opts[i], opts[i + 1],
                                                                               joined, words[i]):
                    if is_arabic(words[i]):
                        # «علی ہجویری» as Al-Hijrah: two script words read as one list word
                        # only by its skeleton are never enough to be sure (similar at most);
                        # consonant for consonant they may be («ہم قدم» Humqadam).
                        both = words[i] + words[i + 1]
                        joined = {w: sc if self._consonants_agree(both, w)
                                  else min(sc, SCRIPT_JOINED) for w, sc in joined.items()}
                    merged.append((words[i] + words[i + 1], joined))
                    i += 2
                    continue
            if _weak(opts[i]) and splits[0] > 0 and len(words[i]) >= 5:
                splits[0] -= 1
                split = self._split(words[i])
                if split and min(top_score(o) for _, o in split) > top_score(opts[i]) and not (
                        top_score(opts[i]) >= 90.0
                        and not all(piece in self._raw for piece, _ in split)):
                    # (a slip of one list word, "Huzaifa" typed "Huzaiea", is not two list
                    # words that only fold like its pieces)
                    merged.extend(split)
                    if top_score(opts[i]) >= 90.0:
                        splits[1] += 1   # ... though it may be a slip of one ("Yousufzai")
                    i += 1
                    continue
            merged.append((words[i], opts[i]))
            i += 1
        return [Position(w, o, max((self._words[k].idf for k in o), default=self._max_idf))
                for w, o in merged]

    def _consonants_agree(self, word: str, wid: int) -> bool:
        """Does the script word write the consonants of a Latin spelling of list word `wid`,
        one for one (a first ی may be a vowel: «یونی لنک» Unilink)?"""
        mine = _loose(_script_slots(word)[0])
        for raw in self._raws[wid]:
            if raw.isascii():
                theirs = _loose(_plain_consonants(_vowel_slots(raw)[0]))
                if theirs in (mine, mine[1:] if mine[:1] == "y" else mine):
                    return True
        return False

    @staticmethod
    def _apart(left: dict[int, float], right: dict[int, float], joined: dict[int, float],
               word: str) -> bool:
        """Two Urdu/Sindhi-script words that each read as a list word (90+) better than they
        read joined are two words: «علی ہجویری» is Ali Hajveri, not Al-Hijrah (skeletons of
        joined script words collide)."""
        return (is_arabic(word) and min(top_score(left), top_score(right)) >= 90.0
                and top_score(joined) < max(top_score(left), top_score(right)))

    def _split(self, word: str) -> list[tuple[str, dict[int, float]]] | None:
        """One typed word that is two list words ("Zamzam", "Nurulhuda", "دارالامان")."""
        if len(word) < 5 or len(word) > MAX_SPLIT:
            return None
        # Two-letter pieces ("ah" + "mda") are slips more often than joined words.
        shortest = 3   # two-letter pieces are slips or Urdu words (رابطہ is not Ravi Butt)
        for cut in range(shortest, len(word) - shortest + 1):
            left, right = word[:cut], word[cut:]
            rights = [right]
            for conn in ("ul", "al", "us", "e", "ال"):
                if right.startswith(conn) and len(right) - len(conn) >= shortest:
                    rights.append(right[len(conn):])
            lo = self._options(left, typos=False)
            if not lo or max(lo.values()) < 90:
                continue
            for r in rights:
                ro = self._options(r, typos=False)
                if ro and max(ro.values()) >= 90:
                    return [(left, lo), (r, ro)]
        return None

    def _options(self, word: str, *, typos: bool = True, inner: bool = False) -> dict[int, float]:
        """List words this typed word may be (cached; do not change the dict returned)."""
        return self._opt_cache(word, typos, inner)

    def _options_uncached(self, word: str, typos: bool = True,
                          inner: bool = False) -> dict[int, float]:
        """List words this typed word may be, with agreement scores (100 = same folded key)."""
        if is_arabic(word):
            return self._arabic_options(word, typos=typos, inner=inner)
        if word.isdigit():
            wid = self._word_id.get(word.lstrip("0") or "0", self._word_id.get(word))
            return {wid: 100.0} if wid is not None else {}
        key = fold(word)
        wid = self._word_id.get(key)
        if wid is not None:
            if word in self._fillers and word not in self._raws[wid]:
                return {wid: UNTRUSTED}   # "but" is the word, not a slip of Butt
            if self._another_known(word, wid):
                return {wid: UNTRUSTED}   # "Tuba" is a name, not a spelling of Toba
            return {wid: 100.0}
        out: dict[int, float] = {}
        for variant in ((key[2:] if key.startswith("al") and len(key) > 4 else None),
                        "al" + key):
            if variant and variant in self._word_id:
                out[self._word_id[variant]] = 92.0
        if not typos:
            return out
        bare = key[2:] if key.startswith("al") and len(key) > 4 else key
        if _a_word(word, key) or _known(bare, bare):
            # A real name or word is never trusted as a slip of another (Atif is not Asif):
            # the near agency is offered as "similar" only.
            for wid, score in self._typo_options(word, key).items():
                out.setdefault(wid, min(score, UNTRUSTED))
            return out
        if len(word) == 3 and word.isalpha():   # "Guf", "Swt": one letter dropped
            if word in self._fillers:   # "but" is the word, never a slip of Butt
                return out
            for at in self._dropped.get(word, ()):
                out[at] = max(out.get(at, 0.0), STRONG)
            return out
        if max(len(word), len(key)) < 4:
            return out
        for wid, score in self._typo_options(word, key).items():
            out[wid] = max(out.get(wid, 0.0), score)
        return out

    def _another_known(self, word: str, wid: int) -> bool:
        """A typed real name or word that folds like list word `wid` but is written otherwise
        than the list writes it, where none of the list's spellings is a known name ("Tuba"
        for Toba): perhaps another name, so the fold is not trusted. Spellings that differ
        only as `_plain_spelling` says are the same name ("Kainat" for Kainaat); two known
        spellings that fold alike are one name (Saleem, Salim) unless `distinct_names` says
        otherwise (see `other_name`)."""
        raws = self._raws[wid]
        if word not in KNOWN_WORDS or word in raws or any(r in KNOWN_WORDS for r in raws):
            return False
        plain = _plain_spelling(word)
        return all(_plain_spelling(r) != plain for r in raws if r.isascii())

    def _typo_options(self, word: str, key: str) -> dict[int, float]:
        """Keyboard slips: OSA distance 1 (2 for words of 7+ letters) on the vocabulary only."""
        out: dict[int, float] = {}
        for probe, by_length in ((key, self._by_length[0]), (word, self._by_length[1])):
            limit = 0 if len(probe) < 4 else 1 if len(probe) < 6 else 2
            if not limit:
                continue
            hits: list[tuple[float, str, int]] = []
            for size in range(len(probe) - limit, len(probe) + limit + 1):
                refs, ids = by_length.get(size, ((), ()))
                hits += [(dist, ref, ids[at]) for ref, dist, at in process.extract(
                    probe, refs, scorer=OSA.distance, score_cutoff=limit, limit=8)]
            for dist, ref, wid in sorted(hits)[:8]:
                if probe.startswith(ref) and len(probe) - len(ref) >= 2:
                    continue   # "Royalty" is another word, not a slip of "Royal"
                score = 100.0 - 10.0 * dist
                if dist == 2 and len(sk := skeleton(key)) >= 3 and sk == self._words[wid].skel:
                    # Only vowels differ ("Zakria" for Zakariya): a Roman-Urdu spelling of
                    # the name, as sure as one slip (a known name never gets here: `_known`).
                    score = 100.0 - 10.0 * 1
                if _suffixed(probe, ref) or _suffixed(ref, probe):
                    score = min(score, UNTRUSTED)   # Irfana is not a slip of Irfan
                out[wid] = max(out.get(wid, 0.0), score)
        for wid, score in out.items():
            same_length = [(word, r) for r in self._raws[wid] if len(r) == len(word) and r != word]
            ref = self._words[wid].key
            if len(ref) == len(key) and ref != key:   # Razi / Raabi (folded: rabi)
                same_length.append((key, ref))
            raw_pairs = [(a, b) for a, b in same_length if a == word]
            if score > WEAK and same_length and all(_far_substitution(a, b)
                                                    for a, b in same_length):
                out[wid] = WEAK   # Karan for Kiran: another name, not a slip of the finger
            elif score > LOOKALIKE and raw_pairs and (
                    # as typed against as written: "Waseeq" for Waseem (q and m far apart),
                    # though folded (wasik, wasim) k and m are neighbours
                    all(_far_substitution(a, b) for a, b in raw_pairs)
                    # the i of a last syllable typed a, o or u: Shabbar for Shabbir, Kashmor
                    # for Kashmir (not Hamed for Hamid: e stands for i)
                    or all(_vowel_swap(a, b) for a, b in raw_pairs)):
                out[wid] = LOOKALIKE   # another name, still the nearest one
        return out

    def _arabic_options(self, word: str, *, typos: bool = True,
                        inner: bool = False) -> dict[int, float]:
        """Urdu/Sindhi-script word -> list words with the same consonant skeleton."""
        latin = LOANWORD_KEYS.get(lex(word))
        if latin is not None:   # برادرز is Brothers
            wid = self._word_id.get(fold(latin))
            return {wid: 97.0} if wid is not None else {}
        out = self._skeleton_hits(word, 0.0)
        if inner and word.startswith("ال") and len(word) > 3:   # بیت الامان: a connector
            for wid, sc in self._skeleton_hits(word[2:], 2.0).items():
                out[wid] = max(sc, out.get(wid, 0.0))
        if not out:   # الفلاح typed where the list has Falah, or نور where it has Al-Noor
            alt = word[2:] if word.startswith("ال") and len(word) > 3 else "ال" + word
            out = self._skeleton_hits(alt, 5.0)
        if not out and typos:
            sk = arabic_key(word)[2]
            if len(sk) >= 4:
                for _, _, at in process.extract(sk, self._skel_keys, scorer=Levenshtein.distance,
                                                score_cutoff=1, limit=3):
                    for wid in self._skel[self._skel_keys[at]]:
                        out[wid] = WEAK
        if out:
            top = max(out.values())
            out = {w: sc for w, sc in out.items() if sc >= top - 10.0}
        return out

    def _skeleton_hits(self, word: str, penalty: float) -> dict[int, float]:
        """List words with this word's consonant skeleton; the vowels only rank them."""
        tr, key, sk = arabic_key(word)
        ends_vowel = lex(word)[-1] in "اویےہ" and not tr.endswith("h")
        out: dict[int, float] = {}
        wids = self._skel.get(sk, [])
        alt = arabic_key_after_digraph(word)
        if alt is not None and self._skel.get(alt[2]):   # شہزاد: Shahzad, not only "shzad"
            wids = [*wids, *self._skel[alt[2]]]
        for wid in dict.fromkeys(wids):
            if wid in self._initials:   # S.B, H.A.: initials are never an Urdu word (سب)
                continue
            w = self._words[wid]
            ratio = max(fuzz.ratio(key, w.key), fuzz.ratio(tr, w.key),
                        *((fuzz.ratio(alt[1], w.key),) if alt is not None else ()))
            score = 88.0 + 0.1 * ratio - penalty
            if ends_vowel != (w.key[-1] in "aeiou"):
                score -= 4.0
            if _vowel_onset(word) != (w.key[0] in "aeiou"):
                # رضیہ is not Aaraiz, عثمان is not Saman: a name that begins with a vowel is
                # written with ا / آ / ع in Urdu and Sindhi, and one that does not, without.
                score -= ONSET_PENALTY
            if all(_long_vowel_conflict(word, raw) for raw in self._raws[wid] if raw.isascii()
                   ) and any(raw.isascii() for raw in self._raws[wid]):
                # حمید is not Hammad: a long vowel the script writes (ی, و, ا) between two
                # consonants is not the vowel every Latin spelling has there.
                score -= LONG_VOWEL_PENALTY
            if all(_consonants_missing(word, raw) for raw in self._raws[wid] if raw.isascii()
                   ) and any(raw.isascii() for raw in self._raws[wid]):
                # مراد is not Marwareed: two consonants every Latin spelling has (w, r) that
                # the script does not write are another word, though the skeletons agree.
                score -= MISSING_CONSONANTS_PENALTY
            out[wid] = min(score, 97.0)
        return out


_DIGRAPH_SYMBOLS = (("sh", "S"), ("kh", "X"), ("gh", "G"), ("ch", "C"), ("th", "T"),
                    ("ph", "P"), ("bh", "B"), ("dh", "D"), ("zh", "Z"))
_VOWEL_CLASS = {"a": "A", "e": "AI", "i": "I", "y": "I", "o": "UA", "u": "U", "w": "U"}


@lru_cache(maxsize=CACHE_WORDS)
def _vowel_slots(text: str) -> tuple[str, tuple[frozenset[str], ...]]:
    """(consonants, the vowel classes between each two of them) of a Latin spelling or a
    transliteration: "hammad" -> ("hmd", ({A}, {A})), "hmid" -> ("hmd", ({}, {I})). y and w
    are consonants first and before a vowel; doubled letters are one."""
    s = text.lower().replace("ee", "i").replace("oo", "u")   # long vowels as Latin writes them
    for digraph, symbol in _DIGRAPH_SYMBOLS:
        s = s.replace(digraph, symbol)
    consonants: list[str] = []
    slots: list[set[str]] = []
    current: set[str] = set()
    for i, ch in enumerate(s):
        nxt = s[i + 1] if i + 1 < len(s) else ""
        vowel = ch in "aeiou" or (ch in "yw" and i > 0 and nxt not in "aeiou")
        if vowel:
            current.update(_VOWEL_CLASS[ch])
        elif not consonants or consonants[-1] != ch or current:
            if consonants:
                slots.append(current)
            consonants.append(ch)
            current = set()
    return "".join(consonants), tuple(frozenset(x) for x in slots)


_SCRIPT_VOWELS = {"ا": "A", "آ": "A", "و": "U", "ی": "I", "ے": "I"}
_SCRIPT_SILENT = frozenset("عءٰئؤ" + ASPIRATE)


@lru_cache(maxsize=CACHE_WORDS)
def _script_slots(word: str) -> tuple[str, tuple[frozenset[str], ...]]:
    """`_vowel_slots` of an Urdu/Sindhi-script word from its letters: only the vowels it writes
    (ا و ی ے; و and ی are consonants first and before a vowel letter)."""
    w = urdu_letters(lex(word))
    consonants: list[str] = []
    slots: list[set[str]] = []
    current: set[str] = set()
    for i, ch in enumerate(w):
        nxt = w[i + 1] if i + 1 < len(w) else ""
        if ch in _SCRIPT_SILENT or (ch == "ہ" and i == len(w) - 1):
            continue
        vowel = ch in "اآے" or (ch in "وی" and i > 0 and nxt not in _SCRIPT_VOWELS)
        if vowel:
            current.add(_SCRIPT_VOWELS[ch])
            continue
        sound = "w" if ch == "و" else "y" if ch == "ی" else transliterate_word(ch)
        for digraph, symbol in _DIGRAPH_SYMBOLS:
            sound = sound.replace(digraph, symbol)
        for letter in sound:
            if not consonants or consonants[-1] != letter or current:
                if consonants:
                    slots.append(current)
                consonants.append(letter)
                current = set()
    return _plain_consonants("".join(consonants)), tuple(frozenset(x) for x in slots)


def _plain_consonants(consonants: str) -> str:
    return consonants.replace("q", "k").replace("c", "k").replace("v", "w")


def _loose(consonants: str) -> str:
    """Consonants without h and with digraphs as their first letter (th / ت ھ, a final h the
    script does not write: «فیتھ فل» Faithful, «بسم اللہ» Bismillah)."""
    return consonants.lower().replace("h", "")


def _consonants_missing(word: str, latin: str) -> bool:
    """Does the Latin spelling have two consonants more than the script word writes (مراد
    m-r-d, Marwareed m-r-w-r-d)?"""
    return len(_plain_consonants(_vowel_slots(latin)[0])) - len(_script_slots(word)[0]) >= 2


def _long_vowel_conflict(word: str, latin: str) -> bool:
    """Does the script word write a long vowel between two consonants where this Latin spelling
    (with the same consonants) has only another vowel? (حمید / Hammad; not Hameed. English
    o is written ا: ڈالر is Dollar.)"""
    sc, ss = _script_slots(word)
    lc, ls = _vowel_slots(latin)
    lc = _plain_consonants(lc)
    if sc != lc:
        return False   # the consonants do not line up: nothing to compare
    return any(a and b and not a & b for a, b in zip(ss, ls, strict=True))


_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {ch: (r, c) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}
_VOWELS = frozenset("aeiouy")


def _far_substitution(typed: str, ref: str) -> bool:
    """One letter replaced by one that is neither a neighbouring key nor a vowel for a vowel
    (Karan / Kiran, Nasim / Nasir): a slip of the finger rarely does that."""
    if len(typed) != len(ref):
        return False
    diff = [(a, b) for a, b in zip(typed, ref, strict=True) if a != b]
    if len(diff) != 1:
        return False
    a, b = diff[0]
    if a in _VOWELS and b in _VOWELS:
        return False
    pa, pb = _KEY_AT.get(a), _KEY_AT.get(b)
    if pa is None or pb is None:
        return False
    # Rows are offset by about half a key: neighbours are at most one row and one key apart.
    return abs(pa[0] - pb[0]) > 1 or abs(pa[1] - pb[1]) > 1


def _vowel_swap(typed: str, ref: str) -> bool:
    """The i of a name's last syllable, before its last consonant, typed a, o or u:
    "Shabbar" / Shabbir, "Kashmor" / Kashmir, Sajad / Sajid are other names or words (that i is
    the long vowel or the pattern of the name). Roman-Urdu spellings vary elsewhere (Shabnum /
    Shabnam, Irtiza / Irtaza) and within a class (Hamed / Hamid)."""
    return (len(typed) == len(ref) >= 5 and typed[:-2] == ref[:-2] and typed[-1] == ref[-1]
            and ref[-1] not in "aeiouy" and ref[-2] == "i" and typed[-2] in "aou")


_PLAIN = ((re.compile(r"ee"), "i"), (re.compile(r"oo|ou"), "u"), (re.compile(r"q"), "k"),
          (re.compile(r"eh"), "ah"),
          (re.compile(r"(.)\1+"), r"\1"), (re.compile(r"(?<=[aeiou])h$"), ""))


def _plain_spelling(word: str) -> str:
    """A Latin spelling without the differences of one name's spellings: doubled letters,
    ee/i, oo/u, ou/u, q/k, eh/ah, a final h (Kainaat, Kainat; Rimshah, Rimsha; Qazi, Kazi;
    Mehboob, Mahboob)."""
    for pattern, repl in _PLAIN:
        word = pattern.sub(repl, word)
    return word


def _known(word: str, key: str) -> bool:
    """A real name or word: as written (any list), or folded like a hand-kept one (the big name
    lists only as written: "Zhaid" folds like Zaid, and is a slip of Zahid)."""
    return word in KNOWN_WORDS or key in ORDINARY_FOLDS or word in ORDINARY_FOLDS


def _a_word(word: str, key: str) -> bool:
    """`_known`, or a common English word of 5+ letters ("means" is not a slip of Minsa; a
    shorter one, "Fist" for First, is a slip as often as a word)."""
    return _known(word, key) or (len(word) >= 5 and word in ENGLISH_WORDS)


@lru_cache(maxsize=CACHE_WORDS)
def _list_slip(tok: str) -> bool:
    """A list's own misspelling of a business word ("Enterpises", "Emloyment",
    "Intrenational"): a business word there too, never a distinctive one."""
    if len(tok) < 7 or len(tok) > MAX_WORD or not tok.isalpha() or tok in KNOWN_WORDS:
        return False
    return process.extractOne(tok, GENERIC_LATIN_SORTED, scorer=OSA.distance,
                              score_cutoff=1) is not None


def _drops_i(short: str, long: str) -> bool:
    """`short` is `long` without the i of an "ai" (Umar / Umair): another name, not a spelling."""
    return len(long) == len(short) + 1 and any(
        long[i] == "i" and long[i - 1] == "a" and long[:i] + long[i + 1:] == short
        for i in range(1, len(long)))


def _suffixed(long: str, base: str) -> bool:
    """`long` is the name `base` with the ending of another name: Irfan-a, Abbas-i, Mirza-i
    (the longer one a known name: "Saudia" and "Sahara" are other spellings or words), or a
    known name ending in a consonant with -a or -i added: the woman's name or the family name
    made from it (Jamil / Jamila, Hashim / Hashimi), whether or not that one is on a list."""
    if not (len(base) >= 4 and len(long) == len(base) + 1 and long.startswith(base)
            and long[-1] in "ai" and long[-1] != long[-2]):
        return False
    if long in KNOWN_WORDS or (base in KNOWN_WORDS and base[-1] not in "aeiouy"):
        return True
    # -i after a consonant makes another word of any word (dost / dosti "friendship",
    # Pakistan / Pakistani, Rehman / Rehmani): never a slip of it.
    return long[-1] == "i" and base[-1] not in "aeiouy"


def _by_length(keys: Sequence[str], ids: Sequence[int]) -> dict[int, tuple[list[str], list[int]]]:
    """Words (and their ids) by length."""
    out: dict[int, tuple[list[str], list[int]]] = {}
    for key, wid in zip(keys, ids, strict=True):
        refs, at = out.setdefault(len(key), ([], []))
        refs.append(key)
        at.append(wid)
    return out


def _vowel_onset(word: str) -> bool:
    """Starts with a vowel (ا/ع …), not counting the ا written before st/sk (اسٹار = Star)."""
    w = lex(word)
    if w[:1] not in ("ا", "آ", "ع"):
        return False
    return not (len(w) > 2 and w[1] == "س" and w[2] in "ٹتکپ")


def _weak(options: dict[int, float]) -> bool:
    """No option, or none that is the same word (98+)."""
    return not options or max(options.values()) < 98.0


def top_score(options: dict[int, float]) -> float:
    """The best agreement score among the options (0 if none)."""
    return max(options.values(), default=0.0)
