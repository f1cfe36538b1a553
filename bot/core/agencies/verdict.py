"""The verdict: every piece of evidence in a message (licence numbers, phones, a name) -> one answer.

`AgencyMatcher(agencies).check(text)` finds each licence number and phone number in the text
(`identifiers`) and reads the rest as a name (`name_index`). They must all point at the same
agency for that agency's status; when they disagree the answer says so (`reason` "mismatch")
and the worst status among the agencies named wins (a suspended licence is ⛔ whatever name
comes with it). A name identifies an agency only when every distinctive word agrees, no
correction was needed on a word that is itself a real name or word, and the business words
do not contradict the agency's ("Manpower Services" is not "Overseas Employment Promoters").
Words that change the meaning ("sub agent of", "Not X", "fake", "branch of") never give
`licensed`. A bug is logged (without the query) and answered "could not check right now"
(reason "error").
"""

from __future__ import annotations

import logging
import re
import traceback
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.core.agencies.identifiers import (
    MAX_QUERY_CHARS,
    OFFICE_CODES,
    OFFICE_OF_CITY,
    find_licenses,
    find_phones,
    find_short_licences,
    parse_license,
    pk_e164,
)
from bot.core.agencies.names.index import MAX_CANDIDATES, MAX_READ, STRONG, NameIndex, Reading, top_score
from bot.core.agencies.names.tokens import is_arabic, lex
from bot.core.agencies.names.vocabulary import (
    ALTERNATIVES,
    ASKING_KEYS,
    ENGLISH_WORDS,
    FILLER_ARABIC_KEYS,
    FILLER_LATIN,
    GREETINGS,
    NEGATION_BETWEEN,
    NEGATION_TAIL,
    NEGATIONS,
    NEGATIONS_AFTER,
    PLACE_KEYS,
    QUALIFIERS,
    SOFT_CLASSES,
    cities_in,
)
from bot.core.agencies.records import Agency, AgencyList, Notice, Provenance, Status
from bot.core.text import ascii_digits, clean

__all__ = ["AgencyMatcher", "Candidate", "CheckResult"]

log = logging.getLogger(__name__)

SIMILAR_MIN = 25.0         # weighted-overlap score (0-100) below which nothing is "similar"
SIMILAR_ONE_WORD = 50.0    # the same for one list word among unknown words
MAX_IDENTIFIERS = 5        # licence numbers and phones read from one message, each
MAX_PHONE_TEXT = 400       # characters searched for phone numbers
_STATUS_VERDICT = {
    Status.VALID: "licensed", Status.SUSPENDED: "suspended", Status.CANCELLED: "cancelled",
    Status.EXPIRED: "expired", Status.SURRENDERED: "surrendered", Status.INVALID: "invalid",
    Status.BLACKLISTED: "blacklisted",
}
# Worst first: the verdict a message gets when its evidence names agencies of several statuses.
_SEVERITY = [Status.BLACKLISTED, Status.CANCELLED, Status.SUSPENDED, Status.INVALID,
             Status.SURRENDERED, Status.EXPIRED, Status.VALID]
_BARE_NUMBER = re.compile(r"(?<![\d/.\-])(\d{4})(?![\d/.\-])")
_NUMBER_WORD = re.compile(r"\b(?:licen[cs]e|lic|oep|oepl|no|number)\b|لائسنس|نمبر|لائسنس",
                          re.IGNORECASE)


# --- results ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """An agency the query may mean, with a 0-100 score."""

    agency: Agency
    score: float


