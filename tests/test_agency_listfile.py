"""The agency list: reading CSV/XLSX/HTML, validation, atomic import, provenance, the demo list."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from bot.core.agencies.listfile import (
    AgencyListError,
    ImportSummary,
    RowProblem,
    import_agency_file,
    load_agency_list,
    map_header,
    normalize_license_no,
    parse_date,
    read_agency_file,
)
from bot.core.agencies.listing import files, sources, validation
from bot.core.agencies.records import CANONICAL_COLUMNS, Agency, Status

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import make_demo_agencies  # noqa: E402

HEADER = ",".join(CANONICAL_COLUMNS)
GOOD_ROWS = [
    "1234/LHR,Al-Falah Overseas Employment Promoters,Muhammad Aslam,Lahore,"
    "\"12 Mall Road, Lahore\",0300-0012345,valid,2027-03-12",
    "0696/RWP,Shaheen Gulf Manpower Services,Khalid Mehmood,Rawalpindi,Murree Road,"
    "0333 0001234,suspended,2028-01-01",
    "MPD/2671/LHR,Al Hijaz Travel & Tours,Rashid Khan,Lahore,Davis Road,,cancelled,",
]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def good_csv(tmp_path: Path, name: str = "list.csv") -> Path:
    return write(tmp_path / name, "\n".join([HEADER, *GOOD_ROWS]) + "\n")


def problems_of(path: Path) -> list[RowProblem]:
    return read_agency_file(path)[1]


# --- canonical CSV ---------------------------------------------------------------------------------
def test_canonical_csv_reads(tmp_path: Path) -> None:
    agencies, problems = read_agency_file(good_csv(tmp_path))
    assert problems == []
    assert [a.license_no for a in agencies] == ["1234/LHR", "0696/RWP", "MPD/2671/LHR"]
    first = agencies[0]
    assert first == Agency("1234/LHR", "Al-Falah Overseas Employment Promoters",
                           "Muhammad Aslam", "Lahore", "12 Mall Road, Lahore", "0300-0012345",
                           Status.VALID, dt.date(2027, 3, 12))
    assert agencies[1].status is Status.SUSPENDED
    assert agencies[2].valid_until is None


def test_status_any_case_and_trimmed_license_forms_normalised(tmp_path: Path) -> None:
    path = write(tmp_path / "l.csv", "License No,Name,Status\n"
                 " 1234 lhr ,A One Overseas,  VALID \n"
                 "Lic. No. 0696-rwp,B Two Overseas,Suspended\n"
                 "mpd-2671-lhr,C Three Overseas,BlackListed\n")
    agencies, problems = read_agency_file(path)
    assert problems == []
    assert [(a.license_no, a.status) for a in agencies] == [
        ("1234/LHR", Status.VALID), ("0696/RWP", Status.SUSPENDED),
        ("MPD/2671/LHR", Status.BLACKLISTED)]
    # the office code names the Protector office that issued the licence, not the agency's city
    assert agencies[0].city == ""


@pytest.mark.parametrize(("text", "expected"), [
    ("1234/LHR", "1234/LHR"), ("1234 lhr", "1234/LHR"), ("1234-LHR", "1234/LHR"),
    ("License No. 1234-LHR", "1234/LHR"), ("OEP 1234/LHR", "1234/LHR"),
    ("0696/RWP", "0696/RWP"), ("MPD/2671/LHR", "MPD/2671/LHR"), ("mpd 2671 lhr", "MPD/2671/LHR"),
    ("۱۲۳۴/LHR", "1234/LHR"), ("1234LHR", "1234/LHR"), ("1234", None), ("LHR", None),
    ("", None),
])
def test_normalize_license_no(text: str, expected: str | None) -> None:
    assert normalize_license_no(text) == expected


@pytest.mark.parametrize(("header", "column"), [
    ("Licence No", "license_no"), ("License #", "license_no"), ("Lic. No.", "license_no"),
    ("OEP License No", "license_no"), ("LICENSE NO.", "license_no"),
    ("Name of OEP", "name"), ("Licence Title", "name"), ("OEP Name", "name"),
    ("Proprietor", "proprietor"), ("Owner", "proprietor"), ("Name of Proprietor", "proprietor"),
    ("Status", "status"), ("Licence Status", "status"),
    ("Expiry", "valid_until"), ("Expiry Date", "valid_until"), ("Validity", "valid_until"),
    ("Valid Upto", "valid_until"), ("valid_until", "valid_until"),
    ("Contact", "phone"), ("Cell", "phone"), ("Phone No", "phone"), ("Mobile", "phone"),
    ("Address", "address"), ("City", "city"), ("Station", "city"),
    ("Sr. No.", None), ("Email", None), ("Remarks", None), ("Contact Person", None),
    ("Date of Expiry", "valid_until"), ("City/Station", "city"), ("Proprietor Name", "proprietor"),
])
def test_header_synonyms(header: str, column: str | None) -> None:
    assert map_header(header) == column


@pytest.mark.parametrize("headers", [
    ["Sr. No.", "Lic. No.", "Name of OEP", "Proprietor", "Station", "Address", "Contact",
     "Status", "Valid Upto"],
    ["License #", "Licence Title", "Owner", "City", "Cell", "Status", "Expiry Date", "Email"],
    ["OEP License No", "OEP Name", "Proprietor", "Phone No", "Address", "City", "Status",
     "Validity"],
])
def test_files_with_synonym_headers(tmp_path: Path, headers: list[str]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    sample = {"license_no": "2214/MLK", "name": "Swat Star Overseas", "proprietor": "Gul Khan",
              "city": "Malakand", "address": "Mingora", "phone": "0946-7000123",
              "status": "Valid", "valid_until": "12-Mar-2027"}
    w.writerow([sample.get(map_header(h) or "", "x") for h in headers])
    agencies, problems = read_agency_file(write(tmp_path / "s.csv", buf.getvalue()))
    assert problems == []
    (a,) = agencies
    assert (a.license_no, a.name, a.proprietor, a.status, a.valid_until) == (
        "2214/MLK", "Swat Star Overseas", "Gul Khan", Status.VALID, dt.date(2027, 3, 12))
    assert a.phone == "0946-7000123"


def test_title_rows_above_header_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "List of OEPs as on 10-08-2024,,\n,,\n"
                 "Licence No,Name of OEP,Status\n1234/LHR,A Overseas,valid\n"
                 "1235/LHR,B Overseas,actve\n")
    (problem,) = problems_of(path)
    assert (problem.row, problem.column) == (5, "Status")


# --- dates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("2027-03-12", dt.date(2027, 3, 12)), ("12-03-2027", dt.date(2027, 3, 12)),
    ("12/03/2027", dt.date(2027, 3, 12)), ("12.03.2027", dt.date(2027, 3, 12)),
    ("12-Mar-2027", dt.date(2027, 3, 12)), ("12 March 2027", dt.date(2027, 3, 12)),
    ("Mar 12, 2027", dt.date(2027, 3, 12)), ("2027-03-12 00:00:00", dt.date(2027, 3, 12)),
    ("", None),
])
def test_parse_date_forms(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == (expected, None)


def test_parse_date_bad_and_ambiguous() -> None:
    assert parse_date("31/02/2027")[1] == "'31/02/2027' is not a real date"
    assert "ambiguous" in (parse_date("03/04/2027", order=None)[1] or "")
    assert parse_date("soon")[0] is None
    assert parse_date("1900-01-01")[1]  # not believable
    assert parse_date(dt.datetime(2027, 3, 12, 0, 0)) == (dt.date(2027, 3, 12), None)


def test_date_order_inferred_from_the_column(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "license_no,name,status,valid_until\n"
                 "1/LHR,A,valid,03/04/2027\n2/LHR,B,valid,25/12/2027\n")
    agencies, problems = read_agency_file(path)
    assert problems == []
    assert agencies[0].valid_until == dt.date(2027, 4, 3)  # day first, as 25/12 shows


def test_ambiguous_dates_without_evidence_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "license_no,name,status,valid_until\n"
                 "1/LHR,A,valid,03/04/2027\n2/LHR,B,valid,2027-05-06\n")
    (problem,) = problems_of(path)
    assert (problem.row, problem.column) == (2, "valid_until")
    assert "ambiguous" in problem.message


def test_bad_date_names_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "d.csv", "Licence No,Name of OEP,Status,Expiry Date\n"
                 "1/LHR,A,valid,2027-13-01\n2/LHR,B,valid,next year\n3/LHR,C,valid,2027-01-01\n")
    problems = problems_of(path)
    assert [(p.row, p.column) for p in problems] == [(2, "Expiry Date"), (3, "Expiry Date")]
    assert "YYYY-MM-DD" in str(problems[0])


# --- validation ----------------------------------------------------------------------------------
def test_bad_status_message_is_exact(tmp_path: Path) -> None:
    rows = [HEADER] + [f"{i:04d}/LHR,Agency {i},,,,,valid," for i in range(1, 13)]
    rows.append("0013/LHR,Agency 13,,,,,actve,")
    (problem,) = problems_of(write(tmp_path / "s.csv", "\n".join(rows) + "\n"))
    assert str(problem) == ("row 14, column 'status': 'actve' is not a known status. Use one of: "
                            "valid, suspended, cancelled, expired, surrendered, invalid, blacklisted")


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "\n".join([
        HEADER,
        ",No Number Overseas,,,,,valid,",          # 2: missing licence number
        "0002/LHR,,,,,,valid,",                     # 3: missing name
        "0003/LHR,Three,,,,,unknown,",              # 4: bad status
        "0004/LHR,Four,,,,,valid,31-31-2027",       # 5: bad date
        "0005/LHR,Five,,,,,valid,",                 # 6: fine
        "0005/LHR,Five again,,,,,valid,",           # 7: duplicate licence
        "0005/LHR,Five,,,,,valid,",                 # 8: exact copy of row 6
        "banana,Nine,,,,,valid,",                   # 9: not a licence number
        "0010/LHR,Ten,,,,,,",                       # 10: missing status
    ]) + "\n")
    agencies, problems = read_agency_file(path)
    got = [(p.row, p.column) for p in problems]
    assert got == [(2, "license_no"), (3, "name"), (4, "status"), (5, "valid_until"),
                   (7, "license_no"), (8, None), (9, "license_no"), (10, "status")]
    assert "also appears in row 6" in problems[4].message
    assert "exact copy of row 6" in problems[5].message
    assert [a.license_no for a in agencies] == ["0005/LHR"]


def test_missing_columns_one_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "Sr No,Name of OEP,Address,Phone\n1,A,B,0300-0012345\n")
    (problem,) = problems_of(path)
    assert problem.row == 1
    text = str(problem)
    assert "licence number" in text and "status" in text
    assert "'Sr No'" in text and "'Name of OEP'" in text and "'Phone'" in text


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    (p,) = problems_of(write(tmp_path / "e.csv", ""))
    assert "empty" in p.message
    (p,) = problems_of(write(tmp_path / "w.csv", "  \n\n"))
    assert "empty" in p.message
    (p,) = problems_of(write(tmp_path / "h.csv", HEADER + "\n"))
    assert "no agency rows" in p.message


def test_ten_thousand_character_cell(tmp_path: Path) -> None:
    long_name = "A" * 10_000
    path = write(tmp_path / "l.csv", f"{HEADER}\n0001/LHR,{long_name},,,,,valid,\n"
                 f"0002/LHR,Fine,,,,,valid,\n")
    agencies, problems = read_agency_file(path)
    (problem,) = problems
    assert (problem.row, problem.column) == (2, "name")
    assert "10,000 characters" in problem.message
    assert len(str(problem)) < 300
    assert [a.license_no for a in agencies] == ["0002/LHR"]


def test_name_without_letters(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", f"{HEADER}\n0001/LHR,😀😀,,,,,valid,\n0002/LHR,12345,,,,,valid,\n")
    problems = problems_of(path)
    assert [(p.row, p.column) for p in problems] == [(2, "name"), (3, "name")]
    assert "no letters" in problems[0].message


def test_control_characters(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", f"{HEADER}\n0001/LHR,Bad\x07Name,,,,,valid,\n"
                 "0002/LHR,Also\u202ebad,,,,,valid,\n0003/LHR,Null\x00,,,,,valid,\n"
                 "0004/LHR,\"Line\nbreak\",,,,,valid,\n")
    agencies, problems = read_agency_file(path)
    assert [(p.row, p.column) for p in problems] == [(2, "name"), (3, "name"), (4, "name")]
    assert "U+0007" in problems[0].message
    assert [a.name for a in agencies] == ["Line break"]  # a line break in a cell is white space


# --- encodings -----------------------------------------------------------------------------------
def test_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\n" + GOOD_ROWS[0] + "\n").encode())
    agencies, problems = read_agency_file(path)
    assert problems == [] and agencies[0].license_no == "1234/LHR"


def test_windows_1252(tmp_path: Path) -> None:
    text = "Licence No,Name of OEP,Proprietor,Status\r\n1234/LHR,Café Overseas,Mian’s Sons,valid\r\n"
    agencies, problems = read_agency_file(write(tmp_path / "w.csv", text, "cp1252"))
    assert problems == []
    assert (agencies[0].name, agencies[0].proprietor) == ("Café Overseas", "Mian’s Sons")


def test_utf16_tab_separated_unicode_text(tmp_path: Path) -> None:
    text = ("Licence No\tName of OEP\tProprietor\tStatus\tExpiry\r\n"
            "1234/LHR\tالفلاح اوورسیز\tمحمد اسلم\tValid\t12/03/2027\r\n"
            "0696/RWP\tShaheen Gulf\tKhalid\tExpired\t25/01/2024\r\n")
    path = tmp_path / "u16.txt"
    path.write_bytes(text.encode("utf-16"))  # with BOM, as Excel writes "Unicode text"
    agencies, problems = read_agency_file(path)
    assert problems == []
    assert agencies[0].name == "الفلاح اوورسیز"
    assert agencies[0].valid_until == dt.date(2027, 3, 12)
    path.write_bytes(text.encode("utf-16-le"))  # no BOM
    assert read_agency_file(path)[1] == []


def test_semicolon_separated(tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", "Licence No;Name of OEP;Status\n1234/LHR;A;valid\n")
    assert read_agency_file(path)[0][0].name == "A"


def test_undecodable_bytes_name_the_encodings(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(HEADER.encode() + b"\n0001/LHR,Bad \x81\x8d,,,,,valid,\n")
    (p,) = problems_of(path)
    assert "UTF-8, UTF-16 or Windows-1252" in p.message


@pytest.mark.parametrize(("magic", "word"), [(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
                                             (b"%PDF-1.4\n", "PDF")])
def test_unsupported_binary_formats(tmp_path: Path, magic: bytes, word: str) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(magic + b"\x00" * 100)
    (p,) = problems_of(path)
    assert word in p.message


# --- Excel -------------------------------------------------------------------------------------------
def _xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes.append(["This workbook lists OEPs"])
    ws = wb.create_sheet("OEPs")
    ws.append(["Bureau of Emigration & Overseas Employment"])
    ws.append([])
    ws.append(["S.No", "OEP License No", "Name of OEP", "Proprietor", "City", "Cell",
               "Status", "Valid Upto"])
    ws.append([1, "1234/LHR", "Al-Falah Overseas", "Aslam", "Lahore", 3000012345, "Valid",
               dt.datetime(2027, 3, 12)])
    ws.append([2, "0696/RWP", "Shaheen Gulf", "Khalid", "Rawalpindi", "0333-0001234",
               "SUSPENDED", "12-Mar-2028"])
    ws.append([3, "MPD/2671/LHR", "Al Hijaz", "Rashid", "Lahore", None, "cancelled", None])
    wb.save(path)
    return path


def test_xlsx_with_title_rows_date_cells_and_numeric_phone(tmp_path: Path) -> None:
    agencies, problems = read_agency_file(_xlsx(tmp_path / "oeps.xlsx"))
    assert problems == []
    assert [a.license_no for a in agencies] == ["1234/LHR", "0696/RWP", "MPD/2671/LHR"]
    assert agencies[0].valid_until == dt.date(2027, 3, 12)
    assert agencies[0].phone == "03000012345"  # Excel's dropped leading zero restored
    assert agencies[1].valid_until == dt.date(2028, 3, 12)


def test_xlsx_bad_rows_use_sheet_row_numbers(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "oeps.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["OEPs"]
    ws.append([4, "1234/LHR", "Copy", "x", "Lahore", None, "valid", None])  # row 7
    ws.append([5, "9/KHI", "Bad", "x", "Karachi", None, "open", None])      # row 8
    wb.save(path)
    problems = problems_of(path)
    assert [(p.row, p.column) for p in problems] == [(7, "OEP License No"), (8, "Status")]
    assert "row 4" in problems[0].message


def _patch_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size of `member` in the zip's local and central headers."""
    out = bytearray(data)
    name = member.encode()
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        if bytes(out[pos + 46:pos + 46 + name_len]) == name:
            struct.pack_into("<I", out, pos + 24, size)
            local = struct.unpack_from("<I", out, pos + 42)[0]
            struct.pack_into("<I", out, local + 22, size)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def test_zip_bomb_declared_size_refused_before_openpyxl(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = _xlsx(tmp_path / "bomb.xlsx")
    path.write_bytes(_patch_declared_size(path.read_bytes(), "xl/worksheets/sheet2.xml",
                                          4_000_000_000))
    assert path.stat().st_size < 20_000

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", boom)
    (p,) = problems_of(path)
    assert "zip bomb" in p.message and "sheet2.xml" in p.message


def test_zip_bomb_high_ratio_refused(tmp_path: Path) -> None:
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):
                fh.write(chunk)
    assert path.stat().st_size < 1_000_000
    (p,) = problems_of(path)
    assert "unsafe" in p.message


