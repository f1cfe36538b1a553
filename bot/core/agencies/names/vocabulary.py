"""Word lists: generic business words, question/filler words (en, ur, sd, Roman Urdu), cities
and common names, plus the forms of them that names are compared in (folded, skeleton, tokens).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from bot.core.agencies.names.tokens import fold, lex, raw_tokens
from bot.core.romanize import fold_word, skeleton

WORDS_FILE = Path(__file__).resolve().parents[4] / "content" / "agency_words.yaml"
_LIST_KEYS = ("business", "soft_business", "business_phrases", "business_script",
              "business_script_phrases", "legal", "prefixes", "loanwords", "fillers",
              "fillers_script", "qualifiers", "alternatives", "greetings", "negations",
              "negations_after", "negation_between", "negation_tail", "known_words",
              "known_names", "asking", "distinct_names", "places",
              "number_units", "abbreviations")


class WordListError(ValueError):
    """content/agency_words.yaml is missing a list or has one in the wrong shape."""


def _words(value: object, where: str) -> frozenset[str]:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    if not isinstance(value, str):
        raise WordListError(f"{where}: expected words separated by spaces")
    return frozenset(value.split())


def _table(value: object, where: str) -> dict[str, frozenset[str]]:
    if not isinstance(value, dict):
        raise WordListError(f"{where}: expected 'name: words' lines")
    return {str(k): _words(v, f"{where}.{k}") for k, v in value.items()}


def _phrases(value: object, where: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    if not isinstance(value, dict):
        raise WordListError(f"{where}: expected 'name: phrase | phrase' lines")
    return {str(k): tuple(tuple(p.split()) for p in str(v).split("|") if p.split())
            for k, v in value.items()}


def _abbreviations(value: object) -> dict[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(value, dict):
        raise WordListError("abbreviations: expected 'short words: long words' lines")
    out: dict[tuple[str, ...], tuple[str, ...]] = {}
    for short, long in value.items():
        key, words = tuple(str(short).split()), tuple(str(long).split())
        if len(key) < 2 or not words:
            raise WordListError(f"abbreviations: {short!r}: expected two or more words, "
                                "then ':' and the words they stand for")
        out[key] = words
    return out


def _distinct(lines: list) -> dict[str, tuple[int, int]]:
    """"javed | javad jawad" lines -> each spelling's (line, group)."""
    out: dict[str, tuple[int, int]] = {}
    for n, line in enumerate(lines):
        groups = [g.split() for g in str(line).split("|")]
        if len(groups) < 2 or not all(groups):
            raise WordListError(f"distinct_names: line {n + 1} ({line!r}): expected two or more "
                                "groups of spellings separated by '|'")
        for g, words in enumerate(groups):
            for word in words:
                if word in out:
                    raise WordListError(f"distinct_names: '{word}' is written twice")
                out[word.lower()] = (n, g)
    return out


def load_word_lists(path: Path | None = None) -> dict:
    """The agency word lists, validated (WordListError names the list that is wrong)."""
    path = Path(path or os.environ.get("AGENCY_WORDS_FILE") or WORDS_FILE)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise WordListError(f"{path}: cannot be read ({exc})") from exc
    if not isinstance(data, dict):
        raise WordListError(f"{path}: expected a mapping of word lists")
    missing = [k for k in _LIST_KEYS if k not in data]
    if missing:
        raise WordListError(f"{path}: missing list(s): {', '.join(missing)}")
    for key in ("qualifiers", "alternatives", "greetings", "distinct_names"):
        if not isinstance(data[key], list):
            raise WordListError(f"{path}: {key}: expected a list of phrases")
    out = {
        "business": _table(data["business"], "business"),
        "business_script": _table(data["business_script"], "business_script"),
        "business_phrases": _phrases(data["business_phrases"], "business_phrases"),
        "business_script_phrases": _phrases(data["business_script_phrases"],
                                            "business_script_phrases"),
        "loanwords": _table(data["loanwords"], "loanwords"),
        "qualifiers": tuple(str(q) for q in (data["qualifiers"] or [])),
        "alternatives": tuple(str(q) for q in (data["alternatives"] or [])),
        "greetings": tuple(str(q) for q in (data["greetings"] or [])),
        "distinct_names": _distinct(data["distinct_names"]),
        "abbreviations": _abbreviations(data["abbreviations"]),
    }
    for key in ("soft_business", "legal", "prefixes", "fillers", "fillers_script", "negations",
                "negations_after", "negation_between", "negation_tail", "known_words",
                "known_names", "asking", "places",
                "number_units"):
        out[key] = _words(data[key], key)
    return out


