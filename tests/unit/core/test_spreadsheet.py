"""Safe CSV/XLSX export (formula neutralization, text IDs) and tolerant import."""

import io
import zipfile
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st
from openpyxl import Workbook, load_workbook

from bimtek.core.errors import DomainError
from bimtek.core.spreadsheet import (
    FORMULA_TRIGGERS,
    neutralize_cell,
    read_table,
    unneutralize_cell,
    write_csv,
    write_xlsx,
)
from tests.xlsx_content import xlsx_content

HEADERS = ["Nama", "NIP", "No. HP", "Nilai"]
ROWS = [
    ["Budi Santoso, S.Kom.", "198609262015051001", "081234567890", 3],
    ["=cmd|' /C calc'!A0", "19860926 201505 2 001", "+6281234567890", -1],
    ["Dra. Siti Aminah; M.Si", "", "0812 3456 7890", 2.5],
]


@pytest.mark.parametrize("value, expected", [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1", "'+1"),
    ("+6281234567890", "'+6281234567890"),
    ("-1+2", "'-1+2"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("'already quoted", "''already quoted"),
    ("-1", "-1"),       # a plain negative number is data, not a formula
    ("-2,5", "-2,5"),
    (-1, -1),
    (2.5, 2.5),
    (None, None),
    ("Budi = Ketua", "Budi = Ketua"),
    ("", ""),
    (date(2020, 7, 21), date(2020, 7, 21)),
])
def test_neutralize_cell(value, expected):
    assert neutralize_cell(value) == expected


@pytest.mark.parametrize("text, expected", [
    ("'=cmd", "=cmd"), ("'+1", "+1"), ("''x", "'x"), ("'\tx", "\tx"),
    ("'abc", "'abc"),   # an apostrophe we did not add stays
    ("'", "'"), ("abc", "abc"),
])
def test_unneutralize_cell(text, expected):
    assert unneutralize_cell(text) == expected


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_unneutralize_inverts_neutralize(text):
    assert unneutralize_cell(neutralize_cell(text)) == text


def test_write_csv_has_bom_crlf_comma_and_neutralized_cells():
    data = write_csv(HEADERS, ROWS)
    assert data.startswith(b"\xef\xbb\xbfNama,NIP,No. HP,Nilai\r\n")
    text = data.decode("utf-8-sig")
    assert "'=cmd" in text and "'+6281234567890" in text and ",-1\r\n" in text
    assert '"Budi Santoso, S.Kom."' in text


def test_write_xlsx_is_formula_free_with_text_ids_bold_frozen_header():
    wb = load_workbook(io.BytesIO(write_xlsx(HEADERS, ROWS, "Daftar Peserta")))
    ws = wb.active
    assert ws.title == "Daftar Peserta"
    assert ws.freeze_panes == "A2"
    assert all(cell.font.bold for cell in ws[1])
    assert ws["B2"].value == "198609262015051001" and ws["B2"].data_type == "s"
    assert ws["B2"].number_format == "@"
    assert ws["C2"].value == "081234567890"
    assert ws["A3"].value == "'=cmd|' /C calc'!A0" and ws["A3"].data_type == "s"
    assert ws["D3"].value == -1 and ws["D3"].data_type == "n"
    assert not any(cell.data_type == "f" for row in ws.iter_rows() for cell in row)
    assert 8 <= ws.column_dimensions["A"].width <= 60


def test_write_xlsx_keeps_huge_integers_as_text_and_cleans_sheet_title():
    data = write_xlsx(["NIP"], [[198609262015051001]], "Peserta: [Babel]/2020 dan seterusnya sampai panjang")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A2"].value == "198609262015051001"
    assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")


def test_rows_may_be_mappings_keyed_by_header():
    data = write_csv(["A", "B"], [{"B": "2", "A": "1"}])
    assert read_table("x.csv", data).rows == [(2, {"A": "1", "B": "2"})]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_keeps_leading_zeros_and_formula_text(fmt):
    data = write_csv(HEADERS, ROWS) if fmt == "csv" else write_xlsx(HEADERS, ROWS, "Data")
    headers, rows = read_table(f"peserta.{fmt}", data)
    assert headers == HEADERS
    assert [line for line, _ in rows] == [2, 3, 4]
    assert rows[0][1] == {"Nama": "Budi Santoso, S.Kom.", "NIP": "198609262015051001",
                          "No. HP": "081234567890", "Nilai": "3"}
    assert rows[1][1]["Nama"] == "=cmd|' /C calc'!A0"
    assert rows[1][1]["No. HP"] == "+6281234567890"
    assert rows[1][1]["Nilai"] == "-1"
    assert rows[2][1]["Nilai"] == "2.5"


_CELL_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"),
    max_size=20,
).map(str.strip)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_CELL_TEXT.filter(bool), _CELL_TEXT), min_size=1, max_size=5),
       st.sampled_from(["csv", "xlsx"]))
