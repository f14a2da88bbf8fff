"""Cheap checks of an .xlsx before a reader loads it. Pure.

First the zip directory (number of parts, declared unpacked sizes: zipfile never yields more than declared),
then the shared strings streamed through expat, counting characters without keeping them, then each sheet
with C-level regex passes: rows, width, text nodes and references to long shared strings. Refused here,
naming row and column: what would make the reader build gigabytes (finding 12.1: one 45 MB shared string in
10,000 cells) or run for minutes (a million rows, a cell in column XFD that pads every row), and DTDs.
"""

import io
import re
import zipfile
from array import array
from html import unescape
from itertools import repeat
from xml.parsers import expat  # nosec B406  # DTDs are refused below (no entity expansion); text never kept

from bimtek.core.guards import check_row_count
from bimtek.core.limits import (
    XLSX_MAX_MEMBERS,
    XLSX_MAX_SHARED_STRINGS_BYTES,
    XLSX_MAX_UNPACKED_BYTES,
    XLSX_SCAN_CHUNK_BYTES,
    BudgetExceeded,
    TableBudget,
    thousands,
)

# Parts that would make the reader take the file for .xlsb or .ods (formats these checks do not cover).
_OTHER_FORMATS = frozenset({"xl/workbook.bin", "content.xml", "mimetype"})
_BINARY_SHEET = re.compile(r"xl/(worksheets/.*|sharedStrings)\.bin$", re.I)
_XML_STARTS = (b"<", b"\xef\xbb\xbf<", b"\xff\xfe<", b"\xfe\xff\x00<")
# Patterns start with a literal ("<row", "<c") so that re can skip ahead fast; namespace prefixes are
# removed from the sheet first (`_unprefixed`).
_ROW_NUMBER = re.compile(rb"<row\s[^>]*?\br=\"(\d{1,9})\"")
_CELL_REF = re.compile(rb"<c\s[^>]*?\br=\"([A-Za-z]{1,7})(\d{0,9})\"")
_CELL_LETTERS = re.compile(rb"<c\s[^>]*?\br=\"([A-Za-z]{1,7})")
_CELL_ROW = re.compile(rb"<c\s[^>]*?\br=\"[A-Za-z]{1,7}(\d{1,9})\"")
_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*):worksheet[\s>]")
_SHARED_CELL = re.compile(rb"<c\b([^>]*)>\s*<v>\s*(\d{1,9})\s*<")


class BrokenXlsx(Exception):
    """The archive or one of its XML parts cannot be read (the caller words the message)."""


def check_xlsx(data: bytes, budget: TableBudget) -> None:
    """Raise BudgetExceeded or BrokenXlsx unless the workbook fits the budget; cheap checks first."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = _xml_parts(archive)
            lengths = array("q")
            for info in (info for info, root in parts.items() if root == "sst"):
                _scan(archive, info, lengths)
            long_ones = {index for index, length in enumerate(lengths) if length > budget.max_cell_chars}
            for info in (info for info, root in parts.items() if root == "worksheet"):
                _check_sheet(_read_xml(archive, info), budget, lengths, long_ones)
            _refuse_unreferenced(long_ones, lengths, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError, UnicodeError) as exc:
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
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names or names & _OTHER_FORMATS or any(_BINARY_SHEET.match(n) for n in names):
        raise BrokenXlsx("not an .xlsx workbook (no xl/workbook.xml, or .xlsb/.ods parts)")
    parts = {info: root for info in infos if not info.is_dir() for root in [_root_name(archive, info)] if root}
    for info, root in parts.items():
        if root == "sst" and info.file_size > XLSX_MAX_SHARED_STRINGS_BYTES:
            raise BudgetExceeded(
                f"teks bersama (sharedStrings) terlalu besar setelah dibuka ({info.file_size // 2**20} MB; "
                f"maks. {XLSX_MAX_SHARED_STRINGS_BYTES // 2**20} MB)")
    return parts


class _Root(Exception):
    """Stops expat at the first element: its local name."""


def _root_name(archive, info):
    """Local name of the part's first element ('' for parts that are not XML); expat skips comments and
    processing instructions of any length, and a DOCTYPE (only allowed before the root) is refused."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _Scanner.doctype
    parser.StartElementHandler = _stop_at_root
    with archive.open(info) as member:
        head = member.read(512)
        if not head.startswith(_XML_STARTS):
            return ""
        try:
            chunk = head
            while chunk:
                parser.Parse(chunk, False)
                chunk = member.read(XLSX_SCAN_CHUNK_BYTES)
        except _Root as found:
            return str(found)
        except expat.ExpatError:
            raise BrokenXlsx(f"{info.filename}: XML rusak") from None
    return ""


def _stop_at_root(name, attrs):
    raise _Root(name.rpartition(":")[2])


def _scan(archive, info, lengths):
    """Stream the shared-strings part through expat; the length of every string is appended to `lengths`."""
    scanner = _Scanner(lengths)
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
    """Expat handlers that add up the characters of each shared string (<si>) without keeping them."""

    def __init__(self, lengths):
        self.lengths = lengths
        self.counting = False  # inside <t>
        self.text = 0

    def parser(self):
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        parser.buffer_text = True
        return parser

    @staticmethod
    def doctype(*_):
        raise BudgetExceeded("berkas Excel berisi deklarasi DTD/entitas yang tidak diizinkan")

    def _start(self, name, attrs):
        local = name.rpartition(":")[2]
        if local == "t":
            self.counting = True
        elif local == "si":
            self.text = 0

    def _end(self, name):
        local = name.rpartition(":")[2]
        if local == "t":
            self.counting = False
        elif local == "si":
            self.lengths.append(self.text)

    def _data(self, text):
        if self.counting:
            self.text += len(text)


