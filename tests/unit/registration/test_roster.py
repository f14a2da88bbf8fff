"""Roster import (all-or-nothing, every bad row reported) and export round trip."""

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.spreadsheet import unneutralize_cell
from bimtek.registration.roster import (
    REQUIRED_HEADERS,
    ROSTER_HEADERS,
    RosterImportError,
    RosterRow,
    export_roster,
    map_headers,
    normalize_email,
    normalize_phone,
    parse_roster,
    parse_status,
)

DATA = Path(__file__).parent / "data"
TODAY = date(2020, 7, 21)
MINIMAL = ["Nama Lengkap", "Jabatan", "Instansi", "Kabupaten/Kota", "Provinsi", "Email", "No. HP"]
SITI = RosterRow(
    nama_lengkap="Dra. Siti Aminah, M.Si.", jabatan="Pustakawan Ahli Pertama",
    instansi="Dinas Kearsipan dan Perpustakaan", kabupaten="Bangka Barat",
    provinsi="Kepulauan Bangka Belitung", email="siti.aminah@perpus.go.id", phone="+6281234567890",
    nip="198609262015052001", jenis_kelamin="P", pangkat="III/a",
    number="SPP2020-0042", status="registered")
BUDI = RosterRow(
    nama_lengkap="Budi Santoso", jabatan="Pengelola TBM", instansi="TBM Cahaya, Desa Air Nyatoh",
    kabupaten="Bangka Barat", provinsi="Kepulauan Bangka Belitung", email="budi@gmail.com",
    phone="+6285712345678")


def _csv(header, *rows):
    return ("\r\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\r\n").encode()


def _row(**overrides):
    values = dict(zip(MINIMAL, ["Budi", "Pengelola TBM", "TBM Cahaya", "Bangka Barat", "Babel",
                                "budi@gmail.com", "081234567890"]))
    values.update(overrides)
    return [values[h] for h in MINIMAL]


def test_headers_constant_is_the_export_order():
    assert ROSTER_HEADERS == (
        "Nama Lengkap", "NIP", "Jabatan", "Instansi", "Kabupaten/Kota", "Provinsi", "Email", "No. HP",
        "Jenis Kelamin", "Pangkat/Golongan", "Nomor Registrasi", "Status")
    assert set(REQUIRED_HEADERS) == set(MINIMAL)


