"""Spreadsheet headers -> canonical columns, by synonyms ('Lic. No.', 'Name of OEP', …)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

REQUIRED_COLUMNS = ("license_no", "name", "status")


def _header_key(text: object) -> str:
    """'Lic. No.' -> 'lic no'; 'License #' -> 'license no'; case and punctuation ignored."""
    s = unicodedata.normalize("NFKC", str(text or "")).casefold()
    s = s.replace("#", " no ").replace("licence", "license").replace("_", " ")
    s = re.sub(r"[^\w]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


_SYNONYMS: dict[str, tuple[str, ...]] = {
    "license_no": (
        "license no", "license number", "license", "lic no", "lic", "license num",
        "oep license no", "oep license number", "oep license", "oep lic no", "oep no",
        "license no oep", "registration no", "reg no", "oep registration no", "license code",
        "license id", "no of license", "license s no", "licenseno", "license no of oep",
    ),
    "name": (
        "name", "name of oep", "oep name", "license title", "title", "oep title",
        "name of the oep", "name of promoter", "promoter", "promoter name", "oep",
        "name of firm", "firm name", "firm", "agency", "agency name", "name of agency",
        "company", "company name", "name of company", "business name", "title of license",
        "oep license title", "name of overseas employment promoter",
        "overseas employment promoter",
    ),
    "proprietor": (
        "proprietor", "proprietor name", "name of proprietor", "proprietors", "owner",
        "owner name", "name of owner", "proprietor partner", "proprietor director",
        "partner", "partners", "director", "ceo", "licensee", "licensee name",
        "name of licensee", "proprietor partners", "proprietor s name",
    ),
    "status": ("status", "license status", "oep status", "current status", "state"),
    "valid_until": (
        "expiry", "expiry date", "date of expiry", "expires", "expires on", "expiry on",
        "validity", "validity date", "valid upto", "valid up to", "valid until", "valid till",
        "valid to", "valid_until", "valid until date", "license expiry", "license validity",
        "license expiry date", "expire date", "expiration", "expiration date", "validity upto",
        "valid", "renewal date", "due date",
    ),
    "phone": (
        "contact", "contact no", "contact number", "contacts", "cell", "cell no",
        "cell number", "phone", "phone no", "phone number", "phones", "mobile", "mobile no",
        "mobile number", "tel", "tel no", "telephone", "telephone no", "telephone number",
        "ph no", "ph", "landline", "contact details", "whatsapp", "fax tel",
    ),
    "address": (
        "address", "office address", "business address", "postal address", "addresses",
        "address of oep", "oep address", "complete address", "location", "head office",
        "head office address",
    ),
    "city": (
        "city", "station", "district", "region", "protectorate", "zone", "city name",
        "place", "office city", "pe office",
    ),
}
_SYNONYM_INDEX = {key: col for col, keys in _SYNONYMS.items() for key in keys}
_IGNORED_HEADERS = {"s no", "sr no", "sno", "sr", "serial", "serial no", "no", "sl no", "id",
                    "email", "e mail", "email address", "website", "fax", "contact person",
                    "focal person", "remarks", "remark"}


def map_header(text: object) -> str | None:
    """The canonical column a spreadsheet header stands for, or None to ignore it."""
    key = _header_key(text)
    if not key or key in _IGNORED_HEADERS:
        return None
    if key in _SYNONYM_INDEX:
        return _SYNONYM_INDEX[key]
    words = set(key.split())
    if words & {"proprietor", "proprietors", "owner", "licensee", "partner", "partners"}:
        return "proprietor"
    if words & {"title", "name"}:
        return "name"
    if words & {"license", "lic"} and words & {"no", "number", "num", "code"}:
        return "license_no"
    if words & {"expiry", "validity", "expires", "expiration", "upto", "until", "till"}:
        return "valid_until"
    if "status" in words:
        return "status"
    if words & {"phone", "mobile", "cell", "contact", "telephone", "tel", "whatsapp"}:
        return "phone"
    if "address" in words:
        return "address"
    if words & {"city", "station", "district"}:
        return "city"
    return None


def map_headers(row: Sequence[object]) -> dict[str, list[int]]:
    """canonical column -> indexes of the file's columns that map to it (phones may be several)."""
    mapping: dict[str, list[int]] = {}
    for i, cell in enumerate(row):
        col = map_header(cell)
        if col is None:
            continue
        if col in mapping and col != "phone":
            continue  # the first such column wins; later duplicates are ignored
        mapping.setdefault(col, []).append(i)
    return mapping


def header_score(row: Sequence[object]) -> int:
    mapping = map_headers(row)
    return len(mapping) + 2 * sum(1 for c in REQUIRED_COLUMNS if c in mapping)
