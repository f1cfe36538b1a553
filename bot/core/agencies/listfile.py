"""Read, validate and write the agency list, and its provenance file.

Staff bring the list in whatever form they have it: the canonical CSV, a CSV or "Unicode text"
export from Excel (UTF-8, UTF-8 with BOM, Windows-1252, UTF-16), an Excel ``.xlsx`` workbook, or
a saved HTML page with a table (as the BE&OE "list of OEPs" page saves). Headers are mapped by
their synonyms, every row is validated, and every problem names the row (as the spreadsheet
shows it: the header is row 1) and the column, in plain words with a way to fix it.

`import_agency_file` writes the canonical CSV (`CANONICAL_COLUMNS`) and the companion
`<stem>.provenance.json` atomically; on any problem nothing is written. Everything here is pure:
no printing, no Telegram, so the CLI and the /import_agencies admin command share it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.core.agencies.records import CANONICAL_COLUMNS, Agency, AgencyList, Provenance, Status

# --- limits -----------------------------------------------------------------------------------
MAX_FILE_BYTES = 20 * 1024 * 1024          # an upload larger than this is refused unread
MAX_ROWS = 200_000                         # agency rows (the real list has a few thousand)
MAX_CELL_CHARS = 1_000                     # longer cells are refused as absurd
MAX_COLUMNS = 200                          # columns read from a spreadsheet row
HEADER_SEARCH_ROWS = 20                    # title rows above the header are skipped
# Zip-bomb guards for .xlsx, checked on the zip directory before openpyxl opens the file.
MAX_XLSX_UNCOMPRESSED = 300 * 1024 * 1024  # sum of the declared member sizes
MAX_XLSX_MEMBER = 200 * 1024 * 1024        # any one member
MAX_XLSX_RATIO = 100                       # uncompressed / compressed, for members over 1 MB
MAX_XLSX_MEMBERS = 2_000

STATUS_WORDS = ", ".join(s.value for s in Status)
_STATUS_SYNONYMS = {
    "canceled": Status.CANCELLED, "cancel": Status.CANCELLED,
    "blacklist": Status.BLACKLISTED, "black listed": Status.BLACKLISTED,
    "black-listed": Status.BLACKLISTED, "surrender": Status.SURRENDERED,
    "suspend": Status.SUSPENDED, "expire": Status.EXPIRED,
}

# Licence-number office codes and the city each stands for (used when the file has no city).
OFFICE_CODES = {
    "LHR": "Lahore", "RWP": "Rawalpindi", "ISB": "Islamabad", "KHI": "Karachi",
    "PEW": "Peshawar", "MLK": "Malakand", "SKT": "Sialkot", "MUX": "Multan",
    "GRW": "Gujranwala", "FSD": "Faisalabad", "DGK": "Dera Ghazi Khan", "QTA": "Quetta",
    "HYD": "Hyderabad",
}

_COLUMN_LABELS = {
    "license_no": "licence number", "name": "name", "proprietor": "proprietor", "city": "city",
    "address": "address", "phone": "phone", "status": "status", "valid_until": "expiry date",
}
REQUIRED_COLUMNS = ("license_no", "name", "status")
_EXAMPLE_HEADERS = {
    "license_no": "'Licence No'", "name": "'Name of OEP'", "status": "'Status'",
}


# --- problems ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with the file.

    `row` is the row number as the staff see it in their spreadsheet (the header is row 1;
    for an HTML table, the table's first row is 1); None for the file as a whole.
    `column` is the header as written in the file (None when the problem is not one cell's).
    """

    row: int | None
    column: str | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where) or 'file'}: {self.message}"
        if self.fix:
            text += f". {self.fix}"
        return text


class AgencyListError(Exception):
    """The list is not usable; `problems` says why, row by row."""

    def __init__(self, problems: Sequence[RowProblem], source: str | None = None) -> None:
        self.problems: list[RowProblem] = list(problems)
        self.source = source
        first = str(self.problems[0]) if self.problems else "invalid agency list"
        where = f"{source}: " if source else ""
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{where}{first}{more}")

    def report(self, limit: int | None = None) -> str:
        """One line per problem; with `limit`, the first `limit` and a count of the rest."""
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [str(p) for p in shown]
        if len(shown) < len(self.problems):
            lines.append(f"… and {len(self.problems) - len(shown)} more problem(s)")
        return "\n".join(lines)


