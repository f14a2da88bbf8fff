"""Daftar hadir per sesi (the form Dinas finance asks for), from the same session rows as the attendance page."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bimtek.attendance.services import session_rows
from bimtek.core.dates import format_date, format_time, format_time_range, to_local
from bimtek.reports.recap import duration_text

if TYPE_CHECKING:
    from bimtek.trainings.models import TrainingSession

PDF_PART_ROWS = 300  # a daftar hadir PDF holds at most this many rows; a longer one comes in parts (WeasyPrint
# lays out roughly 100 table rows a second, so one PDF of 7.600 rows would outlast the request deadline)
SHEET_HEADERS = ("No", "Nama", "NIP", "Instansi", "Kab/Kota", "Waktu masuk", "Waktu keluar", "Durasi", "Keterangan")


def part_count(registered: int) -> int:
    """How many PDF parts a daftar hadir of `registered` rows has (at least one)."""
    return max(1, -(-registered // PDF_PART_ROWS))


def attendance_sheet(session: TrainingSession, part: int | None = None) -> dict[str, Any]:
    """{'title', 'day', 'time', 'rows': [[No, Nama, NIP, Instansi, Kab/Kota, masuk, keluar, durasi, keterangan]]};
    `part` (1-based): only that PDF part's rows, numbered on from the previous parts."""
    training = session.training
    tz = training.timezone
    rows = []
    table = session_rows(session, page=part, page_size=PDF_PART_ROWS) if part else session_rows(session, page_size=None)
    first = table.page.offset + 1
    for number, row in enumerate(table.rows, start=first):
        reg, record, cell = row.registration, row.record, row.cell
        note = cell.label
        if row.override is not None:
            note += f" (koreksi panitia: {row.override.reason})" if row.override.reason else " (koreksi panitia)"
        rows.append([number, reg.nama_lengkap, reg.nip or "", reg.instansi, reg.kabupaten,
                     format_time(record.first_join, tz, with_zone=False) if record and record.first_join else "",
                     format_time(record.last_leave, tz, with_zone=False) if record and record.last_leave else "",
                     duration_text(cell.attended_seconds), note])
    return {"title": session.label, "day": format_date(to_local(session.starts_at, tz).date(), weekday=True),
            "time": format_time_range(session.starts_at, session.ends_at, tz), "rows": rows,
            "training": training.name, "headers": SHEET_HEADERS, "part": table.page.number if part else None,
            "parts": table.page.pages if part else 1, "registered": table.registered}