def test_sample_file_from_dinas_with_title_rows_semicolons_aliases_and_cp1252():
    rows = parse_roster("roster.csv", (DATA / "roster_dinas_semicolon.csv").read_bytes(), today=TODAY)
    assert [r.line for r in rows] == [4, 5, 6]
    siti, budi, ayu = rows
    assert siti == replace(SITI, number=None, status=None)
    assert (budi.nip, budi.jenis_kelamin, budi.phone) == (None, "L", "+6285712345678")
    assert ayu.nama_lengkap == "Ni Putu Ayu Ñoman" and ayu.pangkat == "III/d"
    assert ayu.phone == "+6281398765432"
    assert ayu.warnings and "tidak sesuai dengan jenis kelamin" in ayu.warnings[0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_parse_gives_the_same_rows(fmt):
    rows = [SITI, BUDI]
    assert parse_roster(f"peserta.{fmt}", export_roster(rows, fmt), today=TODAY) == rows


def test_export_xlsx_writes_ids_as_text_and_readable_labels():
    ws = load_workbook(io.BytesIO(export_roster([SITI], "xlsx"))).active
    assert [c.value for c in ws[1]] == list(ROSTER_HEADERS)
    values = {h: c for h, c in zip(ROSTER_HEADERS, ws[2])}
    assert values["NIP"].value == "19860926 201505 2 001"
    # E.164 with the spreadsheet's formula guard (a leading ' that import removes again)
    assert unneutralize_cell(values["No. HP"].value) == "+6281234567890" and values["No. HP"].data_type == "s"
    assert values["Jenis Kelamin"].value == "Perempuan"
    assert values["Pangkat/Golongan"].value == "Penata Muda (III/a)"
    assert values["Status"].value == "Terdaftar"


def test_export_csv_of_no_rows_is_an_import_template():
    assert export_roster([], "csv").decode("utf-8-sig") == ",".join(ROSTER_HEADERS) + "\r\n"


def test_export_rejects_unknown_format():
    with pytest.raises(ValidationError, match="tidak didukung"):
        export_roster([SITI], "pdf")


def test_several_bad_rows_are_all_reported_and_nothing_is_returned():
    data = _csv(
        MINIMAL + ["NIP", "Jenis Kelamin", "Pangkat/Golongan", "Status"],
        _row() + ["", "L", "", "Terdaftar"],                                        # line 2: fine
        _row(**{"Email": "bukan-email"}) + ["", "", "", ""],                        # line 3
        _row(**{"Nama Lengkap": "", "No. HP": "12345", "Email": "a@perpus.go.id"}) + ["", "", "", ""],  # line 4
        _row(**{"Email": "b@perpus.go.id"}) + ["19860231 201505 1 001", "", "", ""],  # line 5
        _row(**{"Email": "c@perpus.go.id"}) + ["", "X", "V/a", "Lulus"],           # line 6: three
        _row(**{"Email": "BUDI@gmail.com"}) + ["", "", "", ""],                     # line 7: duplicate
    )
    with pytest.raises(RosterImportError) as exc:
        parse_roster("peserta.csv", data, today=TODAY)
    reported = [(e.line, e.context["column"]) for e in exc.value.errors]
    assert reported == [
        (3, "Email"), (4, "Nama Lengkap"), (4, "No. HP"), (5, "NIP"),
        (6, "Jenis Kelamin"), (6, "Pangkat/Golongan"), (6, "Status"), (7, "Email")]
    reasons = {(e.line, e.context["column"]): e.reason for e in exc.value.errors}
    assert "Format email 'bukan-email' tidak valid" in reasons[(3, "Email")]
    assert "wajib diisi" in reasons[(4, "Nama Lengkap")]
    assert "bukan tanggal yang valid" in reasons[(5, "NIP")]
    assert "sudah dipakai di baris 2" in reasons[(7, "Email")]
    assert str(exc.value.errors[0]).startswith("Baris 3: ")
    assert "baris 3, 4, 5, 6, 7" in exc.value.message and "Tidak ada data yang disimpan" in exc.value.message


@pytest.mark.parametrize("column, value, fragment", [
    ("NIP", "19860926 201505 1 00", "18 digit"),
    ("NIP", "19860926 201513 1 001", "Bulan TMT"),
    ("NIP", "19860926 201505 1 000", "tidak boleh 000"),
    ("Nomor Registrasi", "SPP2020", "Nomor registrasi"),
    ("Jabatan", "x" * 201, "terlalu panjang"),
    ("Provinsi", "   ", "wajib diisi"),
])
def test_single_field_errors(column, value, fragment):
    header = MINIMAL + ["NIP", "Nomor Registrasi"]
    row = dict(zip(header, _row() + ["", ""]), **{column: value})
    with pytest.raises(RosterImportError) as exc:
        parse_roster("p.csv", _csv(header, [row[h] for h in header]), today=TODAY)
    assert [(e.line, e.context["column"]) for e in exc.value.errors] == [(2, column)]
    assert fragment in exc.value.errors[0].reason


@pytest.mark.parametrize("column", ["NIP", "Nomor Registrasi"])
def test_duplicate_ids_within_the_file(column):
    value = {"NIP": "19860926 201505 1 001", "Nomor Registrasi": "SPP2020-0042"}[column]
    header = MINIMAL + [column]
    data = _csv(header, _row() + [value], _row(**{"Email": "x@perpus.go.id"}) + [value.replace(" ", "")])
    with pytest.raises(RosterImportError) as exc:
        parse_roster("p.csv", data, today=TODAY)
    assert [(e.line, e.context["column"]) for e in exc.value.errors] == [(3, column)]


@pytest.mark.parametrize("headers", [
    ["nama lengkap", "JABATAN", "Instansi", "Kab/Kota", "Provinsi", "E-mail", "No HP"],
    ["Nama", "Jabatan", "Unit Kerja", "Kabupaten / Kota", "Prov.", "Email", "No. HP/WA"],
    ["Nama Peserta", "Jabatan", "Instansi/Unit Kerja", "Kab/Kota", "Propinsi", "Alamat Email", "Nomor WhatsApp"],
    [" Nama Lengkap ", "Jabatan", "Instansi", "KABUPATEN/KOTA", "Provinsi", "e-mail", "no.hp"],
])
def test_header_aliases(headers):
    rows = parse_roster("p.csv", _csv(headers, _row()), today=TODAY)
    assert (rows[0].nama_lengkap, rows[0].email, rows[0].phone) == ("Budi", "budi@gmail.com", "+6281234567890")


def test_missing_required_headers_are_named():
    data = _csv(["Nama Lengkap", "Jabatan", "Instansi", "Kota", "Email"], ["Budi", "J", "I", "K", "b@x.id"])
    with pytest.raises(RosterImportError, match="Baris 1: kolom wajib tidak ditemukan: Provinsi, No. HP") as exc:
        parse_roster("p.csv", data)
    assert exc.value.errors[0].line == 1


def test_two_columns_meaning_the_same_thing_are_refused():
    with pytest.raises(DomainError, match="'Email' dan 'E-mail' sama-sama berarti Email"):
        map_headers(["Email", "E-mail"])


def test_file_with_headers_only_is_refused():
    with pytest.raises(RosterImportError, match="tidak berisi data peserta"):
        parse_roster("p.csv", _csv(MINIMAL))


def test_xlsx_with_numeric_phone_and_title_row():
    wb = Workbook()
    wb.active.append(["Daftar Peserta"])
    wb.active.append(MINIMAL + ["NIP"])
    wb.active.append(_row()[:-1] + [81234567890, "198609262015051001"])
    out = io.BytesIO()
    wb.save(out)
    (row,) = parse_roster("p.xlsx", out.getvalue(), today=TODAY)
    assert (row.line, row.phone, row.nip, row.jenis_kelamin) == (3, "+6281234567890", "198609262015051001", "L")


def test_nip_typed_as_number_in_excel_is_caught():
    wb = Workbook()
    wb.active.append(MINIMAL + ["NIP"])
    wb.active.append(_row() + [198609262015051001])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(RosterImportError, match="baris 2") as exc:
        parse_roster("p.xlsx", out.getvalue(), today=TODAY)
    assert "format kolom NIP sebagai Teks" in exc.value.errors[0].reason


def test_unreadable_file_is_a_domain_error():
    with pytest.raises(DomainError, match="Excel rusak"):
        parse_roster("p.xlsx", b"PK\x03\x04garbage")


@pytest.mark.parametrize("raw, expected", [
    ("081234567890", "+6281234567890"),
    ("0812-3456-7890", "+6281234567890"),
    ("0812 3456 7890", "+6281234567890"),
    ("(0812) 3456.7890", "+6281234567890"),
    ("+6281234567890", "+6281234567890"),
    ("+62 812-3456-7890", "+6281234567890"),
    ("6281234567890", "+6281234567890"),
    ("81234567890", "+6281234567890"),  # Excel dropped the zero
    ("0811234567", "+62811234567"),
])
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", [
    "", "12345", "+6012345678", "0812345", "08123456789012", "0812abc45678"])
