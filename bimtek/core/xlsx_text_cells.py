"""An XlsxWriter worksheet that writes plain formatted text cells faster, byte for byte as XlsxWriter does. Pure.

In constant-memory mode XlsxWriter spends about 4 µs of Python per string cell in its innermost loop (an
attribute list, two control-character regexes, a whitespace regex, an XML-escape regex and a caught TypeError for
the style index); the RTL recap alone has 300,000 cells, which kept it over a second. For the cells our exports
write most (a string with its format, only printable characters, no ``_xHHHH_`` text, no rich text) this writes
the same ``<c>`` element in one f-string; every other cell goes to XlsxWriter's own ``_write_cell``.

It leans on XlsxWriter internals (``_write_cell``, ``CellStringTuple``, ``fh``), and installs are not pinned, so
``text_cell_worksheet()`` first writes a small sheet both ways and hands out the fast class only when the bytes
are equal: a release that changes its cell XML or those internals gets XlsxWriter's own worksheet, never a
different file. tests/unit/core/test_xlsx_text_cells.py compares the two on awkward and generated text.
"""

import functools
import io
import zipfile

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

try:
    from xlsxwriter.utility import xl_rowcol_to_cell_fast
    from xlsxwriter.worksheet import CellStringTuple
except ImportError:  # a release without them: XlsxWriter's own worksheet is used
    xl_rowcol_to_cell_fast = CellStringTuple = None

_PROBE = ["plain", " lead", "trail ", "a & b < c > d", 'say "hi"', "Müller – Bandar Lampung ✓", "line\nbreak",
          "_x0041_", "<r>rich</r>", "=1+1"]


class TextCellWorksheet(Worksheet):
    """Pass as ``worksheet_class`` to ``Workbook.add_worksheet`` of a constant-memory workbook."""

    def _write_cell(self, row, col, cell):
        if cell.__class__ is CellStringTuple and cell.format is not None and self.constant_memory:
            text = cell.string
            # Printable text has no control character to escape and no whitespace but " " to preserve.
            if text.isprintable() and "_x" not in text and not text.startswith("<r>"):
                space = ' xml:space="preserve"' if text.startswith(" ") or text.endswith(" ") else ""
                text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # quotes stay, as there
                self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{cell.format._get_xf_index()}" '
                              f't="inlineStr"><is><t{space}>{text}</t></is></c>')
                return
        super()._write_cell(row, col, cell)


def probe_sheet_xml(worksheet_class, values=_PROBE):
    """The sheet XML of a small constant-memory workbook written with ``worksheet_class`` (formatted, plain and
    unformatted strings, a number)."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("Data", worksheet_class=worksheet_class)
    text = workbook.add_format({"num_format": "@"})
    for row, value in enumerate(values):
        sheet.write_string(row, 0, value, text)
        sheet.write_string(row, 1, value)
        sheet.write_number(row, 2, row)
    workbook.close()
    return zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml")


@functools.cache
def text_cell_worksheet():
    """TextCellWorksheet when it writes what XlsxWriter's own worksheet writes in this installation, else
    XlsxWriter's Worksheet (checked once per process)."""
    if CellStringTuple is None:
        return Worksheet
    try:
        same = probe_sheet_xml(TextCellWorksheet) == probe_sheet_xml(Worksheet)
    except Exception:  # noqa: BLE001  # any change in the internals it uses: fall back, never fail an export
        same = False
    return TextCellWorksheet if same else Worksheet
