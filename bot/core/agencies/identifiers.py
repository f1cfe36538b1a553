"""Licence numbers (`MPD/2671/LHR`, `2671 lhr`) and Pakistani phone numbers in free text."""

from __future__ import annotations

import logging
import re

import phonenumbers

from bot.core.agencies.names.vocabulary import NUMBER_UNIT_KEYS, lex_word
from bot.core.text import ascii_digits, clean

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 10_000   # longer queries are refused (reason "too_long")
MAX_PHONE_TRIES = 12       # phone-like runs tried per message (bounded cost)
MAX_IDENTIFIERS_SHORT = 5  # licence numbers written short ("lic no 35") read per message

# Licence-number office codes (the list adds any others it uses).
OFFICE_CODES = frozenset({
    "LHR", "RWP", "ISB", "KHI", "PEW", "PSW", "MLK", "SKT", "MUX", "MLN", "GRW", "FSD", "DGK",
    "QTA", "HYD", "SGD", "BWP", "GJT", "SKR", "MPR", "KAR", "PWR", "MTN", "GRT", "ABT",
})

# The Protector office codes of a city's office (the city as `vocabulary.CITIES` names it): a
# licence number written without its code, beside the city, is looked for among these.
OFFICE_OF_CITY: dict[str, tuple[str, ...]] = {
    "lahore": ("LHR",), "karachi": ("KAR", "KHI"), "rawalpindi": ("RWP",), "islamabad": ("ISB",),
    "peshawar": ("PWR", "PEW", "PSW"), "malakand": ("MLK",), "sialkot": ("SKT",),
    "multan": ("MTN", "MLN", "MUX"), "gujranwala": ("GRW", "GRT"), "faisalabad": ("FSD",),
    "dera ghazi khan": ("DGK",), "quetta": ("QTA",), "hyderabad": ("HYD",), "sukkur": ("SKR",),
    "gujrat": ("GJT",), "mirpur": ("MPR",),
}

_LICENSE = re.compile(
    r"(?<![A-Z0-9])(?:([A-Z]{2,4})\s*[/\\\-.]\s*)?(\d{1,5})\s*(?:[/\\\-.,_]\s*){0,2}([A-Z]{3})"
    r"(?![A-Z])")
# "RWP-3593", and "SKT 1307" (a space: three digits at least).
_LICENSE_REVERSED = re.compile(
    r"(?<![A-Z0-9])([A-Z]{3})(?:\s*[/\\\-]\s*(\d{1,5})|\s+(\d{3,5}))(?![\d/])")
_PHONE_RUN = re.compile(r"(?:\+|\b)\d[\d\s\-().]{7,18}\d")
_NON_DIGIT = re.compile(r"\D")
# A phone number we read has at least 9 digits in the text (at least 9 national digits after
# +92, the region PK's country code, which the text need not have; a number with its own
# country code has more): text with fewer is not searched.
_NINE_DIGITS = re.compile(r"(?:\d\D*){9}")


def parse_license(text: str) -> tuple[str, int, str] | None:
    """A list's licence number `MPD/2671/LHR` -> ("MPD", 2671, "LHR")."""
    m = re.fullmatch(r"\s*(?:([A-Za-z]{2,4})\s*/\s*)?(\d{1,5})\s*/\s*([A-Za-z]{3})\s*",
                     ascii_digits(text))
    if not m:
        return None
    return (m.group(1) or "").upper(), int(m.group(2)), m.group(3).upper()


# An office code written with dots ("0008 / R.W.P"), read as "RWP" (same length: spans hold).
_DOTTED_CODE = re.compile(r"(?<![A-Z0-9])([A-Z])\.\s?([A-Z])\.\s?([A-Z])\b\.?")


def _undot(m: re.Match[str]) -> str:
    code = m.group(1) + m.group(2) + m.group(3)
    return code + " " * (len(m.group(0)) - 3)


def find_licenses(text: str, codes: frozenset[str],
                  limit: int = 1_000) -> list[tuple[str, int, str, tuple[int, int]]]:
    """Licence numbers in free text: (prefix, number, office code, span); at most `limit`."""
    upper = _DOTTED_CODE.sub(_undot, ascii_digits(clean(text)).upper())
    found = []
    for m in _LICENSE.finditer(upper):
        prefix, num, code = m.group(1) or "", m.group(2), m.group(3)
        if code in codes and prefix not in codes:
            found.append((prefix, int(num), code, m.span()))
            if len(found) >= limit:
                break
    if not found:
        for m in _LICENSE_REVERSED.finditer(upper):
            if m.group(1) in codes:
                found.append(("", int(m.group(2) or m.group(3)), m.group(1), m.span()))
    return found


