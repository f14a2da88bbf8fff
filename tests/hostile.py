"""Builders of hostile files, generated at run time (never committed): tiny on disk, huge when parsed.

Used by the regression tests, bench/hostile_files.py and the fuzz target. The XLSX parts are written by
hand with zipfile (streamed, so even a 45 MB shared string never sits in memory here).
"""

import io
import resource
import struct
import zipfile
import zlib
from contextlib import contextmanager
from xml.sax.saxutils import escape

ZOOM_HEADER = ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest"]
ROSTER_HEADER = ["Nama Lengkap", "Jabatan", "Instansi", "Kabupaten/Kota", "Provinsi", "Email", "No. HP"]
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {_NS} xmlns:r="{_REL_NS}">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def column_letter(index):
    """0-based column index -> Excel letters."""
    label, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(65 + rest) + label
    return label


def _write_chunks(archive, name, chunks):
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as out:
        for chunk in chunks:
            out.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)


def _write_parts(archive):
    """The fixed parts every workbook here shares (content types, relationships, workbook)."""
    for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS),
                       ("xl/workbook.xml", _WORKBOOK), ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)):
        archive.writestr(name, text)


def build_xlsx(header, rows, shared=(), shared_repeat=None):
    """An .xlsx with `header` (inline strings) and `rows` (iterable of lists of cells).

    A cell is a str (inline string) or ("s", index) for a reference to shared string `index`. `shared` lists
    the shared strings; `shared_repeat` = (text, times) writes one string of text*times without building it.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write_parts(archive)
        _write_chunks(archive, "xl/sharedStrings.xml", _shared_chunks(shared, shared_repeat))
        _write_chunks(archive, "xl/worksheets/sheet1.xml", _sheet_chunks(header, rows))
    return out.getvalue()


def _shared_chunks(shared, shared_repeat):
    count = len(shared) + (1 if shared_repeat else 0)
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst {_NS} count="{count}" uniqueCount="{count}">'
    if shared_repeat:
        text, times = shared_repeat
        yield "<si><t>"
        block = escape(text) * max(1, 65536 // max(1, len(text)))
        per_block = len(block) // len(escape(text))
        full, rest = divmod(times, per_block)
        for _ in range(full):
            yield block
        yield escape(text) * rest
        yield "</t></si>"
    for text in shared:
        yield f"<si><t>{escape(text)}</t></si>"
    yield "</sst>"


def _sheet_chunks(header, rows):
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS}><sheetData>'
    buffer = []
    for number, cells in enumerate([header, *rows] if header else rows, start=1):
        buffer.append(_row_xml(number, cells))
        if len(buffer) >= 2000:
            yield "".join(buffer)
            buffer = []
    yield "".join(buffer)
    yield "</sheetData></worksheet>"


def _row_xml(number, cells):
    parts = [f'<row r="{number}">']
    for index, cell in enumerate(cells):
        ref = f"{column_letter(index)}{number}"
        if isinstance(cell, tuple):
            parts.append(f'<c r="{ref}" t="s"><v>{cell[1]}</v></c>')
        elif cell != "":
            parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(cell))}</t></is></c>')
    parts.append("</row>")
    return "".join(parts)


def shared_string_bomb(string_chars, cells, header=ZOOM_HEADER, columns=None):
    """Finding 1/2: one shared string of `string_chars` characters referenced by `cells` cells."""
    columns = columns or len(header)
    rows = ([("s", 0)] * columns for _ in range(-(-cells // columns)))
    return build_xlsx(header, rows, shared_repeat=("Budi Santoso ", -(-string_chars // 13)))


def many_rows_xlsx(rows, header=ZOOM_HEADER):
    """Finding 3: an .xlsx of `rows` one-cell rows, written without cell references so that even a million
    rows stay under the 50 MB unpacked limit (33 bytes a row)."""
    def chunks():
        yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS}><sheetData>'
        yield _row_xml(1, header)
        block = '<row><c t="s"><v>0</v></c></row>' * 1000
        for _ in range(rows // 1000):
            yield block
        yield '<row><c t="s"><v>0</v></c></row>' * (rows % 1000)
        yield "</sheetData></worksheet>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive)
        archive.writestr("xl/sharedStrings.xml", f'<sst {_NS}><si><t>Budi</t></si></sst>')
        _write_chunks(archive, "xl/worksheets/sheet1.xml", chunks())
    return out.getvalue()


def dense_xlsx(rows, columns):
    """`rows` x `columns` one-character shared-string cells, without references (22 bytes a cell)."""
    def chunks():
        yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS}><sheetData>'
        row = "<row>" + '<c t="s"><v>0</v></c>' * columns + "</row>"
        for _ in range(rows // 100):
            yield row * 100
        yield row * (rows % 100)
        yield "</sheetData></worksheet>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive)
        archive.writestr("xl/sharedStrings.xml", f'<sst {_NS}><si><t>a</t></si></sst>')
        _write_chunks(archive, "xl/worksheets/sheet1.xml", chunks())
    return out.getvalue()


def sparse_row_xlsx(row_number):
    """A single cell far down: openpyxl yields every empty row above it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive)
        archive.writestr("xl/sharedStrings.xml", f'<sst {_NS}><si><t>x</t></si></sst>')
        archive.writestr("xl/worksheets/sheet1.xml", (
            f'<worksheet {_NS}><dimension ref="A1:XFD{row_number}"/><sheetData>'
            f'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
            f'<row r="{row_number}"><c r="XFD{row_number}" t="s"><v>0</v></c></row></sheetData></worksheet>'))
    return out.getvalue()


