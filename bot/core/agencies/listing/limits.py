"""How much input the agency-list reader accepts: file, row, cell and .xlsx zip-bomb limits."""

from __future__ import annotations

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
