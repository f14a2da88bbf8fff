"""Safe CSV/XLSX export and tolerant import of simple tables, shared by every domain. Pure.

Export neutralizes formula injection (a leading ``'`` before = + - @ TAB CR) and writes
text cells for IDs, so NIP/phone leading zeros survive. Import undoes exactly that prefix,
so exported files re-import unchanged. Failures raise DomainError in Indonesian.
"""

import codecs
import csv
import io
import itertools
import math
import re
from contextlib import contextmanager
from datetime import date, datetime, time, timezone
from decimal import Decimal

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from bimtek.core.errors import DomainError
from bimtek.core.guards import check_table
from bimtek.core.limits import HEADER_ROWS_ALLOWANCE, ROSTER, BudgetExceeded, TableBudget
from bimtek.core.xlsx_guard import BrokenXlsx, check_xlsx, read_first_sheet
from bimtek.core.xlsx_text_cells import text_cell_worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITERS = (",", ";", "\t")
MAX_ROWS = ROSTER.max_rows
HEADER_SEARCH_ROWS = 10
MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH = 8, 60
TEXT_FORMAT = "@"
_PLAIN_NEGATIVE = re.compile(r"-[0-9]+(?:[.,][0-9]+)?")
_ESCAPED = FORMULA_TRIGGERS + ("'",)
_ZIP_MAGIC, _OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
_CSV_EXTS, _XLSX_EXTS = (".csv", ".txt", ".tsv"), (".xlsx", ".xlsm")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BINARY_MESSAGE = "Berkas tidak dapat dibaca sebagai CSV (berisi data biner). Unggah berkas .xlsx atau .csv."
_BROKEN_XLSX_MESSAGE = "Berkas Excel rusak atau tidak dapat dibaca. Simpan ulang dari Excel lalu unggah lagi."
_XLS_MESSAGE = "Format Excel lama (.xls) tidak didukung. Simpan ulang sebagai .xlsx atau .csv."


class Table(tuple):
    """(headers, rows): headers in file order, rows as (line number the user sees, {header: text}).

    Unpacks as a pair; ``header_line`` tells which line held the headers.
    """

    def __new__(cls, headers, rows, header_line=1):
        table = super().__new__(cls, (headers, rows))
        table.header_line = header_line
        return table

    @property
    def headers(self):
        return self[0]

    @property
    def rows(self):
        return self[1]


def neutralize_cell(value):
    """Prefix ' to text that a spreadsheet could run as a formula; numbers and plain "-5" stay as they are."""
    if not isinstance(value, str) or not value.startswith(_ESCAPED):
        return value
    if _PLAIN_NEGATIVE.fullmatch(value):
        return value
    return "'" + value


def unneutralize_cell(text):
    """Undo neutralize_cell: drop one leading ' that precedes a formula trigger or another '."""
    if isinstance(text, str) and len(text) > 1 and text[0] == "'" and text[1] in _ESCAPED:
        return text[1:]
    return text


def write_csv(headers, rows):
    """Return UTF-8 (with BOM, for Excel) comma-separated CSV bytes with CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_text(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(v) for v in _row_values(headers, row)])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def write_xlsx(headers, rows, sheet_title="Data"):
    """Return XLSX bytes: bold frozen header, fitted widths, text cells for strings, never formulas.

    XlsxWriter in constant-memory mode streams the rows (a list or any iterable) to a temporary file in one pass,
    with one shared text format for every string cell (openpyxl's write-only mode needs a styled cell object per
    value for that, about twice the time at 8,000 rows); its text cells are written by TextCellWorksheet (about
    twice as fast) when that writes the same bytes as the installed XlsxWriter (checked once per process); the
    widths are measured in the same pass, as XlsxWriter writes the columns only when the workbook closes."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False,
                                         "default_date_format": "yyyy-mm-dd hh:mm"})
    sheet = workbook.add_worksheet(_sheet_title(sheet_title), worksheet_class=text_cell_worksheet())
    text, bold = workbook.add_format({"num_format": TEXT_FORMAT}), workbook.add_format({"bold": True})
    sheet.freeze_panes(1, 0)
    for col, header in enumerate(headers):
        sheet.write_string(0, col, ILLEGAL_CHARACTERS_RE.sub("", neutralize_cell(str(header))), bold)
    row_count, widths = _write_rows(sheet, headers, rows, text)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH))
    if headers:
        sheet.autofilter(0, 0, row_count, len(headers) - 1)
    workbook.close()
    return out.getvalue()


def _write_rows(sheet, headers, rows, text):
    """Write the rows under the header; return (row count, widest text per column, headers included).

    The innermost loop of every export: plain strings, by far the most cells, take a short path that gives what
    _xlsx_value gives (ILLEGAL_CHARACTERS_RE only matches characters that are not printable)."""
    widths = [len(str(h)) for h in headers]
    write_string, write = sheet.write_string, sheet.write
    row_count = 0
    for row_count, row in enumerate(rows, start=1):
        for col, value in enumerate(_row_values(headers, row)):
            if value.__class__ is str:
                if value.startswith(_ESCAPED):
                    value = neutralize_cell(value)
                if not value.isprintable():
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                write_string(row_count, col, value, text)
                width = len(value)
            else:
                value = _xlsx_value(value)
                if isinstance(value, str):
                    write_string(row_count, col, value, text)
                elif value is not None:
                    write(row_count, col, value)
                width = len(str(value if value is not None else ""))
            if width > widths[col]:
                widths[col] = width
    return row_count, widths


