"""Cheap checks of an .xlsx before openpyxl loads it. Pure.

First the zip directory (number of parts, declared unpacked sizes: zipfile never yields more than declared),
then one streaming pass over every XML part with expat that counts characters but never keeps a cell's
text: shared strings longer than the budget, cells and rows beyond it, and DTDs (entity bombs) are refused
here, naming row and column, before openpyxl builds a single string.
"""

import io
import re
import zipfile
from array import array
from xml.parsers import expat  # nosec B406  # DTDs are refused below (no entity expansion); text never kept

from bimtek.core.limits import (
    HEADER_ROWS_ALLOWANCE, XLSX_MAX_MEMBERS, XLSX_MAX_SHARED_STRINGS_BYTES, XLSX_MAX_UNPACKED_BYTES,
    XLSX_SCAN_CHUNK_BYTES, BudgetExceeded, TableBudget, thousands,
)

_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]")
_XML_STARTS = (b"<", b"\xef\xbb\xbf<", b"\xff\xfe<", b"\xfe\xff\x00<")
_TEXT_ELEMENTS = frozenset({"t", "v"})


class BrokenXlsx(Exception):
    """The archive or one of its XML parts cannot be read (the caller words the message)."""


def check_xlsx(data: bytes, budget: TableBudget) -> None:
    """Raise BudgetExceeded or BrokenXlsx unless the workbook fits the budget; cheap checks first."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = _xml_parts(archive)
            lengths = array("q")
            for info in sorted(parts, key=lambda item: parts[item] != "sst"):
                _scan(archive, info, parts[info], budget, lengths)
        check_shared_strings(lengths, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError) as exc:
        raise BrokenXlsx(str(exc)) from exc


def _xml_parts(archive):
    """{ZipInfo: root element name} of the XML parts, after the size checks on the zip directory."""
    infos = archive.infolist()
    if len(infos) > XLSX_MAX_MEMBERS:
        raise BudgetExceeded(f"arsip Excel berisi {thousands(len(infos))} bagian (maks. {XLSX_MAX_MEMBERS})")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise BudgetExceeded(f"isi berkas Excel terlalu besar setelah dibuka ({unpacked // 2**20} MB; "
                             f"maks. {XLSX_MAX_UNPACKED_BYTES // 2**20} MB)")
    parts = {}
    for info in infos:
        if info.is_dir():
            continue
        with archive.open(info) as member:
            head = member.read(512)
        if head.startswith(_XML_STARTS):
            parts[info] = _root_name(head)
    shared = [info for info, root in parts.items() if root == "sst"]
    for info in shared:
        if info.file_size > XLSX_MAX_SHARED_STRINGS_BYTES:
            raise BudgetExceeded(
                f"teks bersama (sharedStrings) terlalu besar setelah dibuka ({info.file_size // 2**20} MB; "
                f"maks. {XLSX_MAX_SHARED_STRINGS_BYTES // 2**20} MB)")
    return parts


def _root_name(head):
    """Local name of the first element ('' when not found in the first bytes)."""
    text = head.decode("utf-16") if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head
    if isinstance(text, str):
        text = text.encode("utf-8", "replace")
    for match in _ROOT.finditer(text):
        if text[match.start() + 1:match.start() + 2] not in (b"?", b"!"):
            return match.group(1).decode("ascii", "replace")
    return ""


def _scan(archive, info, root, budget, lengths):
    """Stream one XML part through expat; shared-string lengths are appended to `lengths`."""
    scanner = _Scanner(budget, lengths, shared=root == "sst", sheet=root == "worksheet")
    parser = scanner.parser()
    with archive.open(info) as member:
        try:
            while True:
                chunk = member.read(XLSX_SCAN_CHUNK_BYTES)
                parser.Parse(chunk, not chunk)
                if not chunk:
                    break
        except expat.ExpatError as exc:
            raise BrokenXlsx(f"{info.filename}: {exc}") from None


class _Scanner:
    """Expat handlers: count text per shared string or cell, rows and cell slots per sheet."""

    def __init__(self, budget, lengths, shared, sheet):
        self.budget, self.lengths, self.shared, self.sheet = budget, lengths, shared, sheet
        self.counting = False  # inside <t> or <v>
        self.text = 0  # characters of the current shared string or cell
        self.row = self.column = 0
        self.cells = 0
        self.ref_digits = None  # digits of a shared-string reference (<c t="s"><v>…)

    def parser(self):
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        parser.buffer_text = True
        return parser

    @staticmethod
    def _doctype(*_):
        raise BudgetExceeded("berkas Excel berisi deklarasi DTD/entitas yang tidak diizinkan")

    def _start(self, name, attrs):
        local = name.rpartition(":")[2]
        if local in _TEXT_ELEMENTS:
            self.counting = True
            if not (self.sheet or self.shared):
                self.text = 0  # comments, properties: each text on its own
        elif local == "c" and self.sheet:
            self._cell(attrs)
        elif local == "row" and self.sheet:
            self._row(attrs)
        elif local == "si":
            self.text = 0

    def _end(self, name):
        local = name.rpartition(":")[2]
        if local in _TEXT_ELEMENTS:
            self.counting = False
        elif local == "si" and self.shared:
            self.lengths.append(self.text)
        elif local == "c" and self.ref_digits is not None:
            self._shared_reference()

    def _data(self, text):
        if not self.counting:
            return
        self.text += len(text)
        if self.ref_digits is not None:
            self.ref_digits += text[:20]
        elif self.text > self.budget.max_cell_chars and not self.shared:
            self._too_long(self.text)

    def _row(self, attrs):
        number = attrs.get("r")
        self.row = int(number) if number and number.isdigit() else self.row + 1
        self.column = 0
        if self.row > self.budget.max_rows + HEADER_ROWS_ALLOWANCE:
            raise BudgetExceeded(f"berkas berisi lebih dari {thousands(self.budget.max_rows)} baris data; "
                                 "pecah menjadi beberapa berkas", self.row)

    def _cell(self, attrs):
        ref = attrs.get("r")
        column = _column_number(ref) if ref else self.column + 1
        self.cells += max(column - self.column, 1)
        self.column, self.text = column, 0
        if column > self.budget.max_columns:
            raise BudgetExceeded(f"terlalu banyak kolom (maks. {self.budget.max_columns})", self.row, column)
        if self.cells > self.budget.max_cells:
            raise BudgetExceeded(f"berkas berisi lebih dari {thousands(self.budget.max_cells)} sel", self.row)
        self.ref_digits = "" if attrs.get("t") == "s" else None

    def _shared_reference(self):
        digits, self.ref_digits = self.ref_digits.strip(), None
        index = int(digits) if digits.isdigit() else -1
        if 0 <= index < len(self.lengths) and self.lengths[index] > self.budget.max_cell_chars:
            self._too_long(self.lengths[index])

    def _too_long(self, length):
        raise BudgetExceeded(f"isi sel terlalu panjang ({thousands(length)} karakter; "
                             f"maks. {thousands(self.budget.max_cell_chars)})", self.row or None, self.column or None)


def check_shared_strings(lengths, budget):
    """Refuse over-long shared strings no cell refers to (checked after the sheets): openpyxl would load them."""
    longest = max(lengths, default=0)
    if longest > budget.max_cell_chars:
        raise BudgetExceeded(f"teks bersama ke-{list(lengths).index(longest) + 1} terlalu panjang "
                             f"({thousands(longest)} karakter; maks. {thousands(budget.max_cell_chars)})")


def _column_number(ref):
    """'AB12' -> 28 (0 when the reference has no letters)."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
    return number
