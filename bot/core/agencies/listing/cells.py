"""Cell values -> clean text, licence numbers, statuses, expiry dates and phone numbers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from bot.core.agencies.listing.limits import MAX_CELL_CHARS
from bot.core.agencies.records import Status

STATUS_WORDS = ", ".join(s.value for s in Status)
_STATUS_SYNONYMS = {
    "active": Status.VALID, "canceled": Status.CANCELLED, "cancel": Status.CANCELLED,
    "blacklist": Status.BLACKLISTED, "black listed": Status.BLACKLISTED,
    "black-listed": Status.BLACKLISTED, "surrender": Status.SURRENDERED,
    "suspend": Status.SUSPENDED, "expire": Status.EXPIRED,
}


_BAD_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = dict.fromkeys([0x00AD, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF])
_SPACES = re.compile(r"\s+")


def cell_text(value: object) -> str:
    if value.__class__ is str:   # the usual case (CSV and HTML cells), first
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def clean_cell(value: object) -> tuple[str, str | None]:
    """(cleaned text, problem or None): NFC, invisible marks dropped, white space collapsed."""
    raw = cell_text(value)
    if raw.isascii() and len(raw) <= MAX_CELL_CHARS and (raw.isprintable()
                                                         or not _BAD_CONTROL.search(raw)):
        # Plain ASCII (most cells): nothing to normalize, no invisible mark; only spaces.
        return " ".join(raw.split()), None
    if len(raw) > MAX_CELL_CHARS:
        return "", f"the cell is {len(raw):,} characters long; the limit is {MAX_CELL_CHARS:,}"
    bad = _BAD_CONTROL.search(raw)
    if bad:
        return "", (f"the cell contains an invisible control character (U+{ord(bad.group()):04X}) "
                    f"at position {bad.start() + 1}")
    text = unicodedata.normalize("NFC", raw).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip(), None


_LICENSE_PREFIX = re.compile(
    r"^(?:oep\b[\s.:#-]*)?(?:licen[cs]e|lic)?[\s.:#-]*(?:no\b|number\b|num\b)?[\s.:#-]*",
    re.IGNORECASE)
_LICENSE_FORM = re.compile(r"^(?:[A-Z]{1,6}/)*\d{1,6}(?:/[A-Z]{1,6})+$")
_CANONICAL_LICENSE = re.compile(r"\d{1,6}(?:/[A-Z]{1,6})+\Z", re.ASCII)
_LICENSE_PIECE = re.compile(r"[A-Z]+|\d+", re.ASCII)
_URDU_DIGITS = {cp: ord("0") + i for i, cp in enumerate(range(0x06F0, 0x06FA))}
_URDU_DIGITS.update({cp: ord("0") + i for i, cp in enumerate(range(0x0660, 0x066A))})


def normalize_license_no(text: str) -> str | None:
    """'1234 lhr', '1234-LHR', 'Lic. No. 1234/Lhr', 'MPD-2671-LHR' -> canonical; None if not one.

    Uppercase, slash-separated, leading zeros kept: `1234/LHR`, `0696/RWP`, `MPD/2671/LHR`.
    """
    if _CANONICAL_LICENSE.match(text):   # already canonical (the list in use): as it is
        return text
    s = unicodedata.normalize("NFKC", text).translate(_URDU_DIGITS).strip()
    if not s:
        return None
    s = _LICENSE_PREFIX.sub("", s, count=1) if not s[:1].isdigit() else s
    # "1234LHR" -> "1234", "LHR"; anything else separates
    pieces = _LICENSE_PIECE.findall(s.upper())
    canonical = "/".join(pieces)
    if not _LICENSE_FORM.match(canonical) or sum(p.isdigit() for p in pieces) != 1:
        return None
    return canonical


def parse_status(text: str) -> Status | None:
    key = _SPACES.sub(" ", text.strip().casefold())
    try:
        return Status(key)
    except ValueError:
        return _STATUS_SYNONYMS.get(key)


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTHS["sept"] = 9
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_NAMED = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[-/. ]+([a-z]{3,9})\.?[-/., ]+(\d{2}|\d{4})$")
_NAMED_US = re.compile(r"^([a-z]{3,9})\.?[-/. ]+(\d{1,2})(?:st|nd|rd|th)?,?[-/. ]+(\d{4})$")
EXCEL_EPOCH = date(1899, 12, 30)


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:
        y += 2000 if y < 70 else 1900
    return y


_MONTH_NAMES = ("january february march april may june july august september october "
                "november december").split()


def _month(word: str) -> int | None:
    """'mar', 'march', 'sept' -> 3, 3, 9."""
    word = word.casefold()
    if word in _MONTHS:
        return _MONTHS[word]
    for number, name in enumerate(_MONTH_NAMES, start=1):
        if len(word) >= 3 and name.startswith(word):
            return number
    return None


def numeric_order(values: Iterable[str]) -> str | None:
    """'dmy' or 'mdy' when a column of n/n/yyyy dates shows which; None when it cannot tell."""
    dmy = mdy = 0
    for value in values:
        m = _NUMERIC.match(value.strip())
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 >= b:
            dmy += 1
        elif b > 12 >= a:
            mdy += 1
    if dmy and not mdy:
        return "dmy"
    if mdy and not dmy:
        return "mdy"
    if dmy or mdy:
        return "dmy" if dmy >= mdy else "mdy"
    return None


def parse_date(value: object, order: str | None = "dmy") -> tuple[date | None, str | None]:
    """(date, None) or (None, problem). Empty is (None, None).

    Accepts YYYY-MM-DD, DD-MM-YYYY / DD/MM/YYYY (or MM/DD when `order` is "mdy"),
    12-Mar-2027, 12 March 2027, Mar 12, 2027, and Excel date cells. With `order` None a date such
    as 03/04/2027 is ambiguous and refused.
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return _sane(value.date())
    if isinstance(value, date):
        return _sane(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20_000 <= value <= 80_000:  # an Excel serial date in a cell without a date format
            return _sane(EXCEL_EPOCH + timedelta(days=int(value)))
        return None, f"{value!r} is not a date"
    text = str(value).strip()
    if not text:
        return None, None
    low = text.casefold()
    try:
        if m := _ISO.match(low):
            return _sane(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        if m := _NUMERIC.match(low):
            a, b, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
            if a > 12 or b > 12 or a == b:
                day, month = (a, b) if a > 12 or a == b else (b, a)
            elif order == "dmy":
                day, month = a, b
            elif order == "mdy":
                day, month = b, a
            else:
                return None, (f"'{text}' is ambiguous: it could be {a} {_month_name(b)} or "
                              f"{b} {_month_name(a)}")
            if (order == "dmy" and b > 12) or (order == "mdy" and a > 12):
                return None, (f"'{text}' does not fit the day/month order of the rest of the "
                              "column")
            return _sane(date(y, month, day))
        if m := _NAMED.match(low):
            month = _month(m.group(2))
            if month:
                return _sane(date(_year(m.group(3)), month, int(m.group(1))))
        if m := _NAMED_US.match(low):
            month = _month(m.group(1))
            if month:
                return _sane(date(int(m.group(3)), month, int(m.group(2))))
    except ValueError:
        return None, f"'{text}' is not a real date"
    return None, f"'{text}' is not a date"


def _month_name(n: int) -> str:
    return date(2000, n, 1).strftime("%B") if 1 <= n <= 12 else str(n)


def _sane(d: date) -> tuple[date | None, str | None]:
    if not 1970 <= d.year <= 2100:
        return None, f"{d.isoformat()} is not a believable expiry date"
    return d, None


def phone_cell(value: object) -> object:
    """Excel drops a mobile's leading zero (3001234567 as a number): put it back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        if len(digits) == 10 and digits.startswith("3"):
            return "0" + digits
        if len(digits) == 12 and digits.startswith("92"):
            return "+" + digits
        return digits
    return value
