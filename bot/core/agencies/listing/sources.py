"""Files -> raw tables: CSV/UTF-16/Windows-1252 text, .xlsx (zip-bomb guarded), saved HTML.

`load_tables` returns every candidate table in a file; `pick_table` chooses the table and
header row whose headers map best. Unreadable files raise `FileRefused`.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.agencies.listing.cells import cell_text
from bot.core.agencies.listing.columns import header_score
from bot.core.agencies.listing.limits import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_XLSX_MEMBER,
    MAX_XLSX_MEMBERS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
)
from bot.core.agencies.listing.problems import RowProblem


@dataclass
class Table:
    """Cells as read, with their spreadsheet row numbers."""

    rows: list[tuple[int, list[object]]]
    where: str = ""            # "sheet 'Sheet1'" / "table 2 of 5"
    notes: list[str] = field(default_factory=list)
    date_order: str | None = None   # "dmy" where the source is known to write day first


class FileRefused(Exception):
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
            raise FileRefused("the file says it is UTF-16 but is damaged at byte "
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
        raise FileRefused(
            "the file is not text in UTF-8, UTF-16 or Windows-1252 (unreadable byte "
            f"0x{data[exc.start]:02X} at position {exc.start})", _SAVE_AS) from exc


def _csv_table(text: str, encoding: str) -> Table:
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
        score = max((header_score(r) for r in rows), default=0)
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
            raise FileRefused(
                f"row {number + 1} cannot be read as CSV ({exc}); a cell may be absurdly long "
                "or a quote may be unbalanced", "Check that row in a spreadsheet program") from exc
        number += 1
        rows.append((number, list(record[:MAX_COLUMNS])))
        if number > MAX_ROWS + HEADER_SEARCH_ROWS:
            break
    kind = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}[best]
    notes = [] if encoding == "UTF-8" and best == "," else \
        [f"Read as {encoding} text, {kind}-separated."]
    return Table(rows, notes=notes)


def check_xlsx_zip(path: Path) -> None:
    """Refuse an .xlsx whose zip directory declares too much data (a zip bomb) or is damaged.

    Only the central directory is read; nothing is decompressed.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused("the Excel file is damaged (not a readable .xlsx zip)",
                           "Open it in Excel and save it again as .xlsx") from exc
    if len(infos) > MAX_XLSX_MEMBERS:
        raise FileRefused(f"the Excel file has {len(infos):,} parts inside; refused as unsafe",
                           _SAVE_AS)
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "mimetype" in names or "content.xml" in names:
            raise FileRefused("this is an OpenDocument (.ods) spreadsheet, not Excel .xlsx",
                               _SAVE_AS)
        raise FileRefused("this zip file is not an Excel .xlsx workbook", _SAVE_AS)
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        ratio = size / max(info.compress_size, 1)
        if size > MAX_XLSX_MEMBER or (size > 1024 * 1024 and ratio > MAX_XLSX_RATIO):
            raise FileRefused(
                f"the Excel file is refused as unsafe: its part '{info.filename}' would unpack "
                f"to {size:,} bytes from {info.compress_size:,} (a possible zip bomb)",
                "Save the list again from Excel, or export it as CSV")
    if total > MAX_XLSX_UNCOMPRESSED:
        raise FileRefused(
            f"the Excel file is refused as unsafe: it would unpack to {total:,} bytes",
            "Export the list as CSV instead")


def _xlsx_tables(path: Path) -> list[Table]:
    """Every worksheet as a table (read-only, values only)."""
    check_xlsx_zip(path)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise FileRefused(f"the Excel file cannot be opened ({type(exc).__name__})",
                           "Open it in Excel and save it again as .xlsx") from exc
    tables: list[Table] = []
    try:
        for ws in wb.worksheets:
            rows: list[tuple[int, list[object]]] = []
            for number, values in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                            start=1):
                rows.append((number, list(values)))
                if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                    break
            tables.append(Table(rows, where=f"sheet '{ws.title}'"))
    except Exception as exc:
        raise FileRefused(f"the Excel file cannot be read ({type(exc).__name__}: {exc})",
                           "Open it in Excel and save it again as .xlsx") from exc
    finally:
        wb.close()
    return tables


def html_tables(text: str) -> list[Table]:
    """Every table of a web page; BE&OE writes dates day first, so HTML tables are "dmy"."""
    tables = _html_tables(text)
    for t in tables:
        t.date_order = "dmy"
    return tables


def _html_tables(text: str) -> list[Table]:
    """Every <table> in a saved web page, each with its own rows (nested tables kept apart)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    found = soup.find_all("table")
    tables: list[Table] = []
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
        tables.append(Table(rows, where=f"table {index} of {len(found)}"))
    return tables


def _sniff_kind(path: Path, data: bytes) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused("this is an old Excel 97-2003 (.xls) file, which cannot be read",
                           "Open it in Excel and save it as .xlsx or as 'CSV UTF-8'")
    if data.startswith(b"%PDF"):
        raise FileRefused("this is a PDF, not a spreadsheet",
                           "Ask for the list as Excel or CSV, or save the web page as HTML")
    return "text"


def _looks_like_html(text: str) -> bool:
    return text[:4096].lstrip().startswith("<") and "<table" in text.lower()


def load_tables(path: Path) -> list[Table]:
    """All candidate tables in the file; raises FileRefused for unreadable files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise FileRefused(f"the file {path.name} does not exist") from exc
    if size > MAX_FILE_BYTES:
        raise FileRefused(f"the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                           "Split the list or export only the needed columns")
    if size == 0:
        raise FileRefused("the file is empty",
                           "Export the list again; it needs a header row and agency rows")
    data = path.read_bytes()
    if _sniff_kind(path, data) == "xlsx":
        return _xlsx_tables(path)
    text, encoding = _decode(data)
    if not text.strip():
        raise FileRefused("the file is empty",
                           "Export the list again; it needs a header row and agency rows")
    if path.suffix.lower() in {".html", ".htm", ".xhtml", ".xls"} or _looks_like_html(text):
        tables = _html_tables(text)
        if tables:
            return tables
        if path.suffix.lower() in {".html", ".htm", ".xhtml"}:
            raise FileRefused("the web page has no table in it",
                               "Save the page when the list of agencies is showing on it")
    return [_csv_table(text, encoding)]


def pick_table(tables: list[Table]) -> tuple[Table, int]:
    """The table and header row (index into its rows) whose header maps best."""
    best: tuple[int, int, int, int, int] | None = None
    for t_index, table in enumerate(tables):
        for r_index, (_, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
            key = (header_score(cells), len(table.rows), -r_index, -t_index, r_index)
            if best is None or key > best:
                best = key
    if best is not None and best[0] >= 3:
        return tables[-best[3]], best[4]
    # no recognisable header anywhere: report against the first non-empty row
    for table in tables:
        for r_index, (_, cells) in enumerate(table.rows):
            if any(cell_text(c).strip() for c in cells):
                return table, r_index
    return tables[0], 0
