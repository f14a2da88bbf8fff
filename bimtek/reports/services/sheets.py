"""Daftar hadir per sesi (the form Dinas finance asks for), from the same session rows as the attendance page."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bimtek.attendance.services import session_rows
from bimtek.core.dates import format_date, format_time, format_time_range, to_local
from bimtek.reports.recap import duration_text

if TYPE_CHECKING:
    from bimtek.trainings.models import TrainingSession

SHEET_HEADERS = ("No", "Nama", "NIP", "Instansi", "Kab/Kota", "Waktu masuk", "Waktu keluar", "Durasi", "Keterangan")


def attendance_sheet(session: TrainingSession) -> dict[str, Any]:
    """{'title', 'day', 'time', 'rows': [[No, Nama, NIP, Instansi, Kab/Kota, masuk, keluar, durasi, keterangan]]}."""
    training = session.training
    tz = training.timezone
    rows = []
    for number, row in enumerate(session_rows(session, page_size=None).rows, start=1):
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
            "training": training.name, "headers": SHEET_HEADERS}