def test_export_then_import_returns_the_same_text(pairs, fmt):
    rows = [list(pair) for pair in pairs]
    data = write_csv(["A", "B"], rows) if fmt == "csv" else write_xlsx(["A", "B"], rows, "Data")
    _, read = read_table(f"x.{fmt}", data)
    assert [[row["A"], row["B"]] for _, row in read] == rows


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_trigger_round_trips(trigger, fmt):
    rows = [[f"{trigger}x", "b"]]
    data = write_csv(["A", "B"], rows) if fmt == "csv" else write_xlsx(["A", "B"], rows, "Data")
    assert read_table(f"x.{fmt}", data).rows[0][1]["A"] == f"{trigger}x"


@pytest.mark.parametrize("raw, encoding", [
    ("Nama;Kabupaten/Kota\r\nSiti Ñurul;Bangka Barat\r\n", "utf-8"),
    ("Nama;Kabupaten/Kota\r\nSiti Ñurul;Bangka Barat\r\n", "cp1252"),
    ("\ufeffNama,Kabupaten/Kota\nSiti Ñurul,Bangka Barat\n", "utf-8"),
    ("Nama\tKabupaten/Kota\r\nSiti Ñurul\tBangka Barat\r\n", "utf-16"),
    ('Nama,Kabupaten/Kota\n"Siti Ñurul","Bangka Barat"\n', "utf-8"),
])
def test_read_csv_encodings_and_delimiters(raw, encoding):
    headers, rows = read_table("peserta.csv", raw.encode(encoding))
    assert headers == ["Nama", "Kabupaten/Kota"]
    assert rows == [(2, {"Nama": "Siti Ñurul", "Kabupaten/Kota": "Bangka Barat"})]


def test_read_csv_line_numbers_count_blank_rows_and_multiline_cells():
    raw = b'Nama,Catatan\r\n\r\nBudi,"baris 1\nbaris 2"\r\n,\r\nSiti,ok\r\n'
    _, rows = read_table("x.csv", raw)
    assert [line for line, _ in rows] == [3, 5]
    assert rows[0][1]["Catatan"] == "baris 1\nbaris 2"


def test_read_pads_short_rows_ignores_unnamed_columns_and_strips():
    raw = b"Nama,,Instansi\n  Budi  ,catatan,\nSiti\n"
    _, rows = read_table("x.csv", raw)
    assert rows == [(2, {"Nama": "Budi", "Instansi": ""}), (3, {"Nama": "Siti"})]


def _xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_read_xlsx_written_by_excel_style_values():
    data = _xlsx([
        ["DAFTAR PESERTA BIMTEK SPP-TIK 2020"],
        [],
        ["Nama", "NIP", "No. HP", "Tanggal", "Formula"],
        ["Budi", 198609262015051001, 81234567890, date(2020, 7, 21), "=1+1"],
        ["Siti", 1.98609262015051e17, 42.0, None, None],
    ])
    headers, rows = read_table("x.xlsx", data, find_header=lambda cells: "Nama" in cells)
    assert headers == ["Nama", "NIP", "No. HP", "Tanggal", "Formula"]
    # A NIP typed as a number keeps only 15 significant digits; it reads back as digits, not 1.98E+17.
    assert rows[0] == (4, {"Nama": "Budi", "NIP": "198609262015051000", "No. HP": "81234567890",
                           "Tanggal": "2020-07-21", "Formula": ""})  # data_only: no cached value
    assert rows[1][1]["NIP"] == "198609262015051000"
    assert rows[1][1]["No. HP"] == "42"


