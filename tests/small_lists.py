"""Small agency lists of made-up names, for tests of one matching rule each."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.core.agencies import AgencyMatcher, CheckResult
from bot.core.agencies.records import Agency, AgencyList, Provenance, Status

TODAY = date(2026, 12, 1)


def agency(lic: str, name: str, phone: str = "") -> Agency:
    """A valid agency with only a licence number, a name and perhaps a phone."""
    return Agency(lic, name, "", "", "", phone, Status.VALID, date(2028, 1, 1))


def matcher(agencies: Iterable[Agency]) -> AgencyMatcher:
    """The bot's matcher on these agencies alone (a demonstration list, checked on TODAY)."""
    return AgencyMatcher(AgencyList(tuple(agencies), Provenance("test", TODAY, demo=True)),
                         today=TODAY)


def licences(result: CheckResult) -> list[str]:
    """The licence numbers of a check's candidates, best first."""
    return [c.agency.license_no for c in result.candidates]