# --- the import summary ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportSummary:
    """What an import changed. `status_changes` holds (license_no, old status, new status)."""

    rows: int
    added: int
    removed: int
    status_changes: list[tuple[str, str, str]] = field(default_factory=list)
    previous_rows: int = 0
    dest: str = ""
    source: str = ""
    retrieved: date | None = None
    demo: bool = False
    notes: list[str] = field(default_factory=list)

    def describe(self, max_changes: int = 20) -> str:
        """A plain-English account for staff."""
        kind = "DEMONSTRATION data" if self.demo else "an official list"
        lines = [
            f"Imported {self.rows:,} agencies into {self.dest or 'the agency list'} "
            f"(before: {self.previous_rows:,}).",
            f"{self.added:,} added, {self.removed:,} removed, "
            f"{len(self.status_changes):,} status change(s).",
        ]
        for lic, old, new in self.status_changes[:max_changes]:
            lines.append(f"  {lic}: {old} -> {new}")
        if len(self.status_changes) > max_changes:
            lines.append(f"  … and {len(self.status_changes) - max_changes} more")
        when = self.retrieved.isoformat() if self.retrieved else "unknown"
        lines.append(f"Source: {self.source}; retrieved {when}; marked as {kind}.")
        if self.previous_rows >= 20 and self.rows < self.previous_rows // 2:
            lines.append(
                f"WARNING: the new list has far fewer agencies than the old one "
                f"({self.rows:,} instead of {self.previous_rows:,}). If you saved a web page, "
                "make sure it showed all entries, not just the first page.")
        lines.extend(self.notes)
        return "\n".join(lines)


# --- header mapping --------------------------------------------------------------------------------
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
        "address of oep", "oep address", "complete address", "location",
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


def _map_headers(row: Sequence[object]) -> dict[str, list[int]]:
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


def _header_score(row: Sequence[object]) -> int:
    mapping = _map_headers(row)
    return len(mapping) + 2 * sum(1 for c in REQUIRED_COLUMNS if c in mapping)


# --- raw tables from each kind of file ---------------------------------------------------------------
@dataclass
class _Table:
    """Cells as read, with their spreadsheet row numbers."""

    rows: list[tuple[int, list[object]]]
    where: str = ""            # "sheet 'Sheet1'" / "table 2 of 5"
    notes: list[str] = field(default_factory=list)


class _FileRefused(Exception):
    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.problem = RowProblem(None, None, message, fix)


_SAVE_AS = "Save the list from Excel as 'CSV UTF-8 (Comma delimited)' or as an .xlsx workbook"


