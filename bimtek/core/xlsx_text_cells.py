"""An XlsxWriter worksheet that writes plain formatted text cells faster, byte for byte as XlsxWriter does. Pure.

In constant-memory mode XlsxWriter spends about 4 µs of Python per string cell in its innermost loop (an
attribute list, two control-character regexes, a whitespace regex, an XML-escape regex and a caught TypeError for
the style index); the RTL recap alone has 300,000 cells, which kept it over a second. For the cells our exports
write most (a string with its format, only printable characters, no ``_xHHHH_`` text, no rich text) this writes
the same ``<c>`` element in one f-string; every other cell goes to XlsxWriter's own ``_write_cell``.
tests/unit/core/test_xlsx_text_cells.py compares the two writers' sheets byte for byte, so an XlsxWriter upgrade
that changes its cell XML fails there rather than changing the files.
"""

from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellStringTuple, Worksheet


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