def test_header_defaults_to_first_non_empty_row():
    data = _xlsx([[], ["A", "B"], ["1", "2"]])
    assert read_table("x.xlsx", data) == (["A", "B"], [(3, {"A": "1", "B": "2"})])
    assert read_table("x.xlsx", data).header_line == 2


def _broken_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize("filename, data, fragment", [
    ("x.xlsx", b"", "kosong"),
    ("x.xlsx", b"PK\x03\x04 truncated garbage", "Excel rusak"),
    ("x.xlsx", _broken_zip(), "Excel rusak"),
    ("x.xlsx", b"Nama,NIP\nBudi,1\n", "bukan berkas Excel"),
    ("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), r"\.xls\) tidak didukung"),
    ("x.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), r"\.xls\) tidak didukung"),
    ("x.csv", bytes(range(256)), "data biner"),
    ("x.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "data biner"),
    ("x.csv", b"Nama\x01,NIP\n", "data biner"),
    ("x.pdf", b"%PDF-1.4", r"'x\.pdf' tidak didukung"),
    ("peserta", b"Nama\nBudi\n", "tidak didukung"),
    ("x.csv", b'Nama,NIP\n"Budi,1\n', "CSV rusak"),
    ("x.csv", b"\r\n , \r\n", "tidak berisi data"),
    ("x.csv", b"Nama,nama\nBudi,Budi\n", "lebih dari sekali"),
])
def test_unreadable_files_raise_domain_error_in_indonesian(filename, data, fragment):
    with pytest.raises(DomainError, match=fragment):
        read_table(filename, data)


def test_zip_disguised_as_csv_is_read_as_xlsx():
    data = _xlsx([["A"], ["1"]])
    assert read_table("export.csv", data).rows == [(2, {"A": "1"})]


def test_too_many_rows_is_refused():
    data = write_csv(["A"], [[str(i)] for i in range(11)])
    with pytest.raises(DomainError, match="lebih dari 10 baris"):
        read_table("x.csv", data, max_rows=10)


def test_write_xlsx_content_is_pinned():
    """Every kind of value the exports write, as a user reads it back (guards the writer's speed-ups)."""
    class Other:
        def __str__(self):
            return "objek"

    rows = [
        ["=1+1", 7, date(2024, 7, 21)],
        {"Teks": "  spasi  ", "Angka": 2.5, "Waktu": datetime(2024, 7, 21, 8, 30)},
        ["a\x01b_x0041_<&>", Decimal("1.25"), datetime(2024, 7, 21, 8, 30, tzinfo=timezone(timedelta(hours=7)))],
        ["", 198609262015051001, time(9, 15)],
        [None, True, None],
        ["-5", -5, "'kutip"],
        [Other(), None, "@SUM(A1)"],
    ]
    text, general, stamp = "@", "General", "yyyy-mm-dd hh:mm"
    content = xlsx_content(write_xlsx(["Teks", "Angka", "Waktu"], rows, "Uji: [ekspor]"))
    assert content == {
        "title": "Uji   ekspor", "freeze": "A2", "filter": "A1:C8",
        "widths": {"A": 14.7109375, "B": 20.7109375, "C": 21.7109375},
        "bold": [[True] * 3] + [[False] * 3] * 7,
        "rows": [
            [("Teks", "s", general), ("Angka", "s", general), ("Waktu", "s", general)],
            [("'=1+1", "s", text), (7, "n", general), (datetime(2024, 7, 21), "d", stamp)],
            [("  spasi  ", "s", text), (2.5, "n", general), (datetime(2024, 7, 21, 8, 30), "d", stamp)],
            [("ab_x005F_x0041_<&>", "s", text), (1.25, "n", general), (datetime(2024, 7, 21, 1, 30), "d", stamp)],
            [("", "s", text), ("198609262015051001", "s", text), (time(9, 15), "d", stamp)],
            [(None, "n", general), (True, "b", general), (None, "n", general)],
            [("-5", "s", text), (-5, "n", general), ("''kutip", "s", text)],
            [("objek", "s", text), (None, "n", general), ("'@SUM(A1)", "s", text)],
        ],
    }
