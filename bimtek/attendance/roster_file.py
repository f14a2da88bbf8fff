"""Read the app's roster export (CSV or XLSX) into matching `Registration`s (pure; used by the CLI)."""

from __future__ import annotations

from bimtek.attendance.decoding import load_source
from bimtek.attendance.matching import Registration, number_key
from bimtek.attendance.parsers.headers import cell, header_key, is_blank
from bimtek.attendance.segments import LogFormatError

EXPECTED_ROSTER = "ekspor daftar peserta dengan kolom Nama Lengkap, Email, Nomor Registrasi"
ROSTER_COLUMNS = {"namalengkap": "name", "nama": "name", "email": "email", "e-mail": "email",
                  "nomorregistrasi": "number", "no.registrasi": "number", "status": "status"}
SKIPPED_STATUSES = frozenset({"batal", "dibatalkan", "ditolak", "mengundurkan diri"})


def read_roster(filename: str, data: bytes) -> list[Registration]:
    """Registrations of a roster export; cancelled/rejected rows are skipped."""
    source = load_source(filename, data)
    if source.is_json or not source.rows:
        raise LogFormatError(filename, 1, "daftar peserta tidak terbaca", EXPECTED_ROSTER)
    found: dict[str, int] = {}
    for index, text in enumerate(source.rows[0]):
        found.setdefault(ROSTER_COLUMNS.get(header_key(text), ""), index)
    if "name" not in found or "number" not in found:
        raise LogFormatError(filename, source.line_of(0), "kolom daftar peserta tidak lengkap", EXPECTED_ROSTER)
    registrations = []
    columns = (found["number"], found["name"], found.get("email"), found.get("status"))
    width = 1 + max(column for column in columns if column is not None)
    for index in range(1, len(source.rows)):
        row = source.rows[index]
        if len(row) >= width and row[columns[0]].strip() and row[columns[1]].strip():  # the usual row
            item = _registration(row, columns)
            if item is not None:
                registrations.append(item)
            continue
        if is_blank(row) or cell(row, columns[3]).lower() in SKIPPED_STATUSES:
            continue
        number, name = cell(row, columns[0]), cell(row, columns[1])
        if not number or not name:
            raise LogFormatError(filename, source.line_of(index), "nama atau nomor registrasi kosong", EXPECTED_ROSTER)
        registrations.append(Registration(number, name, cell(row, columns[2]).lower()))
    if len({number_key(item.number) for item in registrations}) != len(registrations):
        _reject_repeated_number(filename, source, columns[0], columns[3])
    return registrations


def _reject_repeated_number(filename: str, source, column: int, status: int | None) -> None:
    """A registration number on two rows is an edited roster: which row means whom cannot be told (LogFormatError
    at the second row)."""
    first_line: dict[str, int] = {}
    for index in range(1, len(source.rows)):
        key = number_key(cell(source.rows[index], column))
        if not key or cell(source.rows[index], status).lower() in SKIPPED_STATUSES:
            continue
        if key in first_line:
            number = cell(source.rows[index], column)
            raise LogFormatError(filename, source.line_of(index),
                                 f"nomor registrasi {number} sudah ada di baris {first_line[key]}", EXPECTED_ROSTER)
        first_line[key] = source.line_of(index)


def _registration(row, columns) -> Registration | None:
    """A row with every column and a number and a name: its registration, or None when its status skips it."""
    number, name, email, status = columns
    if status is not None and row[status].strip().lower() in SKIPPED_STATUSES:
        return None
    return Registration(row[number].strip(), row[name].strip(), row[email].strip().lower() if email is not None else "")
