"""What a person watching a licence last saw, and what is different on the list in use now.

A watch remembers a licence's *standing*: its effective status (a valid licence past its
`valid_until` is expired), its `valid_until`, and the latest BE&OE notice about it (not a
complaint). `Standings.of(list)` gives every licence's standing on a list (built once per
list, looked up per watch); `compare(seen, now)` says what changed, or None. Pure: no clock
(`today` is passed in), no storage, no text for people.

A licence that is not on the list any more has the standing `NOT_LISTED`. That is "could not
be found on the latest list", never an accusation: lists are re-typed, numbers re-issued.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.core.agencies.records import Agency, AgencyList, Notice

NOT_LISTED = "not_listed"  # the status of a licence missing from the list


@dataclass(frozen=True, slots=True)
class Standing:
    """A licence as a person saw it: status (a `Status` value or NOT_LISTED), the licence's
    `valid_until` (ISO date or ""), the latest notice ("kind date", "" for none)."""

    status: str
    valid_until: str = ""
    notice: str = ""

    @property
    def listed(self) -> bool:
        return self.status != NOT_LISTED


@dataclass(frozen=True, slots=True)
class Change:
    """What is different about one licence since a person saw it."""

    license_no: str
    seen: Standing
    now: Standing
    agency: Agency | None  # as on the list now (None: not on it)
    notice: Notice | None  # the new notice, when that is (part of) the change

    @property
    def status_changed(self) -> bool:
        return self.seen.status != self.now.status

    @property
    def expiry_changed(self) -> bool:
        return self.now.listed and self.seen.valid_until != self.now.valid_until


def notice_key(notice: Notice | None) -> str:
    if notice is None:
        return ""
    return f"{notice.kind} {notice.when.isoformat() if notice.when else ''}".strip()


def latest_notices(notices: Iterable[Notice]) -> dict[str, Notice]:
    """Each licence's latest notice (complaint results are not notices: they change often and
    say nothing about the licence's standing)."""
    latest: dict[str, Notice] = {}
    for n in notices:
        if n.kind == "complaint":
            continue
        old = latest.get(n.license_no)
        if old is None or (n.when or date.min) > (old.when or date.min):
            latest[n.license_no] = n
    return latest


def standing_of(agency: Agency | None, notice: Notice | None, today: date) -> Standing:
    if agency is None:
        return Standing(NOT_LISTED)
    return Standing(agency.effective_status(today).value,
                    agency.valid_until.isoformat() if agency.valid_until else "", notice_key(notice))


class Standings:
    """Every licence's standing on one list, for many look-ups (thousands of watches)."""

    def __init__(self, agencies: AgencyList, today: date) -> None:
        self.agencies = agencies
        self.today = today
        self._agencies = {a.license_no: a for a in agencies.agencies}
        self._notices = latest_notices(agencies.notices)

    def agency(self, license_no: str) -> Agency | None:
        return self._agencies.get(license_no)

    def now(self, license_no: str) -> Standing:
        return standing_of(self._agencies.get(license_no), self._notices.get(license_no), self.today)

    def change(self, license_no: str, seen: Standing) -> Change | None:
        """What changed for `license_no` since `seen`, or None."""
        now = self.now(license_no)
        return compare(license_no, seen, now, self._agencies.get(license_no),
                       self._notices.get(license_no))


def compare(license_no: str, seen: Standing, now: Standing, agency: Agency | None = None,
            notice: Notice | None = None) -> Change | None:
    """The change between two standings of a licence, or None when a person would not care:
    a notice that went away (a list re-imported without its notices) is no news, and a licence
    that is not listed has no expiry to compare."""
    if seen == now:
        return None
    new_notice = bool(now.notice) and now.notice != seen.notice
    expiry = now.listed and seen.listed and seen.valid_until != now.valid_until
    if seen.status == now.status and not new_notice and not expiry:
        return None
    return Change(license_no, seen, now, agency, notice if new_notice else None)