def _xlsx_value(value):
    """Strings neutralized and cleaned of characters XML cannot hold; big ints as text; aware times as UTC."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 15:
        value = str(value)  # Excel keeps only 15 significant digits
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", neutralize_cell(value))
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    if isinstance(value, (int, float, Decimal, date, time, type(None))):
        return value
    return str(value)


def _row_values(headers, row):
    """A row given as a sequence or as a mapping keyed by header."""
    values = [row.get(h) for h in headers] if hasattr(row, "get") else list(row)
    if len(values) != len(headers):
        raise ValueError(f"row has {len(values)} values for {len(headers)} headers")
    return values


def _csv_text(value):
    value = neutralize_cell(value)
    if value is None:
        return ""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return str(value)


def _sheet_title(title):
    """Excel sheet names: max 31 chars, none of []:*?/\\."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", str(title or "")).strip()[:31]
    return cleaned or "Data"


def read_table(filename, data, find_header=None, max_rows=MAX_ROWS, budget: TableBudget = ROSTER):
    """Read .csv/.xlsx bytes into Table(headers, rows) or raise DomainError; header row per find_header(cells).

    The file must fit `budget` (rows, columns, cells, characters per cell), checked before the expensive work."""
    with _budget(filename):
        grid = _read_grid(filename, data, budget)
    header_index = _find_header(grid, find_header)
    line, cells = grid[header_index]
    headers = [h for h in cells if h]
    _check_headers(headers, line)
    rows = []
    for line, values in grid[header_index + 1:]:
        if not any(values):
            continue
        rows.append((line, {h: v for h, v in zip(cells, values) if h}))
        if len(rows) > max_rows:
            raise DomainError(f"Berkas berisi lebih dari {max_rows} baris data; pecah menjadi beberapa berkas.")
    return Table(headers, rows, header_line=grid[header_index][0])


@contextmanager
def _budget(filename):
    """A file over its budget: one message naming the file, row and column."""
    try:
        yield
    except BudgetExceeded as exc:
        raise DomainError(f"Berkas '{filename}' ditolak. {exc.message}.", line=exc.row, column=exc.column) from None


def _read_grid(filename, data, budget):
    """All rows as (line number, [clean text]) from either format."""
    if not data:
        raise DomainError("Berkas kosong.")
    ext = _extension(filename)
    if data.startswith(_OLE_MAGIC):
        raise DomainError(_XLS_MESSAGE)
    if data.startswith(_ZIP_MAGIC):
        return _xlsx_grid(data, budget)
    if ext in _XLSX_EXTS:
        raise DomainError("Berkas .xlsx rusak atau bukan berkas Excel. Simpan ulang dari Excel lalu unggah lagi.")
    return _csv_grid(data, budget)


def _extension(filename):
    name = str(filename or "").lower()
    ext = name[name.rfind("."):] if "." in name else ""
    if ext == ".xls":
        raise DomainError(_XLS_MESSAGE)
    if ext not in _CSV_EXTS + _XLSX_EXTS:
        raise DomainError(
            f"Jenis berkas '{filename}' tidak didukung. Unggah berkas .xlsx atau .csv.")
    return ext


def _find_header(grid, find_header):
    """Index of the header row in the grid."""
    candidates = [i for i, (_, cells) in enumerate(grid) if any(cells)]
    if not candidates:
        raise DomainError("Berkas tidak berisi data.")
    if find_header is None:
        return candidates[0]
    for i in candidates[:HEADER_SEARCH_ROWS]:
        if find_header(grid[i][1]):
            return i
    return candidates[0]  # let the caller report which headers are missing


def _check_headers(headers, line):
    seen = set()
    for header in headers:
        key = header.casefold()
        if key in seen:
            raise DomainError(f"Baris {line}: judul kolom '{header}' muncul lebih dari sekali.", line=line)
        seen.add(key)


def _csv_grid(data, budget):
    text = _decode(data)
    if _CONTROL_RE.search(text):
        raise DomainError(_BINARY_MESSAGE)
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:  # line numbers count records, as a spreadsheet shows them
        rows.extend(itertools.islice(reader, budget.max_rows + HEADER_ROWS_ALLOWANCE + 1))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # csv's own cap (131,072 characters) on one cell
            raise BudgetExceeded(f"isi sel terlalu panjang (maks. {budget.max_cell_chars} karakter)",
                                 len(rows) + 1) from None
        raise DomainError(f"Berkas CSV rusak: {exc}.") from None
    check_table(rows, budget)
    return [(line, [_clean(v) for v in row]) for line, row in enumerate(rows, start=1)]


def _decode(data):
    """UTF-16 with BOM; else UTF-8 (BOM optional), Windows-1252, Latin-1; NUL bytes mean binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DomainError(_BINARY_MESSAGE) from None
    if b"\x00" in data:
        raise DomainError(_BINARY_MESSAGE)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # never fails; leftover control characters are rejected later


def _xlsx_grid(data, budget):
    try:
        check_xlsx(data, budget)  # sizes, rows, columns, cell lengths: before the reader builds anything
        grid = [(line, [_clean(_cell_text(v)) for v in values])
                for line, values in enumerate(read_first_sheet(data), start=1)]
    except BrokenXlsx:
        raise DomainError(_BROKEN_XLSX_MESSAGE) from None
    check_table([cells for _, cells in grid], budget)  # a cell made of many short rich-text runs is seen here
    return grid


def _cell_text(value):
    """Cell value as the text a user typed: 42.0 -> "42", 1.98609262015051E+17 -> digits, dates ISO."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and math.isfinite(value):
        number = Decimal(repr(value))
        return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _clean(text):
    """Strip surrounding whitespace, then undo neutralization (so "'\t..." keeps its TAB)."""
    return unneutralize_cell(text.strip())
