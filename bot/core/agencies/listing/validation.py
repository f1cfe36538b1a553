"""Raw table rows -> Agency records, with a RowProblem for every bad cell, row or header."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.agencies.listing.cells import (
    STATUS_WORDS,
    cell_text,
    clean_cell,
    normalize_license_no,
    numeric_order,
    parse_date,
    parse_status,
    phone_cell,
)
from bot.core.agencies.listing.columns import REQUIRED_COLUMNS, map_headers
from bot.core.agencies.listing.limits import MAX_ROWS
from bot.core.agencies.listing.problems import RowProblem
from bot.core.agencies.listing.sources import Table
from bot.core.agencies.records import Agency
from bot.core.text import ascii_digits

_COLUMN_LABELS = {
    "license_no": "licence number", "name": "name", "proprietor": "proprietor", "city": "city",
    "address": "address", "phone": "phone", "status": "status", "valid_until": "expiry date",
}
_EXAMPLE_HEADERS = {
    "license_no": "'Licence No'", "name": "'Name of OEP'", "status": "'Status'",
}


_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+92|0092|0)\d{2,4}[\s\-]?\d{6,8}(?!\d)")
_DATE_FIX = "Write the date as YYYY-MM-DD, for example 2027-03-12, or leave it empty"


def _fingerprint(cells: Sequence[object]) -> tuple[str, ...]:
    """A row's cells as text, to tell an exact copy from another row with the same licence."""
    return tuple(cell_text(c).strip() for c in cells)


def validate_rows(table: Table, header_index: int) -> tuple[list[Agency], list[RowProblem]]:
    header_row, header = table.rows[header_index]
    mapping = map_headers(header)
    problems: list[RowProblem] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping]
    if missing:
        found = [f"'{cell_text(h).strip()}'" for h in header if cell_text(h).strip()]
        wanted = ", ".join(f"{_COLUMN_LABELS[c]} (e.g. {_EXAMPLE_HEADERS[c]})" for c in missing)
        where = f" in {table.where}" if table.where else ""
        problems.append(RowProblem(
            header_row, None,
            f"missing column(s): {wanted}. Headers found{where}: "
            f"{', '.join(found) if found else 'none'}",
            "Add the missing column(s) or rename the header(s); other columns are ignored"))
        return [], problems

    names = {col: cell_text(header[idxs[0]]).strip() or col for col, idxs in mapping.items()}
    data = [(n, cells) for n, cells in table.rows[header_index + 1:]
            if any(cell_text(c).strip() for c in cells)]
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
        order = (numeric_order(cell_text(cells[idx]) for _, cells in data if idx < len(cells))
                 or table.date_order)

    agencies: list[Agency] = []
    seen_license: dict[str, tuple[int, Sequence[object]]] = {}
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
                    cell = phone_cell(cell)
                raw.setdefault(col, cell)
                text, problem = clean_cell(cell)
                if problem:
                    problems.append(RowProblem(number, cell_text(header[idx]).strip() or col,
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
            if license_no in seen_license:
                first_row, first_cells = seen_license[license_no]
                if _fingerprint(cells) == _fingerprint(first_cells):
                    bad(None, f"this row is an exact copy of row {first_row}",
                        "Delete one of the two rows")
                else:
                    bad("license_no", f"licence number {license_no} also appears in row "
                        f"{first_row}",
                        "Each licence must appear once: keep the correct row, delete the other")
                failed.add("license_no")
            else:
                seen_license[license_no] = (number, cells)

        if failed or license_no is None or status is None:
            continue
        # Never guessed from the office code: it names the Protector office that issued the
        # licence, not where the agency sits.
        city = values.get("city", "")
        phone = values.get("phone", "")
        if not phone and values.get("address"):   # BE&OE: the Head Office cell holds phones
            phone = ", ".join(_PHONE_IN_TEXT.findall(ascii_digits(values["address"])))
        agencies.append(Agency(
            license_no=license_no, name=values["name"], proprietor=values.get("proprietor", ""),
            city=city, address=values.get("address", ""), phone=phone,
            status=status, valid_until=valid_until,
        ))
    return agencies, problems
