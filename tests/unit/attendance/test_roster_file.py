"""The CLI's roster reader: its usual-row fast path gives what the row-by-row rules give."""

import csv
import io
import random

import pytest

from bimtek.attendance.decoding import load_source
from bimtek.attendance.matching import Registration
from bimtek.attendance.parsers.headers import cell, header_key, is_blank
from bimtek.attendance.roster_file import EXPECTED_ROSTER, ROSTER_COLUMNS, SKIPPED_STATUSES, read_roster
from bimtek.attendance.segments import LogFormatError


def _reference(filename, data):
    """read_roster before its fast path (every row through is_blank and cell)."""
    source = load_source(filename, data)
    found = {}
    for index, text in enumerate(source.rows[0]):
        found.setdefault(ROSTER_COLUMNS.get(header_key(text), ""), index)
    out = []
    for index in range(1, len(source.rows)):
        row = source.rows[index]
        if is_blank(row) or cell(row, found.get("status")).lower() in SKIPPED_STATUSES:
            continue
        number, name = cell(row, found["number"]), cell(row, found["name"])
        if not number or not name:
            raise LogFormatError(filename, source.line_of(index), "nama atau nomor registrasi kosong", EXPECTED_ROSTER)
        out.append(Registration(number, name, cell(row, found.get("email")).lower()))
    return out


def _roster(rng, header):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    empty = rng.choice([0, 0.01, 0.03])  # some rosters have a row without number or name (an error)
    for number in range(rng.randint(0, 60)):
        row = [rng.choice([f" SPP-{number:03d} ", f"SPP-{number:03d}"]) if key == "Nomor Registrasi" else
               rng.choice([" Budi Santoso ", "Siti"]) if key.startswith("Nama") else
               rng.choice(["A@B.go.id ", "", "x@y"]) if key == "Email" else
               rng.choice(["terdaftar", " Batal ", "DITOLAK", "", "mengundurkan diri"]) for key in header]
        if rng.random() < empty:
            row[rng.randrange(len(row))] = rng.choice(["", "  "])
        if rng.random() < 0.05:
            row = row[:rng.randint(0, len(row))]  # a short row (blank when nothing is left)
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("seed", range(40))
def test_fast_path_equals_row_by_row(seed):
    rng = random.Random(seed)
    header = rng.choice([["Nomor Registrasi", "Nama Lengkap", "Email", "Status"], ["Nama", "Nomor Registrasi"],
                         ["Status", "Email", "Nama Lengkap", "Nomor Registrasi"], ["Nomor Registrasi", "Nama"]])
    data = _roster(rng, header)
    try:
        expected = _reference("daftar.csv", data)
    except LogFormatError as exc:
        with pytest.raises(LogFormatError) as caught:
            read_roster("daftar.csv", data)
        assert str(caught.value) == str(exc)
    else:
        assert read_roster("daftar.csv", data) == expected


@pytest.mark.parametrize("second", ["SPP-002", " spp-002 ", "SPP -002"])
def test_a_number_on_two_rows_is_refused_with_both_lines(second):
    data = ("Nomor Registrasi,Nama Lengkap,Email,Status\r\nSPP-001,Siti Aminah,siti@contoh.id,terdaftar\r\n"
            f"SPP-002,Budi Santoso,budi@contoh.id,terdaftar\r\n{second},Budi Lain,lain@contoh.id,terdaftar\r\n")
    with pytest.raises(LogFormatError) as error:
        read_roster("daftar.csv", data.encode())
    assert error.value.line == 4 and "sudah ada di baris 3" in str(error.value)


def test_a_cancelled_row_may_repeat_a_number():
    data = ("Nomor Registrasi,Nama Lengkap,Status\r\nSPP-001,Siti Aminah,batal\r\nSPP-001,Siti Aminah,terdaftar\r\n")
    assert [r.number for r in read_roster("daftar.csv", data.encode())] == ["SPP-001"]


def test_the_repeated_number_names_the_rows_that_count():
    data = ("Nomor Registrasi,Nama Lengkap,Status\r\nSPP-001,Siti Aminah,batal\r\nSPP-001,Siti Aminah,terdaftar\r\n"
            "SPP-001,Siti Lain,terdaftar\r\n")
    with pytest.raises(LogFormatError) as error:
        read_roster("daftar.csv", data.encode())
    assert error.value.line == 4 and "sudah ada di baris 3" in str(error.value)
