"""No greeting, thanks or "ok" that the bot knows as small talk (content/small_talk.yaml) is
ever answered `licensed` by the recruiter check, alone or with "bhai", "sir", "saeen"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.core.agencies import AgencyMatcher, load_agency_list
from bot.core.agencies.records import Agency, AgencyList, Provenance, Status

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 12, 1)


def _phrases() -> list[str]:
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)

    walk(yaml.safe_load((ROOT / "content" / "small_talk.yaml").read_text("utf-8"))["kinds"])
    return list(dict.fromkeys(out))


PHRASES = _phrases()
# Real BE&OE names that look like small talk.
LOOKALIKES = ("Sain Services Bureau", "HELLO Manpower Services", "OK Mainpower Bureau",
              "Y.A.H. International", "Hayan Manpower", "H.A. International", "Chichi Enterprises",
              "Yahya International Recruiting Agency", "Axis Services (PVT) Ltd")


@pytest.fixture(scope="module")
def matchers() -> list[AgencyMatcher]:
    own = tuple(Agency(f"{4000 + i}/RWP", n, "", "", "", "", Status.VALID, date(2028, 1, 1))
                for i, n in enumerate(LOOKALIKES))
    demo = load_agency_list(ROOT / "content" / "agencies.csv")
    return [AgencyMatcher(AgencyList(own, Provenance("test", TODAY, demo=True)), today=TODAY),
            AgencyMatcher(demo, today=TODAY)]


def test_there_are_small_talk_phrases_to_try() -> None:
    assert len(PHRASES) > 100


def test_small_talk_is_never_licensed(matchers) -> None:
    tried = [p for p in PHRASES] + [f"{p} {w}" for p in PHRASES for w in ("bhai", "sir", "saeen")]
    certified = [(q, r.match.name) for m in matchers for q in tried
                 if (r := m.check(q)).verdict == "licensed"]
    assert certified == []


def test_the_agencies_that_look_like_small_talk_are_still_found_by_name(matchers) -> None:
    for name in ("Sain Services Bureau", "HELLO Manpower Services", "Hayan Manpower"):
        result = matchers[0].check(name)
        assert result.verdict == "licensed" and result.match.name == name
