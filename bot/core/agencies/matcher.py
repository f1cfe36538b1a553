"""Agency check: a licence number, a phone number or a name -> a verdict (CONTRACTS.md `check`).

The order is fixed: a licence number anywhere in the text, then a phone number (`identifiers`),
then a name (`name_index`). Only a query whose distinctive words agree, in order and one for one,
with exactly one agency on the list is given that agency's status; a replaced, added or swapped
distinctive word gives `similar` at best.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.core.agencies.identifiers import (
    MAX_QUERY_CHARS,
    OFFICE_CODES,
    find_identifier,
    find_licenses,
    find_phones,
    parse_license,
    pk_e164,
)
from bot.core.agencies.name_index import MAX_CANDIDATES, STRONG, NameIndex, Reading, top_score
from bot.core.agencies.records import Agency, AgencyList, Provenance, Status
from bot.core.agencies.vocabulary import MARKED
from bot.core.text import ascii_digits, clean

__all__ = ["AgencyMatcher", "Candidate", "CheckResult", "find_identifier"]

log = logging.getLogger(__name__)

SIMILAR_MIN = 25.0         # weighted-overlap score (0-100) below which nothing is "similar"

_STATUS_VERDICT = {
    Status.VALID: "licensed", Status.SUSPENDED: "suspended", Status.CANCELLED: "cancelled",
    Status.EXPIRED: "expired", Status.SURRENDERED: "surrendered", Status.INVALID: "invalid",
    Status.BLACKLISTED: "blacklisted",
}


# --- results ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """An agency the query may mean, with a 0-100 score."""

    agency: Agency
    score: float


@dataclass(frozen=True)
class CheckResult:
    """The verdict for one query (CONTRACTS.md `check`)."""

    query: str
    verdict: str
    match: Agency | None
    candidates: tuple[Candidate, ...]
    list_date: date | None
    demo: bool
    reason: str
    today: date | None = field(default=None, compare=False)

    def to_json(self) -> dict:
        """Exactly the CONTRACTS.md `check` object (plus "demo")."""
        today = self.today or date.today()
        return {
            "query": self.query,
            "verdict": self.verdict,
            "match": _match_json(self.match, today) if self.match is not None else None,
            "candidates": [_candidate_json(c, today) for c in self.candidates[:MAX_CANDIDATES]],
            "list_date": self.list_date.isoformat() if self.list_date else None,
            "demo": self.demo,
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


# --- the matcher ------------------------------------------------------------------------------
class AgencyMatcher:
    """Indexes an `AgencyList` once; `check(query)` answers one query in well under 5 ms."""

    def __init__(self, agencies: AgencyList, *, today: date | None = None) -> None:
        self.agencies = agencies
        self.today = today
        self._list = agencies.agencies
        self._position = {id(a): i for i, a in enumerate(self._list)}
        self._names = NameIndex(self._list)
        self._by_license: dict[tuple[int, str], list[int]] = defaultdict(list)
        self._by_phone: dict[str, list[int]] = defaultdict(list)
        codes = set(OFFICE_CODES)
        for idx, agency in enumerate(self._list):
            lic = parse_license(agency.license_no)
            if lic:
                self._by_license[(lic[1], lic[2])].append(idx)
                codes.add(lic[2])
            for cell in re.split(r"[,;/]|\bor\b", agency.phone):
                e164 = pk_e164(cell)
                if e164 and idx not in self._by_phone[e164]:
                    self._by_phone[e164].append(idx)
        self._codes = frozenset(codes)

    # -- public -------------------------------------------------------------------------------
    def check(self, query: str) -> CheckResult:
        """The verdict for one free-text query; never raises."""
        try:
            return self._check(query if isinstance(query, str) else str(query))
        except Exception:
            log.exception("agency check failed")
            return self._result(str(query)[:MAX_QUERY_CHARS], "not_found", None, (), "no_match")

    def _check(self, query: str) -> CheckResult:
        if len(query) > MAX_QUERY_CHARS:
            return self._result(query[:MAX_QUERY_CHARS], "not_found", None, (), "too_long")
        text = clean(query)
        if not any(ch.isalnum() for ch in text):
            return self._result(query, "not_found", None, (), "empty")
        for finder in (self._by_license_text, self._by_phone_text):
            result = finder(query, text)
            if result is not None:
                return result
        return self._by_name(query, text)

    # -- results ------------------------------------------------------------------------------
    def _today(self) -> date:
        return self.today or date.today()

    def _result(self, query: str, verdict: str, match: Agency | None,
                candidates: Iterable[Candidate], reason: str) -> CheckResult:
        prov: Provenance = self.agencies.provenance
        return CheckResult(query, verdict, match, tuple(candidates)[:MAX_CANDIDATES],
                           self.agencies.list_date, prov.demo, reason, self._today())

    def _identified(self, query: str, idx: int, score: float, reason: str) -> CheckResult:
        agency = self._list[idx]
        verdict = _STATUS_VERDICT[agency.effective_status(self._today())]
        return self._result(query, verdict, agency, [Candidate(agency, score)], reason)

    def _similar(self, query: str, scored: Iterable[tuple[float, int]], reason: str) -> CheckResult:
        best: dict[int, float] = {}
        for score, idx in scored:
            best[idx] = max(score, best.get(idx, 0.0))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self._list[kv[0]].name,
                                                       self._list[kv[0]].license_no))
        cands = [Candidate(self._list[i], round(s, 1)) for i, s in ranked[:MAX_CANDIDATES]]
        if not cands:
            return self._result(query, "not_found", None, (), "no_match")
        return self._result(query, "similar", None, cands, reason)

    # -- identifiers --------------------------------------------------------------------------
    def _by_license_text(self, query: str, text: str) -> CheckResult | None:
        found = find_licenses(text, self._codes)
        if not found:
            return None
        prefix, num, code, span = found[0]
        hits = self._by_license.get((num, code), [])
        if prefix and len(hits) > 1:
            hits = [i for i in hits if parse_license(self._list[i].license_no)[0] == prefix] or hits
        return self._by_identifier(query, text, hits, span, "license_no")

    def _by_phone_text(self, query: str, text: str) -> CheckResult | None:
        phones = find_phones(text)
        if not phones:
            return None
        hits: list[int] = []
        for e164, span in phones:
            hits = self._by_phone.get(e164, [])
            if hits:
                return self._by_identifier(query, text, hits, span, "phone")
        return self._by_identifier(query, text, [], phones[0][1], "phone")

    def _by_identifier(self, query: str, text: str, hits: list[int], span: tuple[int, int],
                       reason: str) -> CheckResult:
        rest = ascii_digits(text)
        rest = rest[: span[0]] + " " + rest[span[1]:]
        reading = self._names.reading(rest)
        if not hits:  # a number that is not on the list: the name (if any) cannot be trusted
            named = self._by_name(query, rest, reading)
            if named.verdict in _STATUS_VERDICT.values():
                return self._similar(query, [(60.0, self._position[id(named.match)])], "near_miss")
            if named.verdict == "similar":
                return named
            return self._result(query, "not_found", None, (), "no_match")
        if len(hits) > 1:
            return self._similar(query, [(90.0, i) for i in hits], "shared_name")
        idx = hits[0]
        holder = set(self._names.entries[idx].words)
        if any(top_score(p.options) >= 90.0 and not (set(p.options) & holder)
               for p in reading.positions):
            # A name that is not the holder's, next to a real number: a possible impostor.
            near = self._names.near(reading.positions)
            return self._similar(query, [(80.0, idx), *near], "near_miss")
        return self._identified(query, idx, 100.0, reason)

    # -- names --------------------------------------------------------------------------------
    def _by_name(self, query: str, text: str, reading: Reading | None = None) -> CheckResult:
        reading = reading or self._names.reading(text)
        positions = reading.positions
        if not positions:
            reason = "generic_only" if reading.has_generic else "no_match"
            return self._result(query, "not_found", None, (), reason)
        keys = self._names.exact_keys(positions)
        if keys:
            return self._decide(query, reading, keys)
        near = self._names.near(positions)
        return self._similar(query, [c for c in near if c[0] >= SIMILAR_MIN], "near_miss")

    def _decide(self, query: str, reading: Reading,
                keys: list[tuple[float, float, tuple[int, ...]]]) -> CheckResult:
        """Keys of the list that the reading agrees with, best first -> a verdict."""
        best_score, weakest, best_key = keys[0]
        clear = (len(keys) == 1 or best_score >= 98.0 > keys[1][0]
                 or (reading.script and best_score - keys[1][0] >= 3.0))
        if not clear or weakest < STRONG or reading.scattered:
            scored = [(s, i) for s, _, k in keys for i in self._names.by_key[k]]
            return self._similar(query, scored + self._names.near(reading.positions), "near_miss")
        group = self._names.by_key[best_key]
        if self._names.too_thin(reading, best_key):
            scored = [(best_score * 0.9, i) for i in group] + self._names.near(reading.positions)
            return self._similar(query, scored, "near_miss")
        if reading.city:
            in_city = [i for i in group if self._names.entries[i].city == reading.city]
            if not in_city:
                return self._similar(query, [(best_score * 0.8, i) for i in group], "near_miss")
            group = in_city
        if MARKED & reading.generic:   # "Chenab Associates" is not "Chenab Overseas"
            group = [i for i in group if MARKED & reading.generic <= self._names.entries[i].generic]
            if not group:
                scored = [(best_score * 0.8, i) for i in self._names.by_key[best_key]]
                return self._similar(query, scored, "near_miss")
        if len(group) > 1 and reading.generic:
            same = [i for i in group if self._names.entries[i].generic == reading.generic]
            group = same if len(same) == 1 else group
        if len(group) == 1:
            return self._identified(query, group[0], best_score, "name")
        return self._similar(query, [(best_score, i) for i in group], "shared_name")