def check_word_lists(path: Path | None = None) -> list[str]:
    """Problems with the word-list file, for `content check` (empty when it is usable)."""
    try:
        load_word_lists(path)
    except WordListError as exc:
        return [str(exc)]
    return []


WORDS = load_word_lists()

# Business word (Latin, as typed) -> its class ("services" -> "service").
BUSINESS_CLASS: dict[str, str] = {w: c for c, ws in WORDS["business"].items() for w in ws}
BUSINESS_CLASS.update({w: "legal" for w in WORDS["legal"]})
SOFT_CLASSES = WORDS["soft_business"]
GENERIC_LATIN = frozenset(BUSINESS_CLASS)
GENERIC_PHRASES = tuple(p for ps in WORDS["business_phrases"].values() for p in ps
                        if len(p) == 2)
GENERIC_ARABIC = frozenset(w for ws in WORDS["business_script"].values() for w in ws) | \
    frozenset(w for ps in WORDS["business_script_phrases"].values() for p in ps for w in p)
FILLER_LATIN = WORDS["fillers"]
FILLER_ARABIC = WORDS["fillers_script"]
PREFIXES = WORDS["prefixes"]
LOANWORDS: dict[str, str] = {w: latin for latin, ws in WORDS["loanwords"].items() for w in ws}
QUALIFIERS = WORDS["qualifiers"]
ALTERNATIVES = WORDS["alternatives"]
GREETINGS = WORDS["greetings"]
NEGATIONS = WORDS["negations"]
NEGATIONS_AFTER = WORDS["negations_after"]
# Words between the name and a negation after it ("X wala nahi"), and after the negation at the
# end ("X nahi hai ye"): see `verdict._negated_after`.
NEGATION_BETWEEN = WORDS["negation_between"]
NEGATION_TAIL = WORDS["negation_tail"]
# Spellings of names that fold alike but are other names (Javed / Javad): spelling -> (line, group).
DISTINCT_NAMES: dict[str, tuple[int, int]] = WORDS["distinct_names"]
# Words that ask about an agency ("licensed", «رجسٹرڈ»): see `Reading.asks`.
ASKING = WORDS["asking"]
# "r agency" -> ("recruiting", "agency"): see `index.canonical_words`.
ABBREVIATIONS: dict[tuple[str, ...], tuple[str, ...]] = WORDS["abbreviations"]
ABBREVIATION_MAX = max((len(k) for k in ABBREVIATIONS), default=0)
ABBREVIATION_FIRST = frozenset(k[0] for k in ABBREVIATIONS)
# Words that make a number a quantity ("3 saal"), not a licence number: see `verdict`.
NUMBER_UNITS = WORDS["number_units"]
NUMBER_UNIT_KEYS = frozenset(lex(t) for w in NUMBER_UNITS for t in raw_tokens(w))


def lex_word(word: str) -> str:
    """A word as the word lists are looked up in (lower case, letters folded, ھ and ہ alike)."""
    toks = raw_tokens(word)
    return lex(toks[0]) if toks else ""