def _decode(data: bytes) -> tuple[str, str]:
    """Decode text bytes: BOMs, UTF-16 without BOM, UTF-8, then Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 (with BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16 (Excel 'Unicode text')"
        except UnicodeDecodeError as exc:
            raise _FileRefused("the file says it is UTF-16 but is damaged at byte "
                               f"{exc.start}", _SAVE_AS) from exc
    sample = data[:4096]
    if len(sample) >= 4:
        even_nul = sample[0::2].count(0) / len(sample[0::2])
        odd_nul = sample[1::2].count(0) / len(sample[1::2])
        if (odd_nul > 0.3 and even_nul < 0.05) or (even_nul > 0.3 and odd_nul < 0.05):
            enc = "utf-16-le" if odd_nul > even_nul else "utf-16-be"
            try:
                return data.decode(enc), f"UTF-16 ({enc[-2:].upper()}, no BOM)"
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise _FileRefused(
            "the file is not text in UTF-8, UTF-16 or Windows-1252 (unreadable byte "
            f"0x{data[exc.start]:02X} at position {exc.start})", _SAVE_AS) from exc


def _csv_table(text: str, encoding: str) -> _Table:
    """Parse delimited text; the delimiter is the one whose header maps best."""
    if text.startswith("\ufeff"):
        text = text[1:]
    head = "\n".join(text[:200_000].splitlines()[:HEADER_SEARCH_ROWS])
    best, best_score = ",", -1
    for delim in (",", "\t", ";", "|"):
        try:
            rows = list(csv.reader(io.StringIO(head), delimiter=delim))
        except csv.Error:
            continue
        score = max((_header_score(r) for r in rows), default=0)
        if score > best_score:
            best, best_score = delim, score
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
    rows: list[tuple[int, list[object]]] = []
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _FileRefused(
                f"row {number + 1} cannot be read as CSV ({exc}); a cell may be absurdly long "
                "or a quote may be unbalanced", "Check that row in a spreadsheet program") from exc
        number += 1
        rows.append((number, list(record[:MAX_COLUMNS])))
        if number > MAX_ROWS + HEADER_SEARCH_ROWS:
            break
    kind = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}[best]
    notes = [] if encoding == "UTF-8" and best == "," else \
        [f"Read as {encoding} text, {kind}-separated."]
    return _Table(rows, notes=notes)


def check_xlsx_zip(path: Path) -> None:
    """Refuse an .xlsx whose zip directory declares too much data (a zip bomb) or is damaged.

    Only the central directory is read; nothing is decompressed.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _FileRefused("the Excel file is damaged (not a readable .xlsx zip)",
                           "Open it in Excel and save it again as .xlsx") from exc
    if len(infos) > MAX_XLSX_MEMBERS:
        raise _FileRefused(f"the Excel file has {len(infos):,} parts inside; refused as unsafe",
                           _SAVE_AS)
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "mimetype" in names or "content.xml" in names:
            raise _FileRefused("this is an OpenDocument (.ods) spreadsheet, not Excel .xlsx",
                               _SAVE_AS)
        raise _FileRefused("this zip file is not an Excel .xlsx workbook", _SAVE_AS)
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        ratio = size / max(info.compress_size, 1)
        if size > MAX_XLSX_MEMBER or (size > 1024 * 1024 and ratio > MAX_XLSX_RATIO):
            raise _FileRefused(
                f"the Excel file is refused as unsafe: its part '{info.filename}' would unpack "
                f"to {size:,} bytes from {info.compress_size:,} (a possible zip bomb)",
                "Save the list again from Excel, or export it as CSV")
    if total > MAX_XLSX_UNCOMPRESSED:
        raise _FileRefused(
            f"the Excel file is refused as unsafe: it would unpack to {total:,} bytes",
            "Export the list as CSV instead")


def _xlsx_tables(path: Path) -> list[_Table]:
    """Every worksheet as a table (read-only, values only)."""
    check_xlsx_zip(path)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _FileRefused(f"the Excel file cannot be opened ({type(exc).__name__})",
                           "Open it in Excel and save it again as .xlsx") from exc
    tables: list[_Table] = []
    try:
        for ws in wb.worksheets:
            rows: list[tuple[int, list[object]]] = []
            for number, values in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                            start=1):
                rows.append((number, list(values)))
                if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                    break
            tables.append(_Table(rows, where=f"sheet '{ws.title}'"))
    except Exception as exc:
        raise _FileRefused(f"the Excel file cannot be read ({type(exc).__name__}: {exc})",
                           "Open it in Excel and save it again as .xlsx") from exc
    finally:
        wb.close()
    return tables


