"""Issue 12, findings 1 and 3: attendance logs crafted to exhaust the server are refused early, with a message
naming file, row and column. The bombs are generated here (tiny zips); the memory ceiling turns a regression
into a MemoryError instead of a swapping machine."""

import json

import pytest

from bimtek.attendance.parsers import parse_file
from bimtek.attendance.segments import LogFormatError
from tests import hostile

MB = 1024 * 1024


def refusal(filename, data):
    """The LogFormatError message parse_file gives, with at most 300 MB more address space."""
    with hostile.memory_ceiling(300 * MB), pytest.raises(LogFormatError) as caught:
        parse_file(filename, data, "Asia/Jakarta")
    message = str(caught.value)
    assert message.startswith(f"{filename} baris ") and "\n" not in message and len(message) < 400
    return message


def test_finding1_45mb_shared_string_in_10000_cells_is_refused_before_loading():
    data = hostile.shared_string_bomb(45_000_000, 10_000)
    assert len(data) < 200_000
    message = refusal("absen.xlsx", data)
    assert "teks bersama (sharedStrings) terlalu besar setelah dibuka" in message


def test_finding1_5mb_shared_string_names_row_and_column():
    message = refusal("absen.xlsx", hostile.shared_string_bomb(5_000_000, 10_000))
    assert message.startswith("absen.xlsx baris 2, kolom A: isi sel terlalu panjang (5.000.00")
    assert "maks. 2.000" in message


def test_long_shared_string_in_the_header_row_is_named_there():
    data = hostile.build_xlsx(None, [[("s", 0)] * 3], shared_repeat=("Nama ", 1000))
    assert refusal("a.xlsx", data).startswith("a.xlsx baris 1, kolom A: isi sel terlalu panjang (5.000 karakter")


def test_unreferenced_long_shared_string_is_refused_too():
    data = hostile.build_xlsx(hostile.ZOOM_HEADER, [], shared_repeat=("x", 3000))
    assert "teks bersama ke-1 terlalu panjang (3.000 karakter" in refusal("a.xlsx", data)


def test_long_inline_string_is_refused():
    data = hostile.build_xlsx(hostile.ZOOM_HEADER, [["Budi", "b" * 2001]])
    assert refusal("a.xlsx", data).startswith("a.xlsx baris 2, kolom B: isi sel terlalu panjang (2.001")


def test_finding3_million_row_xlsx_is_refused_while_scanning():
    data = hostile.many_rows_xlsx(1_000_000)
    assert len(data) < 200_000
    assert "lebih dari 200.000 baris data" in refusal("besar.xlsx", data)


def test_single_cell_far_down_is_refused_without_yielding_empty_rows():
    assert "lebih dari 200.000 baris data" in refusal("a.xlsx", hostile.sparse_row_xlsx(1_048_576))


def test_cell_in_the_last_excel_column_is_refused():
    assert refusal("a.xlsx", hostile.wide_xlsx(3)).startswith("a.xlsx baris 1, kolom XFD: terlalu banyak kolom")


def test_entity_bomb_is_refused():
    assert "DTD" in refusal("a.xlsx", hostile.entity_bomb_xlsx())


def test_zip_member_that_unpacks_to_200mb_is_refused_from_the_directory():
    assert "terlalu besar setelah dibuka (200 MB" in refusal("a.xlsx", hostile.zip_bomb_member())


def test_csv_cells_longer_than_the_budget():
    message = refusal("a.csv", hostile.csv_long_cells(100_000, 50))
    assert message.startswith("a.csv baris 2, kolom A: isi sel terlalu panjang (100.000 karakter")


def test_csv_cell_beyond_the_csv_module_limit():
    assert "isi sel terlalu panjang" in refusal("a.csv", hostile.csv_long_cells(300_000, 2))


def test_csv_with_too_many_rows():
    data = ("Name (Original Name),Join Time,Leave Time\n" + "a,b,c\n" * 300_000).encode()
    assert "lebih dari 200.000 baris data" in refusal("a.csv", data)


def test_csv_with_too_many_columns():
    assert "terlalu banyak kolom" in refusal("a.csv", b"a" + b",a" * 5000 + b"\n")


def test_csv_with_too_many_cells():
    data = (",".join(["a"] * 900) + "\n") * 5000
    assert "lebih dari 3.000.000 sel" in refusal("a.csv", data.encode())


def test_json_nested_too_deep():
    assert "JSON bersarang terlalu dalam" in refusal("a.json", hostile.deep_json(50))


def test_json_nested_beyond_the_recursion_limit():
    refusal("a.json", hostile.deep_json(200_000))