def wide_xlsx(rows, column="XFD"):
    """Rows whose only cell sits in column `column`: openpyxl pads every row to that width."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive)
        archive.writestr("xl/sharedStrings.xml", f'<sst {_NS}><si><t>x</t></si></sst>')
        body = "".join(f'<row r="{n}"><c r="{column}{n}" t="s"><v>0</v></c></row>' for n in range(1, rows + 1))
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet {_NS}><sheetData>{body}</sheetData></worksheet>')
    return out.getvalue()


def entity_bomb_xlsx():
    """Billion laughs in the shared-strings part."""
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
    ) + "]>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_parts(archive)
        archive.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?>{lol}<sst {_NS}><si><t>&lol9;</t></si></sst>')
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet {_NS}><sheetData><row r="1"><c r="A1" t="s"><v>0'
                                                     '</v></c></row></sheetData></worksheet>')
    return out.getvalue()


def zip_bomb_member(name="xl/worksheets/sheet1.xml", unpacked=200 * 1024 * 1024):
    """A zip whose one member unpacks to `unpacked` bytes of spaces (declared honestly)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write_chunks(archive, name, (b" " * (1 << 20) for _ in range(unpacked >> 20)))
    return out.getvalue()


def csv_long_cells(cell_chars, rows, header=ZOOM_HEADER):
    """A CSV whose data cells are each `cell_chars` characters long."""
    cell = "x" * cell_chars
    lines = [",".join(header)] + [",".join([cell] * len(header))] * rows
    return ("\r\n".join(lines) + "\r\n").encode()


def deep_json(depth):
    """A JSON value nested `depth` levels deep."""
    return ('{"participants": ' + "[" * depth + "]" * depth + "}").encode()


def wide_json(values):
    """A JSON participants page with `values` tiny values."""
    return ('{"participants": [' + ",".join(["{}"] * values) + "]}").encode()


# --- PDFs ------------------------------------------------------------------------------------------------

def _pdf(objects, root=1):
    """Serialise numbered objects (bytes bodies, 1-based) into a PDF with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def pdf_flate_bomb(unpacked=300 * 1024 * 1024, text=b"BT /F1 12 Tf 10 10 Td (SERT-0001) Tj ET\n"):
    """One page whose content stream inflates to `unpacked` bytes (spaces after a short text)."""
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(text)]
    block = b" " * (1 << 20)
    for _ in range(unpacked >> 20):
        chunks.append(compressor.compress(block))
    chunks.append(compressor.flush())
    stream = b"".join(chunks)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >>"
        b" >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        font,
    ])


def pdf_many_pages(pages):
    """A PDF with `pages` empty pages in one flat page tree."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"] * pages
    return _pdf(objects)


def pdf_deep_nesting(depth):
    """A one-page PDF whose page dictionary holds an array nested `depth` levels deep."""
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Deep " + b"[" * depth + b"]" * depth + b" >>",
    ])


# --- images ------------------------------------------------------------------------------------------------

def png_header_only(width, height):
    """A PNG that declares width x height pixels (one empty IDAT): decoding it would allocate w*h bytes."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def png_pixel_bomb(side):
    """A real grey PNG of side x side zero pixels (compresses ~1000:1)."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()

    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


# --- memory ceiling ----------------------------------------------------------------------------------------

@contextmanager
def memory_ceiling(extra_bytes):
    """Let the block grow the address space by at most `extra_bytes` (RLIMIT_AS, Linux): a regression shows
    as MemoryError in the test instead of eating the machine. The soft limit is restored afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    current = _address_space()
    ceiling = current + extra_bytes
    if current == 0 or (hard != resource.RLIM_INFINITY and ceiling > hard):
        yield  # no /proc or a lower hard limit already: nothing to add
        return
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space():
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
