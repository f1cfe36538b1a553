"""The agency list's public API: load, read, write and import it, with its provenance file.

Staff bring the list in whatever form they have it: the canonical CSV, a CSV or "Unicode text"
export from Excel (UTF-8, UTF-8 with BOM, Windows-1252, UTF-16), an Excel ``.xlsx`` workbook, or
a saved HTML page with a table (as the BE&OE "list of OEPs" page saves). Headers are mapped by
their synonyms, every row is validated, and every problem names the row (as the spreadsheet
shows it: the header is row 1) and the column, in plain words with a way to fix it.

`import_agency_file` writes the canonical CSV (`CANONICAL_COLUMNS`) and the companion
`<stem>.provenance.json` atomically; on any problem nothing is written. Everything here is pure:
no printing, no Telegram, so the CLI and the /import_agencies admin command share it.

The parts: `sources` (file -> raw tables), `columns` (header synonyms), `cells` (cell values),
`validation` (rows -> agencies + problems), `problems` (RowProblem, AgencyListError) and
`limits`. Names other code imports from here are re-exported below.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.core.agencies.listing.cells import normalize_license_no, parse_date, parse_status
from bot.core.agencies.listing.columns import map_header
from bot.core.agencies.listing.limits import MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_ROWS
from bot.core.agencies.listing.problems import AgencyListError, RowProblem
from bot.core.agencies.listing.sources import FileRefused, check_xlsx_zip, load_tables, pick_table
from bot.core.agencies.listing.validation import validate_rows
from bot.core.agencies.records import CANONICAL_COLUMNS, Agency, AgencyList, Provenance


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



# --- reading --------------------------------------------------------------------------------------------
@dataclass
class _ReadResult:
    agencies: list[Agency]
    problems: list[RowProblem]
    notes: list[str]


def _read(path: Path) -> _ReadResult:
    path = Path(path)
    try:
        tables = load_tables(path)
    except FileRefused as exc:
        return _ReadResult([], [exc.problem], [])
    except OSError as exc:
        return _ReadResult([], [RowProblem(None, None, f"the file cannot be read ({exc.strerror})",
                                           "Check the file name and permissions")], [])
    tables = [t for t in tables if t.rows] or tables
    if not tables or not any(t.rows for t in tables):
        return _ReadResult([], [RowProblem(None, None, "the file has no rows",
                                           "Export the list again with its header and rows")], [])
    table, header_index = pick_table(tables)
    agencies, problems = validate_rows(table, header_index)
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
    from bot.core.agencies.listing.notices import read_notices

    return AgencyList(agencies=tuple(result.agencies), provenance=read_provenance(path),
                      notices=read_notices(path))


def read_agency_files(paths: Iterable[Path]) -> _ReadResult:
    """Several files (e.g. every saved page of the BE&OE list) read and merged.

    A licence that appears twice with the same details (pages that overlap) is kept once; with
    different details it is a problem naming both files.
    """
    merged: list[Agency] = []
    problems: list[RowProblem] = []
    notes: list[str] = []
    seen: dict[str, tuple[Agency, str]] = {}
    paths = [Path(p) for p in paths]
    for path in paths:
        result = _read(path)
        label = path.name
        if len(paths) > 1:
            problems.extend(RowProblem(p.row, p.column, f"{label}: {p.message}", p.fix)
                            for p in result.problems)
            notes.extend(f"{label}: {n}" for n in result.notes)
        else:
            problems.extend(result.problems)
            notes.extend(result.notes)
        for agency in result.agencies:
            if agency.license_no in seen:
                first, where = seen[agency.license_no]
                if first != agency:
                    problems.append(RowProblem(
                        None, None, f"licence {agency.license_no} is in {where} and in {label} "
                        "with different details", "Keep the right one and save the pages again"))
                continue
            seen[agency.license_no] = (agency, label)
            merged.append(agency)
    if len(paths) > 1 and not problems:
        notes.append(f"Merged {len(paths)} files into {len(merged):,} agencies.")
    return _ReadResult(merged, problems, notes)


def import_agency_file(src: Path | Iterable[Path], dest: Path, *, source: str | None = None,
                       retrieved: date | None = None, demo: bool = False) -> ImportSummary:
    """Validate `src` (CSV, .xlsx or HTML; or several, merged) and replace `dest` atomically.

    Raises AgencyListError with every problem; then `dest` and its provenance are untouched.
    """
    srcs = [Path(src)] if isinstance(src, str | Path) else [Path(p) for p in src]
    dest = Path(dest)
    result = read_agency_files(srcs)
    name = srcs[0].name if len(srcs) == 1 else f"{len(srcs)} files ({srcs[0].name}, …)"
    if result.problems:
        raise AgencyListError(result.problems, source=name)
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
        source=source or name,
        retrieved=retrieved or date.today(),
        demo=demo,
        note=("demonstration data, not an official BE&OE list" if demo
              else f"imported from {name}"),
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


import_agency_files = import_agency_file


__all__ = [
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "AgencyListError",
    "ImportSummary",
    "RowProblem",
    "canonical_csv_bytes",
    "check_xlsx_zip",
    "import_agency_file",
    "import_agency_files",
    "load_agency_list",
    "map_header",
    "normalize_license_no",
    "parse_date",
    "parse_status",
    "provenance_path",
    "read_agency_file",
    "read_agency_files",
    "read_provenance",
    "write_agency_list",
]