def test_zip_that_is_not_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    (p,) = problems_of(path)
    assert "not an Excel" in p.message


def test_damaged_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"garbage" * 10)
    (p,) = problems_of(path)
    assert "damaged" in p.message


# --- HTML --------------------------------------------------------------------------------------------
HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>List of OEPs</title></head>
<body>
<table class="nav"><tr><td><a href="/">Home</a></td><td><a href="/about">About</a></td>
<td>Contact</td><td>Status</td></tr></table>
<table id="search"><tr><th>Search</th><th>Name</th></tr><tr><td>x</td><td>y</td></tr></table>
<table id="list">
  <thead><tr><th>Sr.</th><th>Licence No</th><th>Licence Title</th><th>Proprietor</th>
  <th>Address</th><th>Phone No</th><th>City</th><th>Status</th><th>Expiry</th></tr></thead>
  <tbody>
  <tr><td>1</td><td>1234/LHR</td><td>Al-Falah <b>Overseas</b> Employment Promoters</td>
      <td>Aslam</td><td>Mall Road</td><td>0300-0012345</td><td>Lahore</td><td>Valid</td>
      <td>12-03-2027</td></tr>
  <tr><td>2</td><td>0696/RWP</td><td>Shaheen Gulf Manpower Services</td><td>Khalid</td>
      <td><table><tr><td>Murree</td><td>Road</td></tr></table></td><td>051-30001234</td>
      <td>Rawalpindi</td><td>Expired</td><td>25-01-2024</td></tr>
  <tr><td>3</td><td>2214/MLK</td><td>Swat Star Overseas</td><td>Gul</td><td>Mingora</td>
      <td></td><td>Malakand</td><td>surrendered</td><td></td></tr>
  </tbody>
