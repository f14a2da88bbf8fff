"""core.xlsx_writer: the same cells, types and formats as XlsxWriter writes for the same prepared values."""

import io
import zipfile
from datetime import date, datetime, time
from decimal import Decimal

import pytest
import xlsxwriter
from openpyxl import load_workbook

from bimtek.core import xlsx_writer
from bimtek.core.spreadsheet import read_table, write_xlsx

HEADERS = ["Teks", "Angka", "Lain"]
ROWS = [
    ["Budi & <Siti>", 3, 2.5],
    ["  spasi di depan", -1, Decimal("7.25")],
    ["baris\nbaru\tdan tab", 10 ** 14, True],
    ["kendali \x01 dan \r", 0, None],
    ["_x0041_ harfiah", 1.0 / 3, datetime(2024, 7, 21, 8, 30)],
    [None, None, date(2024, 2, 29)],
    ["ékspor 日本 😀", 1e-7, time(13, 45)],
    ["x" * 40_000, 12345678901234, date(1900, 1, 1)],
]


def _reference(headers, rows):
    """A bare XlsxWriter write of the same values: the reader's view must be identical."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False,
                                     "default_date_format": xlsx_writer.DATE_FORMAT})
    sheet = book.add_worksheet("Data")
    text, bold = book.add_format({"num_format": "@"}), book.add_format({"bold": True})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, col, value, text)
            elif value is not None:
                sheet.write(r, col, value)
    book.close()
    return out.getvalue()


def _cells(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return [[(cell.value, cell.data_type, cell.number_format, bool(cell.font.b)) for cell in row]
            for row in sheet.iter_rows()]


def test_reader_sees_what_xlsxwriter_would_have_written():
    ours = xlsx_writer.write_table(HEADERS, ROWS, "Data", lambda width: min(width + 2, 60))
    assert _cells(ours) == _cells(_reference(HEADERS, ROWS))


def test_sheet_has_frozen_bold_header_autofilter_and_widths():
    data = xlsx_writer.write_table(HEADERS, ROWS[:2], "Peserta 'A' & B", lambda width: 30)
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "Peserta 'A' & B"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C3"
    assert all(sheet.column_dimensions[letter].width == pytest.approx(30, abs=1) for letter in "ABC")
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


@pytest.mark.parametrize("index, letters", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(index, letters):
    assert xlsx_writer.column_letters(index) == letters


def test_empty_table_and_no_rows():
    assert load_workbook(io.BytesIO(write_xlsx([], [], "Kosong"))).active.max_row == 1
    sheet = load_workbook(io.BytesIO(write_xlsx(["A", "B"], [], "Data"))).active
    assert [cell.value for cell in sheet[1]] == ["A", "B"] and sheet.max_row == 1


def test_our_own_reader_reads_it_back():
    data = write_xlsx(["Nama", "Nilai"], [["=1+1", 2], ["Siti", 3.5]], "Data")
    assert read_table("x.xlsx", data).rows == [(2, {"Nama": "=1+1", "Nilai": "2"}), (3, {"Nama": "Siti",
                                                                                          "Nilai": "3.5"})]
