"""Budgets for reading user files: every parser checks these before doing expensive work. Pure.

One place for the numbers, so the README, the tests, the fuzz target and the bench all agree. The caps sit
far above what real exports contain (a Zoom log of a 3-day, 1,000-person training has ~30,000 rows of 8 short
cells) and far below what a crafted file can make a parser do (finding 12: an 86 KB .xlsx whose one 45 MB
shared string filled 10,000 cells took 17 GB).
"""

from dataclasses import dataclass

from bimtek.core.errors import DomainError

MB = 1024 * 1024

# --- containers (.xlsx/.docx are zip archives) ------------------------------------------------------------
XLSX_MAX_UNPACKED_BYTES = 50 * MB        # all members together, as declared in the zip directory
XLSX_MAX_SHARED_STRINGS_BYTES = 20 * MB  # the shared-strings part alone (unique texts of the workbook)
XLSX_MAX_MEMBERS = 1_000                 # a real workbook has a few dozen parts
XLSX_SCAN_CHUNK_BYTES = 256 * 1024       # zip members are streamed through the XML scanner in chunks

# Excel's own limit for one cell; no real export holds longer text.
EXCEL_MAX_CELL_CHARS = 32_767


@dataclass(frozen=True)
class TableBudget:
    """How big a table read from one uploaded file may be (rows below the header, columns, cells, cell text)."""

    max_rows: int
    max_columns: int
    max_cells: int
    max_cell_chars: int
    max_xlsx_cells: int  # rows x widest row of a sheet; reading XLSX costs ~3 us a cell, CSV far less


# Title rows above the header (Zoom meeting block, Teams summary) are not data rows but are still rows.
HEADER_ROWS_ALLOWANCE = 100

# Attendance logs (Zoom/Teams/Meet CSV, XLSX). The Meet extension grid has one column per snapshot.
ATTENDANCE_LOG = TableBudget(max_rows=200_000, max_columns=1_000, max_cells=3_000_000, max_cell_chars=2_000,
                             max_xlsx_cells=600_000)
# Roster import (daftar peserta): the longest field is Instansi (300 characters), e-mail at most 254.
ROSTER = TableBudget(max_rows=20_000, max_columns=100, max_cells=1_000_000, max_cell_chars=1_000,
                     max_xlsx_cells=300_000)

# --- JSON (Zoom API participants) -------------------------------------------------------------------------
JSON_MAX_DEPTH = 20          # a participants page is 3 levels deep
JSON_MAX_VALUES = 2_000_000  # upper bound of values (commas + 1): ~12 per participant record

# --- PDF (signed certificates from TTE, uploads on the public verify page) --------------------------------
PDF_MAX_PAGES = 20                       # a certificate has one or two pages
PDF_MAX_OBJECTS = 20_000                 # a signed certificate has a few hundred objects
PDF_MAX_SIGNATURES = 10                  # a certificate carries one signature, perhaps a counter-signature or two
# One stream after decompression. pypdf walks a content stream at ~0.3 s per MB, so this also bounds time.
PDF_MAX_DECODED_STREAM_BYTES = 2 * MB
PDF_TEXT_PAGES = 2                       # text is read (to find number and TTE footer) from the first pages only
PDF_MAX_TEXT_CHARS = 200_000             # extracted text kept for matching
PDF_MAX_ARRAY_ITEMS = 10_000             # items of one array or dictionary (pypdf's default is 100,000)

# --- images (signature and stamp) ------------------------------------------------------------------------
IMAGE_MAX_SIDE = 4_000
IMAGE_MAX_PIXELS = IMAGE_MAX_SIDE * IMAGE_MAX_SIDE

# --- messages ---------------------------------------------------------------------------------------------
QUOTE_MAX_CHARS = 60  # user text quoted back in an error message is cut to this length


def quote(text, limit=QUOTE_MAX_CHARS):
    """User text for an error message: one line, at most `limit` characters (then '…')."""
    text = str(text if text is not None else "")
    if len(text) > 4 * limit:
        text = text[:4 * limit]  # cheap cut first: the text may be megabytes long
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def thousands(number):
    """1234567 -> '1.234.567' (Indonesian digit grouping)."""
    return f"{number:,}".replace(",", ".")


def column_label(index):
    """1-based column number as Excel shows it: 1 -> 'A', 28 -> 'AB'."""
    label = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        label = chr(65 + rest) + label
    return label or "?"


class BudgetExceeded(DomainError):
    """A file is bigger or more complex than its budget allows; `problem` is Indonesian, row/column 1-based."""

    def __init__(self, problem, row=None, column=None):
        where = ", ".join(part for part in (
            f"baris {row}" if row else "", f"kolom {column_label(column)}" if column else "") if part)
        text = f"{where}: {problem}" if where else problem
        super().__init__(text[:1].upper() + text[1:],
                         line=row, column=column)
        self.problem, self.row, self.column = problem, row, column