@dataclass(frozen=True)
class CheckResult:
    """The verdict for one query (CONTRACTS.md `check`).

    `reason` says why: "license_no", "phone", "name", "mismatch" (the licence, phone and name
    point at different agencies), "qualified" ("sub agent of X", "Not X", "fake"),
    "shared_name", "near_miss", "lookalike_business", "unknown_number", "generic_only",
    "empty", "too_long", "no_match", "error" (the check itself failed).
    `mentioned` holds (kind, value, agency or None) for each licence number and phone read.
    """

    query: str
    verdict: str
    match: Agency | None
    candidates: tuple[Candidate, ...]
    list_date: date | None
    demo: bool
    reason: str
    today: date | None = field(default=None, compare=False)
    mentioned: tuple[tuple[str, str, Agency | None], ...] = field(default=(), compare=False)
    notices: tuple[Notice, ...] = field(default=(), compare=False)   # the match's, latest first

    @property
    def about_an_agency(self) -> bool:
        """Worth showing as a check when the text was not asked as one: it names, resembles or
        numbers an agency (licence or phone read), rather than sharing a word with one."""
        return bool(self.mentioned) or (self.verdict != "not_found" and self.reason in (
            "name", "shared_name", "near_miss", "lookalike_business", "qualified", "mismatch"))

    def to_json(self) -> dict:
        """Exactly the CONTRACTS.md `check` object (plus "demo" and "notices")."""
        today = self.today or date.today()
        return {
            "query": self.query,
            "verdict": self.verdict,
            "match": _match_json(self.match, today) if self.match is not None else None,
            "candidates": [_candidate_json(c, today) for c in self.candidates[:MAX_CANDIDATES]],
            "list_date": self.list_date.isoformat() if self.list_date else None,
            "demo": self.demo,
            "notices": [{"kind": n.kind, "date": n.when.isoformat() if n.when else None,
                         "title": n.title, "status": n.status} for n in self.notices],
        }


def _match_json(agency: Agency, today: date) -> dict:
    return {
        "license_no": agency.license_no, "name": agency.name, "proprietor": agency.proprietor,
        "city": agency.city, "address": agency.address, "phone": agency.phone,
        "status": agency.effective_status(today).value,
        "valid_until": agency.valid_until.isoformat() if agency.valid_until else None,
    }


def _candidate_json(candidate: Candidate, today: date) -> dict:
    a = candidate.agency
    return {"license_no": a.license_no, "name": a.name, "city": a.city,
            "status": a.effective_status(today).value, "score": round(float(candidate.score), 1)}


@dataclass
class _Name:
    """What the name in a message says: one agency, several, or nothing."""

    kind: str                          # "none" | "one" | "similar" | "unknown"
    ranked: list[tuple[float, int]]    # (score, agency index), likeliest first
    reason: str = ""
    words: bool = False                # the text has distinctive (non-business) words


@dataclass
class _Evidence:
    kind: str          # "license_no" | "phone"
    value: str
    hits: list[int]


def _phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    words = sorted(phrases, key=len, reverse=True)
    alts = "|".join(re.escape(w).replace(r"\ ", r"[\s\-]*") for w in words)
    return re.compile(rf"(?<![^\W\d_])(?:{alts})(?![^\W\d_])", re.IGNORECASE)


_QUALIFIER = _phrases(QUALIFIERS)
_ALTERNATIVE = _phrases(ALTERNATIVES)
_GREETING = _phrases(GREETINGS)
_NEGATION = re.compile(
    rf"(?:^|[,.;:!?(\-\"']\s*)(?:{'|'.join(re.escape(w) for w in sorted(NEGATIONS))})\s+\w",
    re.IGNORECASE)
_NEGATION_AFTER = re.compile(
    rf"([^\W\d_]+)(?:\s+(?:{'|'.join(re.escape(w) for w in sorted(NEGATION_BETWEEN))})){{0,2}}"
    rf"\s+(?:{'|'.join(re.escape(w) for w in sorted(NEGATIONS_AFTER))})"
    rf"(?:\s+(?:{'|'.join(re.escape(w) for w in sorted(NEGATION_TAIL))})){{0,3}}[\s?.!]*$",
    re.IGNORECASE)
_NOT_A_NAME = FILLER_LATIN | FILLER_ARABIC_KEYS | ASKING_KEYS   # "ya" / «یا» are fillers


def _negated_after(text: str) -> bool:
    """ "ye X nahi hai", «X نہیں», "ye X wala nahi hai", "X nahi hai ye": a negation after the
    name (perhaps after "wala" / «والا»), at the end of the text (perhaps with "hai ye" after)."""
    match = _NEGATION_AFTER.search(text[-80:])   # the end only: bounded cost
    return bool(match) and lex(match.group(1).lower()) not in _NOT_A_NAME


