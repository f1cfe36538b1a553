"""AgencyMatcher: verdicts of CONTRACTS.md, bad input, and the labelled evaluation set's goals."""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.core.agencies.matcher import AgencyMatcher, CheckResult, find_identifier
from bot.core.agencies.records import Agency, AgencyList, Provenance, Status

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 1)
JSON_KEYS = {"query", "verdict", "match", "candidates", "list_date"}
MATCH_KEYS = {"license_no", "name", "proprietor", "city", "address", "phone", "status",
              "valid_until"}
CANDIDATE_KEYS = {"license_no", "name", "city", "status", "score"}


def _agency(lic: str, name: str, city: str = "Lahore", phone: str = "",
            status: Status = Status.VALID, until: date | None = date(2028, 1, 1)) -> Agency:
    return Agency(lic, name, "Proprietor", city, "Address", phone, status, until)


AGENCIES = (
    _agency("1234/LHR", "Al-Falah Overseas Employment Promoters", phone="0300-1234567"),
    _agency("2345/KHI", "Shaheen Gulf Manpower Services", "Karachi", "+92 321 7654321"),
    _agency("MPD/2671/LHR", "Madina Star International (Pvt) Ltd", phone="(042) 3576-1234"),
    _agency("0696/RWP", "Noor-ul-Huda Travel & Tours", "Rawalpindi"),
    _agency("3456/PEW", "Khyber Eagle Overseas", "Peshawar", status=Status.SUSPENDED),
    _agency("4567/ISB", "Crescent Link Enterprises", "Islamabad", until=date(2025, 1, 1)),
    _agency("5678/LHR", "Royal Falcon Overseas Employment Promoters"),
    _agency("5679/KHI", "Royal Falcon Overseas Employment Promoters", "Karachi"),
    _agency("7001/SKT", "Zam Zam Able Recruiting Agency", "Sialkot", status=Status.CANCELLED),
    _agency("7002/SKT", "Shaheen Pearl Associates", "Sialkot"),
    _agency("7003/MUX", "Sitara Green Human Resource Consultants", "Multan"),
    _agency("7004/MUX", "Golden Sun Trade Links", "Multan"),
)


@pytest.fixture(scope="module")
def matcher() -> AgencyMatcher:
    prov = Provenance("test list", date(2026, 10, 1), demo=True)
    return AgencyMatcher(AgencyList(AGENCIES, prov), today=TODAY)


def _lic(result: CheckResult) -> str | None:
    return result.match.license_no if result.match else None


@pytest.mark.parametrize("query", [
    "1234/LHR", "1234 lhr", "1234-LHR", "License No. 1234-LHR", "OEP 1234/LHR", "۱۲۳۴/LHR",
    "is 1234/LHR licensed?", "kya 1234/lhr registered hai", "Lic#01234/LHR",
])
def test_licence_number_forms(matcher: AgencyMatcher, query: str) -> None:
    result = matcher.check(query)
    assert (result.verdict, result.reason, _lic(result)) == ("licensed", "license_no", "1234/LHR")


def test_licence_with_prefix(matcher: AgencyMatcher) -> None:
    assert _lic(matcher.check("MPD/2671/LHR")) == "MPD/2671/LHR"
    assert _lic(matcher.check("2671 lhr")) == "MPD/2671/LHR"
    assert _lic(matcher.check("696/RWP")) == "0696/RWP"


@pytest.mark.parametrize("query", [
    "0300-1234567", "03001234567", "+92 300 1234567", "0092 300 1234567", "0300 123 4567",
    "۰۳۰۰۱۲۳۴۵۶۷", "call 0300-1234567 please",
])
def test_phone_forms(matcher: AgencyMatcher, query: str) -> None:
    result = matcher.check(query)
    assert (result.verdict, result.reason, _lic(result)) == ("licensed", "phone", "1234/LHR")


def test_landline_and_unknown_numbers(matcher: AgencyMatcher) -> None:
    assert _lic(matcher.check("042 35761234")) == "MPD/2671/LHR"
    assert matcher.check("9999/LHR").verdict == "not_found"
    assert matcher.check("0333-0000000").verdict == "not_found"


@pytest.mark.parametrize("query", [
    "Al-Falah Overseas Employment Promoters", "al falah overseas", "AlFalah OEP",
    "Al Falaah Overseas", "Al-Falha Overseas", "is Al Falah overseas licensed?",
    "kya Al Falah Overseas registered hai", "کیا الفلاح اوورسیز رجسٹرڈ ہے؟",
    "ڇا الفلاح اوورسيز رجسٽرڊ آهي؟", "الفلاح اوورسیز ایمپلائمنٹ پروموٹرز",
])
def test_names_in_many_forms(matcher: AgencyMatcher, query: str) -> None:
    result = matcher.check(query)
    assert (result.verdict, _lic(result)) == ("licensed", "1234/LHR"), result


@pytest.mark.parametrize("query", [
    "Shaheen Star Manpower Services", "Gulf Shaheen Manpower Services", "Shaheen Manpower",
    "Shaheen Gulf Star Manpower", "Shaheen Gold Manpower", "Shaheen Gulfs Manpower",
    "Shaheen Star 2345/KHI", "Madina Moon International",
])
def test_impostors_are_never_licensed(matcher: AgencyMatcher, query: str) -> None:
    result = matcher.check(query)
    assert result.verdict in {"similar", "not_found"}, result
    assert result.match is None