def test_normalize_phone_rejects(raw):
    with pytest.raises(ValidationError, match="Nomor HP .* tidak valid"):
        normalize_phone(raw)


@pytest.mark.parametrize("raw, expected", [
    ("Budi@Perpus.GO.ID", "budi@perpus.go.id"), (" siti@gmail.com ", "siti@gmail.com"),
])
def test_normalize_email(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize("raw", ["budi", "budi@", "@perpus.go.id", "budi@perpus", "budi @gmail.com", "a@b@c.id"])
def test_normalize_email_rejects(raw):
    with pytest.raises(ValidationError, match="Format email"):
        normalize_email(raw)


@pytest.mark.parametrize("raw, expected", [
    ("Terdaftar", "registered"), ("menunggu", "pending"), ("Menunggu Persetujuan", "pending"),
    ("Daftar Tunggu", "waiting"), ("daftar_tunggu", "waiting"), ("Ditolak", "rejected"),
    ("Mengundurkan Diri", "withdrawn"), ("registered", "registered"), ("", None),
])
def test_parse_status(raw, expected):
    assert parse_status(raw) == expected


def test_missing_header_is_reported_even_below_a_title_row():
    data = _csv(["DAFTAR PESERTA"], MINIMAL[:-1], _row()[:-1])
    with pytest.raises(RosterImportError, match="Baris 2: kolom wajib tidak ditemukan: No. HP\\."):
        parse_roster("p.csv", data)