def _story_words(part: Reading) -> bool:
    """A place of a sentence whose words are all common English words, without business
    words or not all as the list writes them ("to look after my son", "I went back …
    personally": Look After Manpower, Al-Back Enterprises): the story, not a name."""
    if not all(p.text.lower() in ENGLISH_WORDS for p in part.positions):
        return False
    return not part.generic or any(top_score(p.options) < 98.0 for p in part.positions)


def business_agrees(query: frozenset[str], agency: frozenset[str], words: int) -> bool:
    """Can a name of `words` distinctive words and the business-word classes `query` be the
    agency's with `agency`?

    Every class typed must be the agency's, but a `soft_business` one (OEP, overseas) that a
    person adds to any name ("Gulf Khan overseas" for Gulf Khan OEP, "Rahmat Vision overseas"
    for Rehmat Vision Human Resources, "Hoti Overseas Enterprises" for Hoti Enterprises).
    With one distinctive word, overseas standing alone for the agency's own business words
    is another name: "Kumrat Overseas" is not Kumrat Enterprises (one word, and none of its
    business words, says too little)."""
    if not (query - SOFT_CLASSES) <= agency:
        return False
    added = (query & SOFT_CLASSES) - agency - {"oep"}
    if not added or words > 1:
        return True
    return bool(query & agency) or not (agency - SOFT_CLASSES)


_OEP = frozenset({"overseas", "employment", "promoter"})


def _spelled_out(classes: frozenset[str]) -> frozenset[str]:
    """Business-word classes with OEP written out (Overseas Employment Promoter)."""
    return (classes - {"oep"}) | _OEP if "oep" in classes else classes


def qualified(text: str) -> bool:
    """Does the text say sub agent, branch, fake, start with "Not" or end with "X nahi (hai)"?
    ("real or fake?" and "asli hai ya nahi?" do not)."""
    text = _ALTERNATIVE.sub(" ", text)
    return bool(_QUALIFIER.search(text) or _NEGATION.search(text.strip())
                or _negated_after(text.strip()))


