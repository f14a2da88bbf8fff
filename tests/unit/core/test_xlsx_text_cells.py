"""The fast text-cell worksheet writes exactly the sheet XlsxWriter's own worksheet writes."""

import io
import zipfile
from datetime import date, datetime

import xlsxwriter
from hypothesis import given, settings, strategies as st
from xlsxwriter.worksheet import Worksheet

from bimtek.core.xlsx_text_cells import TextCellWorksheet

AWKWARD = ["", " ", "plain", " lead", "trail ", "a & b < c > d", 'say "hi"', "it's", "line\nbreak", "tab\there",
           "\x01ctrl", "_x0041_", "a_xBEEF_b", "<r>rich?</r>", "<r>", "Müller – Bandar Lampung ✓", "\u00a0nbsp",
           "emoji 😀", "x" * 40000, "=1+1", "\u2028sep", "end\u3000"]


def _sheet_xml(worksheet_class, rows):
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("Data", worksheet_class=worksheet_class)
    text, bold = workbook.add_format({"num_format": "@"}), workbook.add_format({"bold": True})
    sheet.write_string(0, 0, "Judul", bold)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, col, value, text if col % 3 else None)  # unformatted strings too
            elif value is not None:
                sheet.write(r, col, value)
    workbook.close()
    return zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml")


def test_same_sheet_as_xlsxwriter_for_awkward_text_and_other_values():
    rows = [[value, value, value, 7, 2.5, None, True, date(2024, 7, 21), datetime(2024, 7, 21, 8, 30)]
            for value in AWKWARD]
    assert _sheet_xml(TextCellWorksheet, rows) == _sheet_xml(Worksheet, rows)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=4), min_size=1, max_size=5))
def test_same_sheet_as_xlsxwriter_for_any_text(rows):
    assert _sheet_xml(TextCellWorksheet, rows) == _sheet_xml(Worksheet, rows)


def test_exports_use_the_fast_worksheet_only_where_it_writes_the_same_bytes(monkeypatch):
    from bimtek.core import xlsx_text_cells

    assert xlsx_text_cells.text_cell_worksheet() is TextCellWorksheet  # the installed XlsxWriter
    xlsx_text_cells.text_cell_worksheet.cache_clear()

    original = Worksheet._write_cell

    def changed(self, row, col, cell):  # a release whose cell XML differs from ours
        original(self, row, col, cell)
        self.fh.write("<!-- new -->")

    monkeypatch.setattr(Worksheet, "_write_cell", changed)
    try:
        assert xlsx_text_cells.text_cell_worksheet() is Worksheet
    finally:
        xlsx_text_cells.text_cell_worksheet.cache_clear()
