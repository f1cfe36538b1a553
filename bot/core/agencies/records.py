"""The agency list as data: one licensed promoter per record, plus where the list came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

CANONICAL_COLUMNS = (
    "license_no", "name", "proprietor", "city", "address", "phone", "status", "valid_until",
)


class Status(StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    SURRENDERED = "surrendered"
    INVALID = "invalid"
    BLACKLISTED = "blacklisted"


@dataclass(frozen=True, slots=True)
class Agency:
    """One overseas employment promoter as the list gives it."""

    license_no: str
    name: str
    proprietor: str = ""
    city: str = ""
    address: str = ""
    phone: str = ""
    status: Status = Status.VALID
    valid_until: date | None = None

    def effective_status(self, today: date) -> Status:
        """A valid licence whose `valid_until` has passed is expired."""
        if self.status is Status.VALID and self.valid_until and self.valid_until < today:
            return Status.EXPIRED
        return self.status


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where the list came from. `demo` lists must be announced in every verdict."""

    source: str
    retrieved: date | None
    demo: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class Notice:
    """Something BE&OE published about an agency: a notice or a complaint result."""

    license_no: str
    kind: str            # show-cause, warning, suspension, blacklisting, restoration, complaint …
    when: date | None
    title: str
    status: str = ""     # a complaint's status ("Under Investigation")
    fine: str = ""       # a complaint's fine as BE&OE writes it ("50,000"), for staff


@dataclass(frozen=True, slots=True)
class AgencyList:
    agencies: tuple[Agency, ...]
    provenance: Provenance
    notices: tuple[Notice, ...] = ()

    @property
    def list_date(self) -> date | None:
        return self.provenance.retrieved