# --- the matcher ------------------------------------------------------------------------------
class AgencyMatcher:
    """Indexes an `AgencyList` once; `check(query)` answers one query in well under 5 ms."""

    def __init__(self, agencies: AgencyList, *, today: date | None = None) -> None:
        self.agencies = agencies
        self.today = today
        self._list = agencies.agencies
        self._names = NameIndex(self._list)
        self._by_license: dict[tuple[int, str], list[int]] = defaultdict(list)
        self._by_number: dict[int, list[int]] = defaultdict(list)
        self._by_phone: dict[str, list[int]] = defaultdict(list)
        codes = set(OFFICE_CODES)
        for idx, agency in enumerate(self._list):
            lic = parse_license(agency.license_no)
            if lic:
                self._by_license[(lic[1], lic[2])].append(idx)
                self._by_number[lic[1]].append(idx)
                codes.add(lic[2])
            for cell in re.split(r"[,;/]|\bor\b", agency.phone):
                e164 = pk_e164(cell)
                if e164 and idx not in self._by_phone[e164]:
                    self._by_phone[e164].append(idx)
        self._codes = frozenset(codes)
        self._notices: dict[str, list[Notice]] = defaultdict(list)
        for notice in agencies.notices:
            self._notices[notice.license_no].append(notice)
        for found in self._notices.values():
            found.sort(key=lambda n: n.when or date.min, reverse=True)

    # -- public -------------------------------------------------------------------------------
    def check(self, query: str) -> CheckResult:
        """The verdict for one free-text query; never raises (a bug answers reason "error")."""
        try:
            return self._check(query if isinstance(query, str) else str(query))
        except Exception as exc:  # never log what people typed: the type and the frames only
            frames = "; ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                               for f in traceback.extract_tb(exc.__traceback__))
            log.error("agency check failed: %s at %s", type(exc).__name__, frames)
            return self._result(str(query)[:MAX_QUERY_CHARS], "not_found", None, (), "error")

    # -- results ------------------------------------------------------------------------------
    def _today(self) -> date:
        return self.today or date.today()

    def _result(self, query: str, verdict: str, match: Agency | None,
                candidates: Iterable[Candidate], reason: str,
                mentioned: Iterable[tuple[str, str, Agency | None]] = ()) -> CheckResult:
        prov: Provenance = self.agencies.provenance
        notices = tuple(self._notices.get(match.license_no, ())) if match is not None else ()
        return CheckResult(query, verdict, match, tuple(candidates)[:MAX_CANDIDATES],
                           self.agencies.list_date, prov.demo, reason, self._today(),
                           tuple(mentioned), notices)

    def _status(self, idx: int) -> Status:
        return self._list[idx].effective_status(self._today())

    def _ranked(self, scored: Iterable[tuple[float, int]]) -> list[Candidate]:
        """Best score per agency, in the order given for ties (callers put the likeliest first)."""
        best: dict[int, float] = {}
        order: list[int] = []
        for score, idx in scored:
            if idx not in best:
                order.append(idx)
            best[idx] = max(score, best.get(idx, 0.0))
        return [Candidate(self._list[i], round(best[i], 1)) for i in order][:MAX_CANDIDATES]

    # -- the check ----------------------------------------------------------------------------
    def _check(self, query: str) -> CheckResult:
        if len(query) > MAX_QUERY_CHARS:
            return self._result(query[:MAX_QUERY_CHARS], "not_found", None, (), "too_long")
        text = clean(query)
        if not any(ch.isalnum() for ch in text):
            return self._result(query, "not_found", None, (), "empty")
        digits = ascii_digits(text[:MAX_READ])
        evidence, rest = self._identifiers(digits)
        short, rest = self._short_numbers(rest, MAX_IDENTIFIERS - len(evidence))
        evidence += short
        rest = _QUALIFIER.sub(" ", rest)   # "sub agent", "branch": read below, not as a name
        rest = _GREETING.sub(" ", rest)    # "Allah Hafiz": never a name
        name = self._name(rest)
        if not evidence and not name.words:
            bare = self._bare_number(rest)
            if bare is not None:
                evidence = [bare]
        is_qualified = qualified(text)
        if evidence:
            return self._combine(query, evidence, name, is_qualified, rest)
        return self._by_name(query, name, is_qualified)

    def _identifiers(self, digits: str) -> tuple[list[_Evidence], str]:
        """Licence numbers and phones in the text, and the text without them."""
        found: list[_Evidence] = []
        spans: list[tuple[int, int]] = []
        for prefix, num, code, span in find_licenses(digits, self._codes, MAX_IDENTIFIERS):
            hits = self._by_license.get((num, code), [])
            if prefix and len(hits) > 1:
                hits = [i for i in hits
                        if parse_license(self._list[i].license_no)[0] == prefix] or hits
            found.append(_Evidence("license_no", f"{prefix + '/' if prefix else ''}"
                                                 f"{num:04d}/{code}", list(hits)))
            spans.append(span)
        for e164, span in find_phones(digits[:MAX_PHONE_TEXT], MAX_IDENTIFIERS * 2):
            if any(s[0] < span[1] and span[0] < s[1] for s in spans):
                continue
            if len([e for e in found if e.kind == "phone"]) >= MAX_IDENTIFIERS:
                break
            found.append(_Evidence("phone", e164, list(self._by_phone.get(e164, []))))
            spans.append(span)
        rest = digits
        for a, b in sorted(spans, reverse=True):
            rest = rest[:a] + " " + rest[b:]
        return found, rest

    def _bare_number(self, rest: str) -> _Evidence | None:
        """A licence number written without its office code ("8112", "۸۱۱۲ کراچی")."""
        numbers = _BARE_NUMBER.findall(rest)
        if len(numbers) != 1:
            return None
        hits = self._by_number.get(int(numbers[0]), [])
        if not hits and not _NUMBER_WORD.search(rest):
            return None
        return self._number_evidence(int(numbers[0]), rest)

    def _short_numbers(self, rest: str, limit: int) -> tuple[list[_Evidence], str]:
        """Licence numbers of 1-4 digits after a licence word, without their office code and
        leading zeros ("lic no 35", "licence 35 karachi", «لائسنس نمبر ۳۵»), unless a word
        follows that makes the number a quantity ("licence 3 saal pehle"); and the text
        without those numbers."""
        found: list[_Evidence] = []
        spans: list[tuple[int, int]] = []
        for number, span in find_short_licences(rest, limit):
            found.append(self._number_evidence(number, rest))
            spans.append(span)
        for a, b in reversed(spans):
            rest = rest[:a] + " " + rest[b:]
        return found, rest

    def _number_evidence(self, number: int, text: str) -> _Evidence:
        """A licence number without its office code: every agency with that number, or those
        of the office of a city the text names, when the number alone is not unique."""
        hits = list(self._by_number.get(number, []))
        if len(hits) > 1:
            codes = {code for city in cities_in(text) for code in OFFICE_OF_CITY.get(city, ())}
            hits = [i for i in hits if parse_license(self._list[i].license_no)[2] in codes] or hits
        value = self._list[hits[0]].license_no if len(hits) == 1 else f"{number:04d}"
        return _Evidence("license_no", value, hits)

    # -- names --------------------------------------------------------------------------------
    def _name(self, text: str) -> _Name:
        reading = self._names.reading(text)
        name = self._read_name(reading)
        if reading.scattered:
            # A name inside a sentence: one place of it names one agency, the others name none.
            # A place alone («سعودیہ», "Dubai") is where the job is: no rival for the name.
            places = [all(lex(p.text) in PLACE_KEYS for p in r.positions) for r in reading.parts]
            parts = [self._read_name(r, rank=False) for r in reading.parts]
            ones = [p for p, r in zip(parts, reading.parts, strict=True) if p.kind == "one"
                    and not _story_words(r)]
            if len(ones) == 1 and all(p.kind != "similar" or p.reason == "near_miss" or place
                                      for p, place in zip(parts, places, strict=True)):
                name = ones[0]
            elif len(ones) == 1:
                # A Latin-script name in an Urdu/Sindhi sentence («میرے ماموں نے X کو ...»):
                # the other script's words are the sentence.
                one = next(r for r, p in zip(reading.parts, parts, strict=True) if p.kind == "one")
                if not one.script and all(r.script for r in reading.parts if r is not one):
                    name = ones[0]
        if name.kind == "one" and reading.inner_dual:
            # "Shkani One Manpower" is not Shani International: read with "One" as a name word;
            # certify only what that reading names, else "similar".
            other = self._read_name(self._names.reading(text, dual=True))
            if other.kind == "one":
                return other
            return _Name("similar", name.ranked + other.ranked, "near_miss", True)
        if reading.split:
            # "Yousufzai Brothers": read as Yousuf + Zai it names none; as a slip of Yousafzai,
            # one agency. "Yousufzai" alone names one either way: which is not said.
            whole = self._read_name(self._names.reading(text, split=False))
            if whole.kind == "one" and name.kind != "one":
                return whole
            if whole.kind == "one" and whole.ranked[0][1] != name.ranked[0][1]:
                return _Name("similar", name.ranked + whole.ranked, "near_miss", True)
        if name.kind != "one" and name.reason != "lookalike_business":
            # A name that ends at its business words, inside a sentence that goes on.
            found: dict[int, _Name] = {}
            for dual in (False, True) if self._names.dual else (False,):
                for span in self._names.name_spans(text, dual=dual):
                    part = self._names.reading(span, dual=dual)
                    if not part.generic:
                        continue   # "for a holiday and my employer …": "and" ends no name
                    other = self._read_name(part)
                    if other.kind == "one":
                        found.setdefault(other.ranked[0][1], other)
            if len(found) == 1:
                return next(iter(found.values()))
        if (self._names.dual or self._names.dual_script) and name.kind != "one":
            # A filler that is also a listed name's word (Trust, Hello): read it as a name word
            # when that reading names one agency and has more than such words alone.
            dual = self._names.reading(text, dual=True)
            only_dual = all(p.text in self._names.dual or lex(p.text) in self._names.dual_script
                            for p in dual.positions)
            # Such words alone need a business word ("Hello Manpower"; "and" is none).
            if len(dual.positions) > len(reading.positions) and not (only_dual
                                                                      and not dual.generic):
                other = self._read_name(dual)
                if (other.kind == "one"
                        or (other.kind == "similar" and name.kind in ("none", "unknown"))
                        or (other.reason == "shared_name" and name.reason != "shared_name")):
                    return other
                if other.kind == "similar" and name.kind == "similar":
                    # "saudi but": Saudi Butt, whose words the text spells one for one (read
                    # with the filler as a name word), is among the candidates, first.
                    spelled = [(m, i) for m, _, key in self._names.exact_keys(dual.positions)
                               for i in self._names.by_key[key]]
                    if spelled:
                        return _Name("similar", spelled[:2] + name.ranked, name.reason, True)
        return name

    def _read_name(self, reading: Reading, *, rank: bool = True) -> _Name:
        """What the reading names; without `rank`, near misses are not looked for."""
        positions = reading.positions

        def near() -> list[tuple[float, int]]:
            return self._names.near(positions) if rank else []

        if not positions:
            return _Name("none", [], "generic_only" if reading.has_generic else "no_match")
        keys = self._names.exact_keys(positions)
        if not keys:
            # One list word among words that are on no list ("B0000xf8 visit visa job"): too
            # little to call anything similar.
            lone = len(positions) == 1 and not reading.generic and reading.unknown > 0
            floor = SIMILAR_ONE_WORD if lone else SIMILAR_MIN
            scored = [c for c in near() if c[0] >= floor]
            if rank and len(positions) == 1 and not lone:
                # One word that a few agencies share ("Punjab"): each of them, not the nearest.
                seen = {i for _, i in scored}
                scored += [(floor, i) for i in self._names.sharing(positions[0])
                           if i not in seen]
            return (_Name("similar", scored, "near_miss", True) if scored
                    else _Name("unknown", [], "no_match", True))
        entries = self._names.entries
        found = [(mean, weakest, idx) for mean, weakest, key in keys
                 for idx in self._names.by_key[key]]
        fit = [f for f in found if business_agrees(reading.generic, entries[f[2]].generic,
                                                    len(positions))
               and not self._names.other_name(positions, f[2])]
        if reading.city:
            in_city = [f for f in fit if entries[f[2]].city in (reading.city, "")]
            fit = in_city
        if not fit:
            scored = [(m * 0.8, i) for m, _, i in found] + near()
            if rank and len(positions) == 1 and found:
                # "Madina Overseas": every agency with the word (Al- or not) may be the one.
                scored += [(found[0][0] * 0.7, j) for j in self._names.siblings(found[0][2])]
            return _Name("similar", self._spelled_first(positions, scored),
                         "lookalike_business", True)

        def likely(f: tuple[float, float, int]) -> tuple:
            same = entries[f[2]].generic == reading.generic - {"legal"}
            return (-round(f[0]), not same, -len(entries[f[2]].generic & reading.generic))

        fit.sort(key=likely)
        best = fit[0]
        margin = 3.0 if reading.script else 0.5
        top = [f for f in fit if f[0] >= best[0] - margin]
        if len(top) > 1:
            same = [f for f in top if entries[f[2]].generic == reading.generic]
            within = [f for f in top if reading.generic and reading.generic <= entries[f[2]].generic]
            typed = {p.text for p in positions if not is_arabic(p.text)}
            spelled = [f for f in top if typed and typed <= entries[f[2]].spelled]
            if len(same) == 1:
                top = same
            elif len(within) == 1:   # "Haider Overseas": the one whose name has Overseas
                top = within
            elif len(spelled) == 1:   # "Saima International", not Samaa International
                top = spelled
        strong = best[1] >= STRONG and not reading.scattered
        if len(top) == 1 and strong and self._soft_lookalike(reading, top[0][2]):
            # "Madina Overseas" for Madina Recruiting Agency when Al-Madina Overseas and Pak
            # Madina International OEP share the word: which one is meant is not said.
            ranked = [(m, i) for m, _, i in fit] + [(m * 0.8, i) for m, _, i in found]
            ranked += [(best[0] * 0.7, j) for j in self._names.siblings(top[0][2])] + near()
            return _Name("similar", ranked, "lookalike_business", True)
        if len(top) == 1 and strong:
            key = self._names.entries[top[0][2]].words
            if not self._names.too_thin(reading, key):
                # When this one writes the word as typed but for doubled letters and the like,
                # only those the query's business words may be ("Kainat Overseas Employment
                # Promoter" is Kainaat Overseas …, not Duaa-e-Kainat; "Saadoon Overseas …" is
                # still not surely Saydon Overseas …: Saadoon Associates writes it so).
                alike = self._names.spelled_alike(positions, top[0][2])
                elsewhere = [j for j in self._names.written_elsewhere(positions, top[0][2])
                             if not alike or business_agrees(reading.generic, entries[j].generic,
                                                             len(positions))]
                rivals = [] if elsewhere else self._rivals(reading, top[0][2])
                if rivals:
                    # "Pak Makkah" for Pak Makkah Enterprises and M. Pak Makkah Manpower
                    # Services: the words it gives are both's; which one is not said.
                    ranked = [(top[0][0], top[0][2])] + [(top[0][0] * 0.95, j) for j in rivals]
                    return _Name("similar", ranked, "shared_name", True)
                if not elsewhere:
                    return _Name("one", [(top[0][0], top[0][2])], "name", True)
                # A word typed as other agencies write it, that this one writes otherwise:
                # those first, then this one.
                ranked = [(top[0][0] * 0.9, j) for j in elsewhere] + [(top[0][0], top[0][2])]
                return _Name("similar", ranked + near(), "near_miss", True)
        ranked = [(m, i) for m, _, i in fit] + [(m * 0.8, i) for m, _, i in found] + near()
        reason = "shared_name" if len(top) > 1 and strong else "near_miss"
        return _Name("similar", self._spelled_first(positions, ranked), reason, True)

    def _rivals(self, reading: Reading, idx: int) -> list[int]:
        """Other agencies the name is as much as agency `idx`'s: their distinctive words are
        the ones typed (and perhaps more), and the query's business words, city and spellings
        fit them too ("Marhaba Overseas": Marhaba Overseas (SMC-Private) Limited and Marhaba
        Overseas Employment Promoter). None when the query is the whole name as the list
        writes it (its business words and legal form), or its business words say which."""
        entries = self._names.entries
        chosen = entries[idx]
        query, mine = _spelled_out(reading.generic), _spelled_out(chosen.generic)
        if query == mine and (reading.legal_form or not chosen.legal):
            return []
        typed = {p.text for p in reading.positions if not is_arabic(p.text)}
        as_typed = bool(typed) and typed <= chosen.spelled
        out: list[int] = []
        for j in self._names.supersets(idx):
            other = entries[j]
            if ((query & mine) - _spelled_out(other.generic)
                    or (as_typed and not typed <= other.spelled)   # "Al-Qaseem", not Al-Qasim
                    or not business_agrees(reading.generic, other.generic,
                                           len(reading.positions))
                    or self._names.other_name(reading.positions, j)
                    or (reading.city and other.city not in (reading.city, ""))):
                continue
            out.append(j)
        return out

    def _spelled_first(self, positions: list, scored: list[tuple[float, int]]
                       ) -> list[tuple[float, int]]:
        """Agencies that write the typed names otherwise (Umair for "Umar") after those that
        write them as typed, when there are such (else the near one stays first)."""
        typed = {p.text for p in positions if not is_arabic(p.text)}
        entries = self._names.entries
        if not typed or not any(typed <= entries[i].spelled for _, i in scored):
            return scored
        other = [s for s in scored if self._names.other_name(positions, s[1])]
        return [s for s in scored if s not in other] + other if other else scored

    def _soft_lookalike(self, reading: Reading, idx: int) -> bool:
        """One shared word plus a business word the agency lacks ("Madina Overseas" for
        Madina Recruiting Agency, when Al-Madina Overseas shares the word)."""
        entry = self._names.entries[idx]
        missing = set(reading.generic & SOFT_CLASSES) - entry.generic
        if "oep" in missing and {"overseas", "employment"} <= entry.generic:
            missing.discard("oep")
        return bool(missing) and len(set(entry.words)) == 1 and bool(self._names.siblings(idx, 1))

    def _fits(self, reading_name: _Name, idx: int, text: str) -> bool:
        """Can the name in the text be this agency's (for a licence or phone that is its)?"""
        if reading_name.kind == "one":
            return reading_name.ranked[0][1] == idx
        reading = self._names.reading(text)
        if reading.unknown >= 2 or reading.stray >= 2:
            return False   # two words of a name that is on no list (together or apart)
        if not reading_name.words:
            return True
        if reading.positions and not business_agrees(
                reading.generic, self._names.entries[idx].generic, len(reading.positions)):
            # "Mian Travels 5107/RWP" for Mian Faisal Enterprises: a name beside the licence
            # whose business words are not its holder's is another agency's name.
            return False
        holder = set(self._names.entries[idx].words)
        # Without business words, a place abroad ("a job in Dubai") is where the job is, not
        # a name that points at another agency.
        known = [p for p in reading.positions if p.options and (
            reading.has_generic or lex(p.text) not in PLACE_KEYS)]
        unknown = [p for p in reading.positions if not p.options]
        if any(top_score({w: s for w, s in p.options.items()}) >= STRONG
               and not set(p.options) & holder for p in known):
            return False
        if len(unknown) >= 2 or (unknown and reading.has_generic):
            return False
        return bool(not known or any(set(p.options) & holder for p in known))

    def _by_name(self, query: str, name: _Name, is_qualified: bool) -> CheckResult:
        if name.kind == "one":
            idx = name.ranked[0][1]
            return self._identified(query, idx, name.ranked[0][0], "name", is_qualified)
        if name.kind == "similar":
            return self._result(query, "similar", None, self._ranked(name.ranked), name.reason)
        return self._result(query, "not_found", None, (), name.reason)

    def _identified(self, query: str, idx: int, score: float, reason: str, is_qualified: bool,
                    mentioned: Iterable = ()) -> CheckResult:
        agency = self._list[idx]
        verdict = _STATUS_VERDICT[self._status(idx)]
        if is_qualified and verdict == "licensed":
            return self._result(query, "similar", None, [Candidate(agency, score)], "qualified",
                                mentioned)
        return self._result(query, verdict, agency, [Candidate(agency, score)], reason, mentioned)

    # -- several pieces of evidence ------------------------------------------------------------
    def _combine(self, query: str, evidence: list[_Evidence], name: _Name,
                 is_qualified: bool, rest: str) -> CheckResult:
        mentioned = [(e.kind, e.value, self._list[e.hits[0]] if len(e.hits) == 1 else None)
                     for e in evidence]
        known = [e for e in evidence if e.hits]
        licences_unknown = [e for e in evidence if not e.hits and e.kind == "license_no"]
        if not known:
            if name.kind in ("one", "similar"):
                return self._result(query, "similar", None, self._ranked(name.ranked),
                                    "unknown_number", mentioned)
            return self._result(query, "not_found", None, (), "unknown_number", mentioned)
        shared = [e for e in known if len(e.hits) > 1]
        holders: list[int] = []
        for e in known:
            if len(e.hits) == 1 and e.hits[0] not in holders:
                holders.append(e.hits[0])
        if shared and not holders:
            scored = [(90.0, i) for e in shared for i in e.hits]
            return self._result(query, "similar", None, self._ranked(scored), "shared_name",
                                mentioned)
        named = [holders[0]] if name.kind != "one" else [name.ranked[0][1]]
        mismatch = (len(holders) > 1 or bool(licences_unknown)
                    or not all(self._fits(name, h, rest) for h in holders))
        involved = list(dict.fromkeys(holders + (named if name.kind == "one" else [])))
        worst = min(involved, key=lambda i: _SEVERITY.index(self._status(i)))
        if self._status(worst) is not Status.VALID:
            reason = "mismatch" if mismatch else known[0].kind
            return self._identified(query, worst, 100.0, reason, is_qualified, mentioned)
        if mismatch:
            scored = [(100.0, i) for i in holders] + [(s * 0.9, i) for s, i in name.ranked]
            return self._result(query, "similar", None, self._ranked(scored), "mismatch",
                                mentioned)
        return self._identified(query, holders[0], 100.0, known[0].kind, is_qualified, mentioned)