def _html_tables(text: str) -> list[_Table]:
    """Every <table> in a saved web page, each with its own rows (nested tables kept apart)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    found = soup.find_all("table")
    tables: list[_Table] = []
    for index, table in enumerate(found, start=1):
        rows: list[tuple[int, list[object]]] = []
        number = 0
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            number += 1
            cells: list[object] = []
            for cell in tr.find_all(["td", "th"], recursive=False):
                cells.append(cell.get_text(" ", strip=True))
                try:
                    span = int(cell.get("colspan") or 1)
                except ValueError:
                    span = 1
                cells.extend([""] * (min(span, MAX_COLUMNS) - 1))
            rows.append((number, cells[:MAX_COLUMNS]))
            if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
        tables.append(_Table(rows, where=f"table {index} of {len(found)}"))
    return tables


def _sniff_kind(path: Path, data: bytes) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _FileRefused("this is an old Excel 97-2003 (.xls) file, which cannot be read",
                           "Open it in Excel and save it as .xlsx or as 'CSV UTF-8'")
    if data.startswith(b"%PDF"):
        raise _FileRefused("this is a PDF, not a spreadsheet",
                           "Ask for the list as Excel or CSV, or save the web page as HTML")
    return "text"


def _looks_like_html(text: str) -> bool:
    return text[:4096].lstrip().startswith("<") and "<table" in text.lower()


def _load_tables(path: Path) -> list[_Table]:
    """All candidate tables in the file; raises _FileRefused for unreadable files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise _FileRefused(f"the file {path.name} does not exist") from exc
    if size > MAX_FILE_BYTES:
        raise _FileRefused(f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                           "Split the list or export only the needed columns")
    if size == 0:
        raise _FileRefused("the file is empty",
                           "Export the list again; it needs a header row and agency rows")
    data = path.read_bytes()
    if _sniff_kind(path, data) == "xlsx":
        return _xlsx_tables(path)
    text, encoding = _decode(data)
    if not text.strip():
        raise _FileRefused("the file is empty",
                           "Export the list again; it needs a header row and agency rows")
    if path.suffix.lower() in {".html", ".htm", ".xhtml", ".xls"} or _looks_like_html(text):
        tables = _html_tables(text)
        if tables:
            return tables
        if path.suffix.lower() in {".html", ".htm", ".xhtml"}:
            raise _FileRefused("the web page has no table in it",
                               "Save the page when the list of agencies is showing on it")
    return [_csv_table(text, encoding)]