def test_json_with_too_many_values():
    assert "JSON berisi lebih dari 2.000.000 nilai" in refusal("a.json", hostile.wide_json(2_100_000))


def test_json_with_a_huge_string():
    record = {"name": "x" * 50_000, "join_time": "2024-01-01T01:00:00Z", "leave_time": "2024-01-01T02:00:00Z"}
    assert "teks JSON terlalu panjang (50.000" in refusal("a.json", json.dumps({"participants": [record]}).encode())


def test_a_log_at_the_row_budget_still_parses():
    rows = "".join(f"Peserta {i % 500},p{i % 500}@x.id,01/02/2024 08:00:00,01/02/2024 09:00:00,60\n"
                   for i in range(20_000))
    data = ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n" + rows).encode()
    assert len(parse_file("ok.csv", data, "Asia/Jakarta").segments) == 20_000


def _raw_xlsx(sheet_xml):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        hostile._write_parts(archive)
        archive.writestr("xl/sharedStrings.xml", '<sst xmlns="x"><si><t>x</t></si></sst>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def test_namespace_prefixed_sheet_is_checked_like_any_other():
    ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (f'<x:worksheet {ns}><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Name</x:t>'
             f'</x:is></x:c></x:row><x:row r="2"><x:c r="C2" t="inlineStr"><x:is><x:t>{"y" * 3000}</x:t></x:is>'
             '</x:c></x:row></x:sheetData></x:worksheet>')
    assert refusal("a.xlsx", _raw_xlsx(sheet)).startswith("a.xlsx baris 2, kolom C: isi sel terlalu panjang (3.000")


def test_cells_without_references_are_counted_per_row():
    """Fuzz-style input: cells without r="…" sit one after another, so the row is as wide as its cell count."""
    sheet = ('<worksheet xmlns="x"><sheetData><row><c t="inlineStr"><is><t>a</t></is></c></row><row>'
             + '<c t="inlineStr"><is><t>b</t></is></c>' * 1500 + "</row></sheetData></worksheet>")
    assert "terlalu banyak kolom (maks. 1000)" in refusal("a.xlsx", _raw_xlsx(sheet))


def test_many_inline_string_cells_still_parse():
    """Fuzz finding (attendance_log): openpyxl needed 5-7 s for 80,000 inline-string cells; the workbook is now
    read with python-calamine. The same content must still come out."""
    rows = [[f"Peserta {i}", f"p{i}@x.id", "01/02/2024 08:00:00", "01/02/2024 09:00:00", "60", "No"]
            for i in range(3000)]
    parsed = parse_file("ok.xlsx", hostile.build_xlsx(hostile.ZOOM_HEADER, rows), "Asia/Jakarta")
    assert len(parsed.segments) == 3000 and parsed.segments[-1].email == "p2999@x.id"


def test_sheet_behind_a_long_comment_is_still_scanned():
    sheet = ('<?xml version="1.0"?><!--' + " " * 100_000 + '--><worksheet xmlns="x"><sheetData><row r="1">'
             '<c r="A1" t="inlineStr"><is><t>' + "z" * 5000 + "</t></is></c></row></sheetData></worksheet>")
    assert refusal("a.xlsx", _raw_xlsx(sheet)).startswith("a.xlsx baris 1, kolom A: isi sel terlalu panjang (5.000")


def test_ods_or_xlsb_parts_inside_an_xlsx_are_refused():
    """The reader would fall back to .ods/.xlsb parsing, which the checks do not cover (repeated rows/columns)."""
    import io
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<office:document-content xmlns:office="o"/>')
    assert "rusak" in refusal("a.xlsx", data.getvalue())


def test_cell_reference_far_below_its_row_is_counted():
    """The reader places a cell by its own reference: B900000 inside row 1 means 900,000 rows."""
    sheet = ('<worksheet xmlns="x"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
             '<c r="B900000" t="inlineStr"><is><t>b</t></is></c></row></sheetData></worksheet>')
    assert "lebih dari 200.000 baris data" in refusal("a.xlsx", _raw_xlsx(sheet))


def test_cell_made_of_many_short_rich_text_runs_is_refused():
    runs = "<r><t>" + "w" * 1000 + "</t></r>"
    sheet = ('<worksheet xmlns="x"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
             f'<row r="2"><c r="D2" t="inlineStr"><is>{runs * 30}</is></c></row></sheetData></worksheet>')
    assert refusal("a.xlsx", _raw_xlsx(sheet)).startswith("a.xlsx baris 2, kolom D: isi sel terlalu panjang (30.000")