# Cities (as a name's last words they say where the agency is, not which one it is).
CITIES: dict[str, tuple[str, ...]] = {
    "lahore": ("lahore", "لاہور"),
    "karachi": ("karachi", "کراچی", "ڪراچي"),
    "rawalpindi": ("rawalpindi", "pindi", "راولپنڈی", "پنڈی", "راولپنڊي"),
    "islamabad": ("islamabad", "اسلام آباد", "اسلام اباد", "اسلامآباد"),
    "peshawar": ("peshawar", "پشاور"),
    "malakand": ("malakand", "ملاکنڈ", "ملاڪنڊ"),
    "sialkot": ("sialkot", "سیالکوٹ", "سيالڪوٽ"),
    "multan": ("multan", "ملتان"),
    "gujranwala": ("gujranwala", "گوجرانوالہ", "گوجرانواله"),
    "faisalabad": ("faisalabad", "فیصل آباد", "فیصلآباد", "فيصل آباد"),
    "dera ghazi khan": ("dera ghazi khan", "dg khan", "ڈیرہ غازی خان", "ڊيرا غازي خان"),
    "quetta": ("quetta", "کوئٹہ", "ڪوئيٽا"),
    "hyderabad": ("hyderabad", "حیدرآباد", "حیدر آباد", "حيدرآباد"),
    "mingora": ("mingora", "swat city"),
    "gujrat": ("gujrat", "گجرات"),
    "sukkur": ("sukkur", "سکھر", "سکر"),
    "larkana": ("larkana", "لاڑکانہ", "لاڙڪاڻو"),
    "mirpur": ("mirpur", "میرپور"),
}
# More towns: read as where the agency is only after a name ("Kalam International, Swat"); one
# alone may be a name's word ("Swat": Swat Enterprises, SWAT Corporation).
TOWNS: dict[str, tuple[str, ...]] = {
    "swat": ("swat", "سوات"),
    "mardan": ("mardan", "مردان"),
    "abbottabad": ("abbottabad", "abbotabad", "ایبٹ آباد", "ایبٹآباد"),
    "sargodha": ("sargodha", "سرگودھا"),
    "bahawalpur": ("bahawalpur", "بہاولپور"),
    "jhelum": ("jhelum", "جہلم"),
    "sahiwal": ("sahiwal", "ساہیوال"),
    "okara": ("okara", "اوکاڑہ"),
    "kasur": ("kasur", "قصور"),
    "sheikhupura": ("sheikhupura", "شیخوپورہ"),
    "mansehra": ("mansehra", "مانسہرہ"),
    "nowshera": ("nowshera", "نوشہرہ"),
    "kohat": ("kohat", "کوہاٹ"),
    "bannu": ("bannu", "بنوں"),
    "chakwal": ("chakwal", "چکوال"),
    "attock": ("attock", "اٹک"),
    "rahim yar khan": ("rahim yar khan", "رحیم یار خان"),
    "muzaffarabad": ("muzaffarabad", "مظفرآباد", "مظفر آباد"),
    "nawabshah": ("nawabshah", "نوابشاہ", "نواب شاہ"),
    "jacobabad": ("jacobabad", "جیکب آباد"),
    "gwadar": ("gwadar", "گوادر"),
}

# Ordinary words and names: one of them alone never identifies an agency ("Dubai", "Star").
ORDINARY_WORDS = WORDS["known_words"]
# Every real name or word: a typed one is never trusted as a slip of another list word.
KNOWN_WORDS = ORDINARY_WORDS | WORDS["known_names"]
ENGLISH_FILE = WORDS_FILE.parent / "english_words.txt"