def _read_xml(archive, info):
    """A worksheet part as UTF-8 bytes (its size was bounded by the zip directory check)."""
    with archive.open(info) as member:
        xml = member.read()
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff"):
        xml = xml.decode("utf-16").encode("utf-8")
    return _unprefixed(xml)


def _check_sheet(xml, budget, lengths, long_ones):
    """Rows, width, long text and references to long shared strings of one sheet, with C-level regex passes
    (the reader pads every row to the widest, so rows x width is what it will build)."""
    rows, width = _sheet_shape(xml, budget)
    if width > budget.max_columns:
        raise BudgetExceeded(f"terlalu banyak kolom (maks. {budget.max_columns})", *_first_cell_beyond(xml, budget))
    if rows * width > budget.max_xlsx_cells:
        raise BudgetExceeded(f"berkas Excel berisi lebih dari {thousands(budget.max_xlsx_cells)} sel "
                             f"({thousands(rows)} baris × {thousands(width)} kolom); simpan sebagai CSV "
                             "atau pecah menjadi beberapa berkas")
    _check_long_text(xml, budget)
    _check_shared_references(xml, budget, lengths, long_ones)


def _sheet_shape(xml, budget):
    """(rows, widest row) from row/cell tags and references, a chunk of whole rows at a time (no big lists);
    refuses as soon as the rows exceed the budget."""
    rows = numbered = width = 0
    for chunk in _row_chunks(xml):
        rows += chunk.count(b"<row>") + chunk.count(b"<row ")
        numbered = max(numbered, max(map(int, _ROW_NUMBER.findall(chunk)), default=0),
                       max(map(int, _CELL_ROW.findall(chunk)), default=0))  # the reader places cells by them
        check_row_count(max(rows, numbered), budget)
        letters = _CELL_LETTERS.findall(chunk)
        width = max(width, max(map(_column_number, set(letters)), default=0))
        if chunk.count(b"<c") > len(letters):  # cells without r="…" follow each other: count them per row
            width = max(width, max(map(bytes.count, chunk.split(b"</row>"), repeat(b"<c")), default=0))
    return max(rows, numbered), width


def _unprefixed(xml):
    """The sheet without its namespace prefix (<x:row> -> <row>), so the patterns stay literal."""
    match = _PREFIX.search(xml, 0, 4096)
    if not match:
        return xml
    prefix = match.group(1)
    return xml.replace(b"<" + prefix + b":", b"<").replace(b"</" + prefix + b":", b"</")


def _row_chunks(xml, size=XLSX_SCAN_CHUNK_BYTES):
    """Pieces of about `size` bytes that end after a closing row tag."""
    start = 0
    while start < len(xml):
        end = xml.find(b"row>", start + size)
        end = len(xml) if end < 0 else end + 4
        yield xml[start:end]
        start = end


def _first_cell_beyond(xml, budget):
    """(row, column) of the first cell reference past max_columns, for the message."""
    for match in _CELL_REF.finditer(xml):
        column = _column_number(match.group(1))
        if column > budget.max_columns:
            return int(match.group(2) or 0) or None, column
    return None, budget.max_columns + 1


def _check_long_text(xml, budget):
    """Any text node longer than max_cell_chars (a run without '<' of at least that many bytes is a candidate;
    UTF-8 and entities make bytes >= characters, so it is measured exactly before refusing)."""
    for match in re.finditer(rb">([^<]{%d,})" % (budget.max_cell_chars + 1), xml):
        length = len(unescape(match.group(1).decode("utf-8", "replace")))
        if length > budget.max_cell_chars:
            raise BudgetExceeded(f"isi sel terlalu panjang ({thousands(length)} karakter; "
                                 f"maks. {thousands(budget.max_cell_chars)})", *_cell_before(xml, match.start()))


def _check_shared_references(xml, budget, lengths, long_ones):
    """Refuse the first cell referring to a shared string longer than the budget."""
    if not long_ones:
        return
    for match in _SHARED_CELL.finditer(xml):
        index = int(match.group(2))
        if index in long_ones and b't="s"' in match.group(1):
            raise BudgetExceeded(f"isi sel terlalu panjang ({thousands(lengths[index])} karakter; "
                                 f"maks. {thousands(budget.max_cell_chars)})", *_cell_before(xml, match.end()))


def _cell_before(xml, position):
    """(row, column) of the cell whose start tag precedes `position` (None, None when unknown)."""
    match = _CELL_REF.search(xml, max(0, xml.rfind(b"<c ", 0, position)), position)
    if not match:
        return None, None
    return int(match.group(2) or 0) or None, _column_number(match.group(1))


def _refuse_unreferenced(long_ones, lengths, budget):
    """Long shared strings no cell refers to: the reader would still load them."""
    if long_ones:
        index = min(long_ones)
        raise BudgetExceeded(f"teks bersama ke-{index + 1} terlalu panjang ({thousands(lengths[index])} karakter; "
                             f"maks. {thousands(budget.max_cell_chars)})")


def _column_number(ref):
    """b'AB' or 'AB12' -> 28 (0 when the reference has no letters)."""
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    number = 0
    for char in ref.upper():
        if not "A" <= char <= "Z":
            break
        number = number * 26 + ord(char) - 64
    return number


def read_first_sheet(data: bytes) -> list:
    """Cell values of the first sheet, rows padded to the widest (python-calamine: Rust, ~10x openpyxl's
    speed). Call check_xlsx first: the reader copies a shared string into every cell that refers to it."""
    from python_calamine import CalamineError, CalamineWorkbook  # local import: only for Excel uploads

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            return []
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, TypeError, OSError, IndexError) as exc:
        raise BrokenXlsx(str(exc)) from exc
