"""Turn uploaded bytes into a Source: decoded text split into rows (CSV/TSV/xlsx) or parsed JSON (pure)."""

from __future__ import annotations

import csv
import io
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice

from bimtek.attendance.segments import LogFormatError
from bimtek.core.guards import check_json_text, check_json_value, check_table
from bimtek.core.limits import ATTENDANCE_LOG, HEADER_ROWS_ALLOWANCE, BudgetExceeded, column_label, thousands
from bimtek.core.xlsx_guard import BrokenXlsx, check_xlsx, read_first_sheet

EXPECTED_LOG = "laporan peserta Zoom, Teams atau Google Meet (CSV, XLSX atau JSON)"
EXPECTED_SIZE = (f"laporan kehadiran biasa: paling banyak {thousands(ATTENDANCE_LOG.max_rows)} baris, "
                 f"{thousands(ATTENDANCE_LOG.max_columns)} kolom dan {thousands(ATTENDANCE_LOG.max_cell_chars)} "
                 "karakter per sel")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


@dataclass
class Source:
    """A decoded upload: either `rows` (+ 1-based `lines`) or a parsed `json` value."""

    filename: str
    rows: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    json: object = None
    is_json: bool = False
    delimiter: str = ","

    def line_of(self, index: int) -> int:
        """Line number (as the user sees it) of row `index`."""
        return self.lines[index] if 0 <= index < len(self.lines) else index + 1


def decode_text(data: bytes) -> str:
    """Decode by BOM (UTF-8, UTF-16 LE/BE), then UTF-16 without BOM, UTF-8, cp1252, latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    guessed = _guess_utf16(data[:4000])
    for encoding in (guessed, "utf-8", "cp1252"):
        if encoding:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    return data.decode("latin-1")


def _guess_utf16(head: bytes) -> str | None:
    if len(head) < 4 or head.count(0) < len(head) // 4:
        return None
    even_zero = head[0::2].count(0)
    odd_zero = head[1::2].count(0)
    if odd_zero > 2 * even_zero:
        return "utf-16-le"
    if even_zero > 2 * odd_zero:
        return "utf-16-be"
    return None


@contextmanager
def _budget(filename: str):
    """Turn a BudgetExceeded into the package's LogFormatError (file, line, column named)."""
    try:
        yield
    except BudgetExceeded as exc:
        column = column_label(exc.column) if exc.column else None
        raise LogFormatError(filename, exc.row or 1, exc.problem, EXPECTED_SIZE, column) from None


def load_source(filename: str, data: bytes) -> Source:
    """Read bytes of any supported container into a Source within ATTENDANCE_LOG; else LogFormatError."""
    with _budget(filename):
        return _load_source(filename, data)


def _load_source(filename: str, data: bytes) -> Source:
    if data.startswith(_XLS_MAGIC):
        raise LogFormatError(filename, 1, "berkas Excel lama (.xls) tidak didukung",
                             "simpan ulang sebagai .xlsx atau CSV")
    if data.startswith(_XLSX_MAGIC):
        return _load_xlsx(filename, data)
    text = decode_text(data)
    if "\x00" in text:
        raise LogFormatError(filename, 1, "berkas biner, bukan teks", EXPECTED_LOG)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        return _load_json(filename, stripped)
    return table_from_text(filename, text)


def table_from_text(filename: str, text: str) -> Source:
    """Split CSV/TSV text into rows, keeping each row's first physical line number."""
    text = text.lstrip("\ufeff")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    limit = ATTENDANCE_LOG.max_rows + HEADER_ROWS_ALLOWANCE
    try:
        rows = list(islice(reader, limit + 1))
    except csv.Error:
        rows = None
    if rows is not None and reader.line_num == len(rows):
        lines = list(range(1, len(rows) + 1))  # fast path: one physical line per row
    else:
        rows, lines = _rows_with_lines(filename, text, delimiter)
    with _budget(filename):
        check_table(rows, ATTENDANCE_LOG, lines)
    if rows and rows[0]:
        rows[0][0] = rows[0][0].lstrip("\ufeff")
    return Source(filename, rows=rows, lines=lines, delimiter=delimiter)


def _rows_with_lines(filename: str, text: str, delimiter: str) -> tuple[list, list]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, lines = [], []
    previous = 0
    limit = ATTENDANCE_LOG.max_rows + HEADER_ROWS_ALLOWANCE
    try:
        for row in islice(reader, limit + 1):
            rows.append(row)
            lines.append(previous + 1)
            previous = reader.line_num
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # csv's own cap (131,072 characters) on one cell
            problem = f"isi sel terlalu panjang (maks. {thousands(ATTENDANCE_LOG.max_cell_chars)} karakter)"
            raise LogFormatError(filename, previous + 1, problem, EXPECTED_SIZE) from exc
        raise LogFormatError(filename, previous + 1, f"CSV rusak ({exc})", EXPECTED_LOG) from exc
    return rows, lines


def sniff_delimiter(text: str) -> str:
    """Tab if early lines hold several tabs, semicolon if it beats comma, else comma."""
    head = text[:8000].splitlines()[:30]
    if any(line.count("\t") >= 2 for line in head):
        return "\t"
    semis = sum(line.count(";") for line in head)
    commas = sum(line.count(",") for line in head)
    return ";" if semis > commas else ","


def _load_json(filename: str, text: str) -> Source:
    check_json_text(text)
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        value = _json_lines(filename, text)
    check_json_value(value, ATTENDANCE_LOG)
    return Source(filename, json=value, is_json=True)


def _json_lines(filename: str, text: str) -> list:
    pages = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            pages.append(json.loads(line))
        except (ValueError, RecursionError) as exc:
            raise LogFormatError(filename, number, "JSON tidak valid",
                                 "respons API Zoom (report participants)") from exc
    return pages


def _load_xlsx(filename: str, data: bytes) -> Source:
    try:
        check_xlsx(data, ATTENDANCE_LOG)  # sizes, rows, columns, cell lengths: before the reader builds anything
        rows = [[value.strip() if type(value) is str else _cell_text(value) for value in row]  # noqa: E721
                for row in read_first_sheet(data)]
    except BrokenXlsx as exc:
        raise LogFormatError(filename, 1, "berkas Excel rusak atau tidak dapat dibaca", EXPECTED_LOG) from exc
    while rows and not any(rows[-1]):
        rows.pop()
    _pad(rows)
    check_table(rows, ATTENDANCE_LOG)  # a cell made of many short rich-text runs is only seen whole here
    if rows and rows[0]:
        rows[0][0] = rows[0][0].lstrip("\ufeff")
    return Source(filename, rows=rows, lines=list(range(1, len(rows) + 1)))


def _pad(rows: list) -> None:
    """Pad rows to the widest one (within the budget), as Excel shows the sheet."""
    width = max(map(len, rows), default=0)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))


def _cell_text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, timedelta):  # a duration cell ("1:02:03")
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return str(value).strip()
