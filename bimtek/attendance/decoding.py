"""Turn uploaded bytes into a Source: decoded text split into rows (CSV/TSV/xlsx) or parsed JSON (pure)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from bimtek.attendance.segments import LogFormatError

EXPECTED_LOG = "laporan peserta Zoom, Teams atau Google Meet (CSV, XLSX atau JSON)"
_XLSX_MAGIC = b"PK\x03\x04"
MAX_XLSX_UNPACKED = 50 * 1024 * 1024
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


def load_source(filename: str, data: bytes) -> Source:
    """Read bytes of any supported container into a Source; raise LogFormatError if unreadable."""
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
    try:
        rows = list(reader)
    except csv.Error:
        rows = None
    if rows is not None and reader.line_num == len(rows):
        lines = list(range(1, len(rows) + 1))  # fast path: one physical line per row
    else:
        rows, lines = _rows_with_lines(filename, text, delimiter)
    if rows and rows[0]:
        rows[0][0] = rows[0][0].lstrip("\ufeff")
    return Source(filename, rows=rows, lines=lines, delimiter=delimiter)


def _rows_with_lines(filename: str, text: str, delimiter: str) -> tuple[list, list]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, lines = [], []
    previous = 0
    try:
        for row in reader:
            rows.append(row)
            lines.append(previous + 1)
            previous = reader.line_num
    except csv.Error as exc:
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
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        value = _json_lines(filename, text)
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
    import openpyxl  # local import: only needed for Excel uploads

    _check_unpacked_size(filename, data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many kinds on foreign zips
        raise LogFormatError(filename, 1, "berkas Excel tidak dapat dibaca", EXPECTED_LOG) from exc
    while rows and not any(rows[-1]):
        rows.pop()
    if rows and rows[0]:
        rows[0][0] = rows[0][0].lstrip("\ufeff")
    return Source(filename, rows=rows, lines=list(range(1, len(rows) + 1)))


def _check_unpacked_size(filename: str, data: bytes) -> None:
    """Refuse archives that unpack to more than MAX_XLSX_UNPACKED bytes (zip bombs) before openpyxl sees them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise LogFormatError(filename, 1, "berkas Excel rusak atau terpotong", EXPECTED_LOG) from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise LogFormatError(filename, 1, f"isi berkas Excel terlalu besar setelah dibuka ({unpacked // 2**20} MB)",
                             "laporan kehadiran biasa (paling banyak 50 MB setelah dibuka)")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