def test_impostor_lists_the_real_agency(matcher: AgencyMatcher) -> None:
    result = matcher.check("Shaheen Star Manpower Services")
    assert result.verdict == "similar" and result.reason == "near_miss"
    assert "2345/KHI" in {c.agency.license_no for c in result.candidates}


def test_generic_only(matcher: AgencyMatcher) -> None:
    for query in ("Overseas Employment Promoters", "Manpower Services (Pvt) Ltd", "OEP",
                  "اوورسیز ایمپلائمنٹ پروموٹرز"):
        result = matcher.check(query)
        assert (result.verdict, result.reason) == ("not_found", "generic_only")


def test_shared_name(matcher: AgencyMatcher) -> None:
    result = matcher.check("Royal Falcon Overseas Employment Promoters")
    assert (result.verdict, result.reason) == ("similar", "shared_name")
    assert {c.agency.license_no for c in result.candidates} == {"5678/LHR", "5679/KHI"}
    assert _lic(matcher.check("Royal Falcon Overseas, Karachi")) == "5679/KHI"


def test_status_verdicts(matcher: AgencyMatcher) -> None:
    assert matcher.check("Khyber Eagle Overseas").verdict == "suspended"
    assert matcher.check("Zam Zam Able Recruiting Agency").verdict == "cancelled"
    expired = matcher.check("Crescent Link Enterprises")   # valid, but valid_until passed
    assert expired.verdict == "expired"
    assert expired.to_json()["match"]["status"] == "expired"


@pytest.mark.parametrize(("query", "reason"), [
    ("", "empty"), ("   ", "empty"), ("😀🙏", "empty"), ("\x00\x01\u200f", "empty"),
    ("a" * 10_001, "too_long"),
])
def test_bad_queries(matcher: AgencyMatcher, query: str, reason: str) -> None:
    result = matcher.check(query)
    assert (result.verdict, result.reason) == ("not_found", reason)
    assert len(result.to_json()["query"]) <= 10_000


def test_never_raises_on_any_string(matcher: AgencyMatcher) -> None:
    rng = random.Random(1)
    alphabet = "aAl-/ 0123۱۲۳فلاحڪ\u200f\x00😀&()+.,؟" + "".join(chr(i) for i in range(32))
    for _ in range(300):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        assert matcher.check(query).verdict in {"licensed", "similar", "not_found", "suspended",
                                                "cancelled", "expired", "surrendered",
                                                "blacklisted"}
    matcher.check("word " * 3000)
    matcher.check("0" * 9000)


def test_json_contract(matcher: AgencyMatcher) -> None:
    data = matcher.check("Al Falah Overseas").to_json()
    assert set(data) >= JSON_KEYS
    assert set(data["match"]) == MATCH_KEYS
    assert data["match"]["valid_until"] == "2028-01-01" and data["list_date"] == "2026-10-01"
    assert data["demo"] is True
    similar = matcher.check("Shaheen Star Manpower").to_json()
    assert similar["match"] is None and 1 <= len(similar["candidates"]) <= 5
    for cand in similar["candidates"]:
        assert set(cand) == CANDIDATE_KEYS and 0 <= cand["score"] <= 100
    scores = [c["score"] for c in similar["candidates"]]
    assert scores == sorted(scores, reverse=True)
    json.dumps(data, ensure_ascii=False)


def test_find_identifier() -> None:
    assert find_identifier("please check 1234/lhr") == "1234/LHR"
    assert find_identifier("۱۲۳۴/LHR") == "1234/LHR"
    assert find_identifier("MPD/2671/LHR") == "MPD/2671/LHR"
    assert find_identifier("agent number 0300-1234567") == "+923001234567"
    assert find_identifier("۰۳۰۰۱۲۳۴۵۶۷") == "+923001234567"
    assert find_identifier("is Al Falah licensed?") is None
    assert find_identifier("I paid 250000 rupees") is None


# --- the labelled evaluation set (benchmarks/agency_eval) ----------------------------------------
@pytest.fixture(scope="module")
def eval_run() -> dict[str, tuple[int, int]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    sys.path.insert(0, str(ROOT / "benchmarks" / "agency_eval"))
    from agency_accuracy import CATEGORIES, evaluate, load_eval  # noqa: F401
    from generate import TODAY as EVAL_TODAY

    from bot.core.agencies.listfile import load_agency_list

    agency_list = load_agency_list(ROOT / "content" / "agencies.csv")
    rows = evaluate(AgencyMatcher(agency_list, today=EVAL_TODAY), load_eval(), baseline=False)
    return {cat: (rows[cat].correct, rows[cat].n) for cat in rows}


def _goals() -> list[tuple[str, float]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from agency_accuracy import CATEGORIES

    return [(cat, goal) for cat, _, goal in CATEGORIES]


@pytest.mark.parametrize(("category", "goal"), _goals())
def test_evaluation_goal(eval_run: dict[str, tuple[int, int]], category: str, goal: float) -> None:
    correct, n = eval_run[category]
    assert n >= 40, f"{category}: only {n} queries"
    assert correct / n >= goal, f"{category}: {correct}/{n} below {goal:.0%}"


def test_evaluation_set_size(eval_run: dict[str, tuple[int, int]]) -> None:
    assert sum(n for _, n in eval_run.values()) >= 800