def _pick(tables: list[_Table]) -> tuple[_Table, int]:
    """The table and header row (index into its rows) whose header maps best."""
    best: tuple[int, int, int, int, int] | None = None
    for t_index, table in enumerate(tables):
        for r_index, (_, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
            key = (_header_score(cells), len(table.rows), -r_index, -t_index, r_index)
            if best is None or key > best:
                best = key
    if best is not None and best[0] >= 3:
        return tables[-best[3]], best[4]
    # no recognisable header anywhere: report against the first non-empty row
    for table in tables:
        for r_index, (_, cells) in enumerate(table.rows):
            if any(_text(c).strip() for c in cells):
                return table, r_index
    return tables[0], 0


# --- cell checks -------------------------------------------------------------------------------------
_BAD_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = dict.fromkeys([0x00AD, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF])
_SPACES = re.compile(r"\s+")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean_cell(value: object) -> tuple[str, str | None]:
    """(cleaned text, problem or None): NFC, invisible marks dropped, white space collapsed."""
    raw = _text(value)
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
_URDU_DIGITS = {cp: ord("0") + i for i, cp in enumerate(range(0x06F0, 0x06FA))}
_URDU_DIGITS.update({cp: ord("0") + i for i, cp in enumerate(range(0x0660, 0x066A))})


def normalize_license_no(text: str) -> str | None:
    """'1234 lhr', '1234-LHR', 'Lic. No. 1234/Lhr', 'MPD-2671-LHR' -> canonical; None if not one.

    Uppercase, slash-separated, leading zeros kept: `1234/LHR`, `0696/RWP`, `MPD/2671/LHR`.
    """
    s = unicodedata.normalize("NFKC", text).translate(_URDU_DIGITS).strip()
    if not s:
        return None
    s = _LICENSE_PREFIX.sub("", s, count=1) if not s[:1].isdigit() else s
    s = s.upper()
    parts = [p for p in re.split(r"[^A-Z0-9]+", s) if p]
    pieces: list[str] = []
    for part in parts:  # split "1234LHR" into "1234", "LHR"
        pieces.extend(re.findall(r"[A-Z]+|\d+", part))
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


def _numeric_order(values: Iterable[str]) -> str | None:
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


def _phone_cell(value: object) -> object:
    """Excel drops a mobile's leading zero (3001234567 as a number): put it back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        if len(digits) == 10 and digits.startswith("3"):
            return "0" + digits
        if len(digits) == 12 and digits.startswith("92"):
            return "+" + digits
        return digits
    return value


# --- validation -----------------------------------------------------------------------------------
_DATE_FIX = "Write the date as YYYY-MM-DD, for example 2027-03-12, or leave it empty"


def _validate(table: _Table, header_index: int) -> tuple[list[Agency], list[RowProblem]]:
    header_row, header = table.rows[header_index]
    mapping = _map_headers(header)
    problems: list[RowProblem] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping]
    if missing:
        found = [f"'{_text(h).strip()}'" for h in header if _text(h).strip()]
        wanted = ", ".join(f"{_COLUMN_LABELS[c]} (e.g. {_EXAMPLE_HEADERS[c]})" for c in missing)
        where = f" in {table.where}" if table.where else ""
        problems.append(RowProblem(
            header_row, None,
            f"missing column(s): {wanted}. Headers found{where}: "
            f"{', '.join(found) if found else 'none'}",
            "Add the missing column(s) or rename the header(s); other columns are ignored"))
        return [], problems

    names = {col: _text(header[idxs[0]]).strip() or col for col, idxs in mapping.items()}
    data = [(n, cells) for n, cells in table.rows[header_index + 1:]
            if any(_text(c).strip() for c in cells)]
    if not data:
        problems.append(RowProblem(None, None, "the file has a header but no agency rows",
                                   "Export the list again with its rows"))
        return [], problems
    if len(data) > MAX_ROWS:
        problems.append(RowProblem(None, None,
                                   f"the file has more than {MAX_ROWS:,} agency rows",
                                   "Check that this is the agency list"))
        return [], problems

    order: str | None = "dmy"
    if "valid_until" in mapping:
        idx = mapping["valid_until"][0]
        order = _numeric_order(_text(cells[idx]) for _, cells in data if idx < len(cells))

    agencies: list[Agency] = []
    seen_license: dict[str, tuple[int, tuple[str, ...]]] = {}
    for number, cells in data:
        values: dict[str, str] = {}
        raw: dict[str, object] = {}
        failed: set[str] = set()

        def bad(col: str | None, message: str, fix: str, *, _row: int = number,
                _failed: set[str] = failed) -> None:
            problems.append(RowProblem(_row, names.get(col) if col else None, message, fix))
            if col:
                _failed.add(col)

        for col, idxs in mapping.items():
            parts = []
            for idx in idxs:
                cell = cells[idx] if idx < len(cells) else None
                if col == "phone":
                    cell = _phone_cell(cell)
                raw.setdefault(col, cell)
                text, problem = _clean_cell(cell)
                if problem:
                    problems.append(RowProblem(number, _text(header[idx]).strip() or col,
                                               problem,
                                               "Retype the cell, or delete what is not needed"))
                    failed.add(col)
                elif text:
                    parts.append(text)
            values[col] = ", ".join(parts) if col == "phone" else (parts[0] if parts else "")

        license_no = None
        lic_text = values["license_no"]
        if "license_no" in failed:
            pass
        elif not lic_text:
            bad("license_no", "the licence number is missing", "Fill it in, for example 1234/LHR")
        else:
            license_no = normalize_license_no(lic_text)
            if license_no is None:
                bad("license_no", f"'{lic_text}' is not a licence number in a known form",
                    "Write it like 1234/LHR, 0696/RWP or MPD/2671/LHR")

        if "name" not in failed and not values["name"]:
            bad("name", "the agency name is missing", "Fill in the name as the licence gives it")
        elif "name" not in failed and not any(ch.isalpha() for ch in values["name"]):
            bad("name", f"'{values['name']}' has no letters, so it cannot be an agency name",
                "Fill in the name as the licence gives it")

        status = None
        st_text = values["status"]
        if "status" in failed:
            pass
        elif not st_text:
            bad("status", "the status is missing", f"Use one of: {STATUS_WORDS}")
        else:
            status = parse_status(st_text)
            if status is None:
                bad("status", f"'{st_text}' is not a known status", f"Use one of: {STATUS_WORDS}")

        valid_until = None
        if "valid_until" in mapping and "valid_until" not in failed:
            cell = raw.get("valid_until")
            if cell is None or isinstance(cell, str):
                cell = values["valid_until"]
            valid_until, problem = parse_date(cell, order)
            if problem:
                bad("valid_until", problem, _DATE_FIX)

        if license_no is not None:
            fingerprint = tuple(_text(c).strip() for c in cells)
            if license_no in seen_license:
                first_row, first_print = seen_license[license_no]
                if fingerprint == first_print:
                    bad(None, f"this row is an exact copy of row {first_row}",
                        "Delete one of the two rows")
                else:
                    bad("license_no", f"licence number {license_no} also appears in row "
                        f"{first_row}",
                        "Each licence must appear once: keep the correct row, delete the other")
                failed.add("license_no")
            else:
                seen_license[license_no] = (number, fingerprint)

        if failed or license_no is None or status is None:
            continue
        city = values.get("city", "") or OFFICE_CODES.get(license_no.rsplit("/", 1)[-1], "")
        agencies.append(Agency(
            license_no=license_no, name=values["name"], proprietor=values.get("proprietor", ""),
            city=city, address=values.get("address", ""), phone=values.get("phone", ""),
            status=status, valid_until=valid_until,
        ))
    return agencies, problems


# --- reading --------------------------------------------------------------------------------------------
@dataclass
class _ReadResult:
    agencies: list[Agency]
    problems: list[RowProblem]
    notes: list[str]


def _read(path: Path) -> _ReadResult:
    path = Path(path)
    try:
        tables = _load_tables(path)
    except _FileRefused as exc:
        return _ReadResult([], [exc.problem], [])
    except OSError as exc:
        return _ReadResult([], [RowProblem(None, None, f"the file cannot be read ({exc.strerror})",
                                           "Check the file name and permissions")], [])
    tables = [t for t in tables if t.rows] or tables
    if not tables or not any(t.rows for t in tables):
        return _ReadResult([], [RowProblem(None, None, "the file has no rows",
                                           "Export the list again with its header and rows")], [])
    table, header_index = _pick(tables)
    agencies, problems = _validate(table, header_index)
    notes = list(table.notes)
    if len(tables) > 1 and table.where:
        notes.append(f"Used {table.where} (its header row is row {table.rows[header_index][0]}).")
    problems.sort(key=lambda p: (p.row if p.row is not None else -1))
    return _ReadResult(agencies, problems, notes)


def read_agency_file(path: Path) -> tuple[list[Agency], list[RowProblem]]:
    """Agencies from a CSV, .xlsx or saved HTML page, and every problem found (empty if none).

    Agencies are returned only for rows without problems; a caller must treat any problem as
    the file being unusable.
    """
    result = _read(Path(path))
    return result.agencies, result.problems


# --- provenance ---------------------------------------------------------------------------------------
def provenance_path(path: Path) -> Path:
    """`content/agencies.csv` -> `content/agencies.provenance.json`."""
    path = Path(path)
    return path.with_name(f"{path.stem}.provenance.json")


def read_provenance(path: Path) -> Provenance:
    """The provenance next to the list `path`. Missing or unreadable: treated as NOT official."""
    p = provenance_path(path)
    try:
        obj = json.loads(p.read_text(encoding="utf-8"))
        if not isinstance(obj, dict):
            raise ValueError("not a JSON object")
    except FileNotFoundError:
        return Provenance(source=Path(path).name, retrieved=None, demo=True,
                          note=f"provenance file {p.name} is missing: the list is treated as "
                               "demonstration data, not as an official BE&OE list")
    except (OSError, ValueError) as exc:
        return Provenance(source=Path(path).name, retrieved=None, demo=True,
                          note=f"provenance file {p.name} cannot be read ({exc}): the list is "
                               "treated as demonstration data, not as an official BE&OE list")
    retrieved = None
    if isinstance(obj.get("retrieved"), str):
        try:
            retrieved = date.fromisoformat(obj["retrieved"])
        except ValueError:
            retrieved = None
    demo = obj.get("demo")
    note = str(obj.get("note") or "")
    if not isinstance(demo, bool):
        demo = True
        note = (note + " " if note else "") + "('demo' is not true/false: treated as demonstration)"
    return Provenance(source=str(obj.get("source") or Path(path).name), retrieved=retrieved,
                      demo=demo, note=note)


def provenance_json_bytes(prov: Provenance) -> bytes:
    obj = {"source": prov.source,
           "retrieved": prov.retrieved.isoformat() if prov.retrieved else None,
           "demo": prov.demo, "note": prov.note}
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- writing ------------------------------------------------------------------------------------------
def _atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file in the same directory, fsync, then os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def canonical_csv_bytes(agencies: Iterable[Agency]) -> bytes:
    """The canonical UTF-8 CSV for `agencies`, header first."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CANONICAL_COLUMNS)
    for a in agencies:
        writer.writerow([a.license_no, a.name, a.proprietor, a.city, a.address, a.phone,
                         a.status.value, a.valid_until.isoformat() if a.valid_until else ""])
    return buf.getvalue().encode("utf-8")


def write_agency_list(path: Path, agencies: Iterable[Agency], provenance: Provenance) -> None:
    """Write the canonical CSV and then its provenance file, each atomically."""
    _atomic_write_bytes(Path(path), canonical_csv_bytes(agencies))
    _atomic_write_bytes(provenance_path(path), provenance_json_bytes(provenance))


# --- the public operations -------------------------------------------------------------------------------
def load_agency_list(path: Path) -> AgencyList:
    """The list in use: canonical CSV (fully validated) plus its provenance."""
    path = Path(path)
    result = _read(path)
    if result.problems:
        raise AgencyListError(result.problems, source=str(path))
    return AgencyList(agencies=tuple(result.agencies), provenance=read_provenance(path))


def import_agency_file(src: Path, dest: Path, *, source: str | None = None,
                       retrieved: date | None = None, demo: bool = False) -> ImportSummary:
    """Validate `src` (CSV, .xlsx or HTML) and replace `dest` and its provenance atomically.

    Raises AgencyListError with every problem; then `dest` and its provenance are untouched.
    """
    src, dest = Path(src), Path(dest)
    result = _read(src)
    if result.problems:
        raise AgencyListError(result.problems, source=src.name)
    old: list[Agency] = []
    notes = list(result.notes)
    if dest.exists():
        old, old_problems = read_agency_file(dest)
        if old_problems and not old:
            notes.append(f"The previous list at {dest} could not be read, so the counts of "
                         "added and removed agencies compare with an empty list.")
    old_by = {a.license_no: a for a in old}
    new_by = {a.license_no: a for a in result.agencies}
    changes = [(lic, old_by[lic].status.value, a.status.value) for lic, a in new_by.items()
               if lic in old_by and old_by[lic].status is not a.status]
    prov = Provenance(
        source=source or src.name,
        retrieved=retrieved or date.today(),
        demo=demo,
        note=("demonstration data, not an official BE&OE list" if demo
              else f"imported from {src.name}"),
    )
    write_agency_list(dest, result.agencies, prov)
    return ImportSummary(
        rows=len(result.agencies),
        added=sum(1 for lic in new_by if lic not in old_by),
        removed=sum(1 for lic in old_by if lic not in new_by),
        status_changes=sorted(changes),
        previous_rows=len(old),
        dest=str(dest),
        source=prov.source,
        retrieved=prov.retrieved,
        demo=demo,
        notes=notes,
    )


__all__ = [
    "MAX_CELL_CHARS", "MAX_FILE_BYTES", "MAX_ROWS", "AgencyListError", "ImportSummary",
    "RowProblem", "canonical_csv_bytes", "check_xlsx_zip", "import_agency_file",
    "load_agency_list", "map_header", "normalize_license_no", "parse_date", "parse_status",
    "provenance_path", "read_agency_file", "read_provenance", "write_agency_list",
]