def load_english_words(path: Path = ENGLISH_FILE) -> frozenset[str]:
    """Common English words (content/english_words.txt, an extract of wordfreq; empty when the
    file is missing): a typed one is a word, never trusted as a slip of another list word."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


ENGLISH_WORDS = load_english_words()

# Connectors inside Arabic-derived names (Nur-ul-Huda, Faizan-e-Madina, Dar-us-Salam).
CONNECTORS = frozenset({"ul", "us", "ud", "un", "ur", "e", "i", "ut", "ush", "uz"})
ARTICLES = frozenset({"al", "el"})
# Arabic words written joined to a following connector: Darul, Baitul, Noorul, Ziaul, Abdul …
STEMS = frozenset("""dar bait bab noor nur anwar zia abd fazl fazal zain siraj shams najm saif
habib ruh ain nasr fakhr izz ahl ibn inam ikram ahsan shafi rafi qamar badr bahr""".split())
LEGAL = WORDS["legal"]

# --- the lists in the forms that names are compared in ------------------------------------
GENERIC_PAIRS = frozenset(GENERIC_PHRASES)


def latin_generic(word: str) -> bool:
    """A Latin-script business word (Overseas, Pvt, Manpower …), as typed or folded."""
    # Short words only as written: "THA" (an agency's initials) is not a spelling of "the".
    return word in GENERIC_LATIN or (len(word) >= 4 and fold(word) in GENERIC_FOLDS)


GENERIC_FOLDS = frozenset(fold_word(w) for w in GENERIC_LATIN | {a + b for a, b in GENERIC_PHRASES})
GENERIC_SKELETONS = frozenset(s for s in (skeleton(k) for k in GENERIC_FOLDS) if len(s) >= 3)
GENERIC_ARABIC_KEYS = frozenset(lex(t) for w in GENERIC_ARABIC for t in raw_tokens(w))
FILLER_ARABIC_KEYS = frozenset(lex(t) for w in FILLER_ARABIC for t in raw_tokens(w))
ASKING_KEYS = frozenset(lex(t) for w in ASKING for t in raw_tokens(w))
# Places abroad ("Dubai", «سعودی»): see `verdict` (a licence with "a job in Dubai").
PLACE_KEYS = frozenset(lex(t) for w in WORDS["places"] for t in raw_tokens(w))
GENERIC_LATIN_SORTED = sorted(GENERIC_LATIN)
ORDINARY_FOLDS = frozenset(fold_word(w) for w in ORDINARY_WORDS)
LEGAL_FOLDS = frozenset(fold_word(w) for w in LEGAL)
BUSINESS_FOLD_CLASS = {fold_word(w): c for w, c in BUSINESS_CLASS.items()}
BUSINESS_FOLD_CLASS.update({fold_word("".join(p)): c
                            for c, ps in WORDS["business_phrases"].items() for p in ps})
SCRIPT_CLASS = {lex(t): c for c, ws in WORDS["business_script"].items() for w in ws
                for t in raw_tokens(w)}
SCRIPT_CLASS.update({lex(t): c for c, ps in WORDS["business_script_phrases"].items()
                     for p in ps for w in p for t in raw_tokens(w)})
LOANWORD_KEYS = {lex(t): latin for w, latin in LOANWORDS.items() for t in raw_tokens(w)}


def business_class(tok: str) -> str | None:
    """The class of a business word ("servises" -> "service"); "legal" for Pvt, Ltd …; else None."""
    if tok and not tok[0].isascii():
        return SCRIPT_CLASS.get(lex(tok))
    return BUSINESS_CLASS.get(tok) or BUSINESS_FOLD_CLASS.get(fold(tok))


def _city_phrases() -> dict[tuple[str, ...], str]:
    """Each written form of a city, as tokens -> the city."""
    phrases: dict[tuple[str, ...], str] = {}
    for city, forms in (CITIES | TOWNS).items():
        for form in forms:
            phrases[tuple(raw_tokens(form))] = city
    return phrases


CITY_PHRASES = _city_phrases()
CITY_MAX = max(len(p) for p in CITY_PHRASES)


def city_key(city: str) -> str:
    """A list's city cell -> the city's name (Pindi -> rawalpindi), else its tokens."""
    toks = tuple(raw_tokens(city))
    return CITY_PHRASES.get(toks, " ".join(toks))


def cities_in(text: str) -> list[str]:
    """The cities a text names anywhere ("licence 35 karachi" -> ["karachi"])."""
    toks = raw_tokens(text[:1_000])[:64]
    found: list[str] = []
    for i in range(len(toks)):
        for size in range(min(CITY_MAX, len(toks) - i), 0, -1):
            city = CITY_PHRASES.get(tuple(toks[i:i + size]))
            if city and city not in found:
                found.append(city)
                break
    return found