</table>
<table class="footer"><tr><td>Copyright</td></tr></table>
</body></html>
"""


def test_html_page_picks_the_agency_table(tmp_path: Path) -> None:
    agencies, problems = read_agency_file(write(tmp_path / "page.html", HTML_PAGE))
    assert problems == []
    assert [a.license_no for a in agencies] == ["1234/LHR", "0696/RWP", "2214/MLK"]
    assert agencies[0].name == "Al-Falah Overseas Employment Promoters"
    assert agencies[1].address == "Murree Road"
    assert agencies[1].status is Status.EXPIRED
    assert agencies[0].valid_until == dt.date(2027, 3, 12)


def test_html_bad_row_numbers_count_table_rows(tmp_path: Path) -> None:
    page = HTML_PAGE.replace("<td>surrendered</td>", "<td>closed</td>")
    (p,) = problems_of(write(tmp_path / "page.htm", page))
    assert (p.row, p.column) == (4, "Status")


def test_html_without_agency_table(tmp_path: Path) -> None:
    (p,) = problems_of(write(tmp_path / "p.html", "<html><body><p>Nothing</p></body></html>"))
    assert "no table" in p.message


def test_html_saved_as_xls_is_read(tmp_path: Path) -> None:
    agencies, problems = read_agency_file(write(tmp_path / "list.xls", HTML_PAGE))
    assert problems == [] and len(agencies) == 3


# --- limits --------------------------------------------------------------------------------------------
def test_file_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 100)
    (p,) = problems_of(good_csv(tmp_path))
    assert "the limit is 100" in p.message


def test_row_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "MAX_ROWS", 2)
    (p,) = problems_of(good_csv(tmp_path))
    assert "more than 2 agency rows" in p.message


# --- load, provenance ---------------------------------------------------------------------------------
def test_load_without_provenance_is_not_official(tmp_path: Path) -> None:
    agencies = load_agency_list(good_csv(tmp_path))
    assert len(agencies.agencies) == 3
    assert agencies.provenance.demo is True
    assert "missing" in agencies.provenance.note
    assert agencies.list_date is None


def test_load_with_provenance(tmp_path: Path) -> None:
    path = good_csv(tmp_path, "agencies.csv")
    (tmp_path / "agencies.provenance.json").write_text(json.dumps(
        {"source": "https://beoe.gov.pk/list-of-oeps", "retrieved": "2026-11-01",
         "demo": False, "note": "saved by staff"}))
    lst = load_agency_list(path)
    assert lst.provenance.demo is False
    assert lst.list_date == dt.date(2026, 11, 1)
    assert lst.provenance.source == "https://beoe.gov.pk/list-of-oeps"


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", f"{HEADER}\n0001/LHR,,,,,,valid,\n0002/LHR,B,,,,,nope,\n")
    with pytest.raises(AgencyListError) as info:
        load_agency_list(path)
    assert len(info.value.problems) == 2
    assert info.value.report().count("\n") == 1
    assert info.value.report(limit=1).endswith("and 1 more problem(s)")


def test_unreadable_provenance_is_not_official(tmp_path: Path) -> None:
    path = good_csv(tmp_path, "agencies.csv")
    prov = tmp_path / "agencies.provenance.json"
    prov.write_text("{not json")
    assert load_agency_list(path).provenance.demo is True
    prov.write_text(json.dumps({"source": "x", "retrieved": "2026-11-01", "demo": "no"}))
    assert load_agency_list(path).provenance.demo is True


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AgencyListError) as info:
        load_agency_list(tmp_path / "nope.csv")
    assert "does not exist" in info.value.report()


def test_shipped_demo_list_loads_and_is_marked_demo() -> None:
    t0 = time.process_time()  # CPU, not wall time: the tests share the machine with other work
    lst = load_agency_list(ROOT / "content" / "agencies.csv")
    assert time.process_time() - t0 < 0.5
    assert lst.provenance.demo is True
    assert "NOT from" in lst.provenance.note and "invented" in lst.provenance.note
    assert len(lst.agencies) >= 2000
    assert {a.status for a in lst.agencies} == set(Status)
    names: dict[str, int] = {}
    for a in lst.agencies:
        names[a.name] = names.get(a.name, 0) + 1
    assert sum(1 for n in names.values() if n > 1) >= 20  # names shared by several agencies
    today = dt.date(2026, 11, 29)
    assert any(a.status is Status.VALID and a.valid_until and a.valid_until < today
               for a in lst.agencies)
    assert any(a.license_no.startswith("MPD/") for a in lst.agencies)


# --- import -------------------------------------------------------------------------------------------
def test_failed_import_leaves_dest_byte_identical(tmp_path: Path) -> None:
    dest = tmp_path / "agencies.csv"
    import_agency_file(good_csv(tmp_path, "src.csv"), dest, source="first", demo=True)
    before = dest.read_bytes()
    prov_before = (tmp_path / "agencies.provenance.json").read_bytes()
    bad = write(tmp_path / "bad.csv", f"{HEADER}\n0001/LHR,A,,,,,valid,\n0001/LHR,B,,,,,valid,\n")
    with pytest.raises(AgencyListError) as info:
        import_agency_file(bad, dest, source="second")
    assert "also appears in row 2" in info.value.report()
    assert dest.read_bytes() == before
    assert (tmp_path / "agencies.provenance.json").read_bytes() == prov_before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "agencies.csv", "agencies.provenance.json", "bad.csv", "src.csv"]


def test_good_import_writes_canonical_csv_and_provenance(tmp_path: Path) -> None:
    src = _xlsx(tmp_path / "beoe.xlsx")
    dest = tmp_path / "out" / "agencies.csv"
    summary = import_agency_file(src, dest)
    assert dest.read_text(encoding="utf-8").splitlines()[0] == HEADER
    prov = json.loads((tmp_path / "out" / "agencies.provenance.json").read_text())
    assert prov == {"source": "beoe.xlsx", "retrieved": dt.date.today().isoformat(),
                    "demo": False, "note": prov["note"]}
    lst = load_agency_list(dest)
    assert lst.provenance.demo is False
    assert [a.license_no for a in lst.agencies] == ["1234/LHR", "0696/RWP", "MPD/2671/LHR"]
    assert summary.rows == 3 and summary.added == 3 and summary.removed == 0
    # importing the written canonical file again is a no-op round trip
    before = dest.read_bytes()
    again = import_agency_file(dest, tmp_path / "copy.csv", source="x",
                               retrieved=dt.date(2026, 1, 2), demo=True)
    assert (tmp_path / "copy.csv").read_bytes() == before
    assert json.loads((tmp_path / "copy.provenance.json").read_text())["retrieved"] == "2026-01-02"
    assert again.demo is True


def test_import_summary_counts(tmp_path: Path) -> None:
    dest = tmp_path / "agencies.csv"
    import_agency_file(good_csv(tmp_path, "v1.csv"), dest)
    v2 = write(tmp_path / "v2.csv", "\n".join([
        HEADER,
        GOOD_ROWS[0].replace(",valid,", ",cancelled,"),   # status change
        GOOD_ROWS[1],                                     # unchanged
        "9999/KHI,New Agency Overseas,,,,,valid,",        # added
    ]) + "\n")                                            # MPD/2671/LHR removed
    summary = import_agency_file(v2, dest, source="https://beoe.gov.pk/list-of-oeps",
                                 retrieved=dt.date(2026, 11, 20))
    assert isinstance(summary, ImportSummary)
    assert (summary.rows, summary.added, summary.removed) == (3, 1, 1)
    assert summary.status_changes == [("1234/LHR", "valid", "cancelled")]
    text = summary.describe()
    assert "1 added, 1 removed, 1 status change" in text
    assert "1234/LHR: valid -> cancelled" in text
    assert "2026-11-20" in text and "official" in text


def test_import_warns_when_the_list_shrinks(tmp_path: Path) -> None:
    dest = tmp_path / "agencies.csv"
    rows = [HEADER] + [f"{i:04d}/LHR,Agency {i},,,,,valid," for i in range(1, 41)]
    import_agency_file(write(tmp_path / "big.csv", "\n".join(rows)), dest)
    summary = import_agency_file(good_csv(tmp_path, "small.csv"), dest)
    assert "WARNING" in summary.describe()


# --- the CLI --------------------------------------------------------------------------------------------
def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("AGENCIES_FILE", None)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_cli_import_ok_and_failure(tmp_path: Path) -> None:
    dest = tmp_path / "agencies.csv"
    ok = _cli("agencies", "import", str(write(tmp_path / "p.html", HTML_PAGE)),
              "--agencies", str(dest), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "Imported 3 agencies" in ok.stdout
    before = dest.read_bytes()
    bad = write(tmp_path / "bad.csv", "\n".join([
        "Licence No,Name of OEP,Status,Expiry", "1/LHR,A,valid,", "2/LHR,,valid,",
        "3/LHR,C,actve,", "4/LHR,D,valid,99-99-2027", "1/LHR,E,valid,"]) + "\n")
    fail = _cli("agencies", "import", str(bad), "--agencies", str(dest), cwd=tmp_path)
    assert fail.returncode == 1
    for needle in ("row 3, column 'Name of OEP'", "row 4, column 'Status'",
                   "row 5, column 'Expiry'", "row 6, column 'Licence No'", "NOT changed"):
        assert needle in fail.stderr
    assert dest.read_bytes() == before


# --- the demo generator -------------------------------------------------------------------------------
def test_generator_is_deterministic_and_valid(tmp_path: Path) -> None:
    a = make_demo_agencies.generate(500, 7)
    assert a == make_demo_agencies.generate(500, 7)
    assert a != make_demo_agencies.generate(500, 8)
    assert len({x.license_no for x in a}) == 500
    out = tmp_path / "x.csv"
    assert make_demo_agencies.main(["--rows", "1200", "--out", str(out), "--seed", "3"]) == 0
    lst = load_agency_list(out)
    assert len(lst.agencies) == 1200 and lst.provenance.demo is True


def test_shipped_list_matches_the_generator() -> None:
    shipped = (ROOT / "content" / "agencies.csv").read_bytes()
    generated = files.canonical_csv_bytes(make_demo_agencies.generate())
    assert shipped == generated


def test_plain_and_script_cells_are_cleaned_alike(tmp_path: Path) -> None:
    """The fast path for plain ASCII cells gives what the full cleaning gives."""
    path = write(tmp_path / "w.csv", f"{HEADER}\n"
                 '"0001/LHR","  Zed \t Two   Manpower ",,,,,valid,\n'
                 '"Lic. No. 2/lhr","Kaf\u00e9\u200b  Gulf",,,,,Active,31-12-2027\n'
                 '"LIC/0003/KAR","\u0627\u0644\u0641\u0644\u0627\u062d   Overseas",,,,,valid,\n')
    agencies, problems = read_agency_file(path)
    assert problems == []
    assert [(a.license_no, a.name) for a in agencies] == [
        ("0001/LHR", "Zed Two Manpower"), ("2/LHR", "Kaf\u00e9 Gulf"),
        ("0003/KAR", "\u0627\u0644\u0641\u0644\u0627\u062d Overseas")]
    assert agencies[1].valid_until == dt.date(2027, 12, 31)