def pk_e164(raw: str) -> str | None:
    """A Pakistani phone number as written in a list cell -> E.164 (+92…), without validation."""
    digits = _NON_DIGIT.sub("", ascii_digits(raw))
    if digits.startswith("0092"):
        digits = digits[4:]
    elif digits.startswith("92") and len(digits) >= 11:
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    if 9 <= len(digits) <= 10 and not digits.startswith("0"):
        return "+92" + digits
    return None


def find_phones(text: str, limit: int = 1_000) -> list[tuple[str, tuple[int, int]]]:
    """Phone numbers in free text as E.164, found by `phonenumbers` (region PK); at most `limit`."""
    digits_text = ascii_digits(clean(text))
    found: list[tuple[str, tuple[int, int]]] = []
    if _NINE_DIGITS.search(digits_text) is None:
        return found
    try:
        for m in phonenumbers.PhoneNumberMatcher(digits_text, "PK",
                                                 leniency=phonenumbers.Leniency.VALID,
                                                 max_tries=MAX_PHONE_TRIES):
            e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            if len(e164) >= 12:   # +92 and at least 9 national digits
                found.append((e164, (m.start, m.end)))
                if len(found) >= limit:
                    break
    except Exception:
        log.debug("phonenumbers failed; the regular-expression search is used instead")
    if not found:
        for m in _PHONE_RUN.finditer(digits_text):
            e164 = pk_e164(m.group())
            if e164:
                found.append((e164, m.span()))
                if len(found) >= limit:
                    break
    return found


# A licence word, perhaps "no" / "number" / «نمبر», then 1-4 digits that no office code or
# other digits follow ("lic no 35", "licence # 35", «لائسنس نمبر 35»).
_SHORT_NUMBER = re.compile(
    r"(?:(?<![^\W\d_])(?:licen[cs]e|lisence|liscense|licence|lic|oepl|oep)(?![^\W\d_])"
    r"|لائسنس|لائیسنس|لائسينس)\s*[.:]?\s*"
    r"(?:(?:no|nr|num|number)(?![^\W\d_])\.?|#|نمبر)?\s*[.:#\-]?\s*"
    r"(\d{1,4})(?![\d/\\\-]|\.\d|\s*[/\\]\s*[A-Za-z])", re.IGNORECASE)
_WORD_AFTER = re.compile(r"\s*([^\W\d_]+)")


def find_short_licences(text: str, limit: int = MAX_IDENTIFIERS_SHORT
                        ) -> list[tuple[int, tuple[int, int]]]:
    """Licence numbers of 1-4 digits after a licence word, without office code or leading
    zeros ("lic no 35", "licence 35 karachi", «لائسنس نمبر ۳۵»): (number, span of the digits),
    at most `limit`; not when a word follows that makes the number a quantity (content/
    agency_words.yaml `number_units`: "licence 3 saal pehle", "lic 35 hazar"). `text` must
    keep its length (Urdu digits are read as ASCII in place)."""
    digits = ascii_digits(text)
    found: list[tuple[int, tuple[int, int]]] = []
    for m in _SHORT_NUMBER.finditer(digits):
        if len(found) >= limit:
            break
        after = _WORD_AFTER.match(digits, m.end(1))
        if after and lex_word(after.group(1)) in NUMBER_UNIT_KEYS:
            continue
        found.append((int(m.group(1)), m.span(1)))
    return found


def find_identifier(text: str) -> str | None:
    """A licence number (canonical `1234/LHR`) or phone number (E.164) found in free text."""
    try:
        text = text[:MAX_QUERY_CHARS]
        lic = find_licenses(text, OFFICE_CODES)
        if lic:
            prefix, num, code, _ = lic[0]
            return f"{prefix + '/' if prefix else ''}{num:04d}/{code}"
        phones = find_phones(text)
        if phones:
            return phones[0][0]
        short = find_short_licences(text, 1)   # "lic no 35": the number, without office code
        return f"{short[0][0]:04d}" if short else None
    except Exception as exc:   # never log the text itself
        log.error("find_identifier failed: %s", type(exc).__name__)
        return None
