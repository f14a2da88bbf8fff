"""Consistency of a training's data (pure: no Flask, no database).

`field_problems` returns every problem of the submitted values at once (field → message) so the form can show
them together; `schedule_warnings` says when the schedule, the JP and publishing do not fit together.
Refused: what can only be a mistake (registration opening after the training ended, closing before it opens,
publishing without sessions). Warned: what may be intended (registration still open after the training ended,
for late entries of people who attended; session hours far from JP × minutes per JP, breaks included).
"""
from datetime import datetime, time

from bimtek.core.dates import format_date

# Session time may include breaks and opening/closing; beyond these ratios the JP is probably mistyped.
HOURS_RATIO_LOW, HOURS_RATIO_HIGH = 0.8, 1.5


def field_problems(data):
    """Every cross-field problem of training form values (local times); {} when consistent.

    Values the form could not parse are None and simply skipped: their own field already says why.
    """
    problems = {}
    start, end = data.get("start_date"), data.get("end_date")
    opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
    if start and end and end < start:
        problems["end_date"] = "Tanggal selesai tidak boleh sebelum tanggal mulai."
    if opens and closes and closes <= opens:
        problems["registration_closes_at"] = "Penutupan pendaftaran harus setelah pembukaannya."
    if end and opens and opens.date() > end:
        problems["registration_opens_at"] = (
            f"Pendaftaran dibuka setelah pelatihan berakhir ({format_date(end)}).")
    if data.get("pass_rule") == "jp" and not data.get("min_jp"):
        problems["min_jp"] = "Isi minimal JP bila aturan kelulusan berdasarkan JP."
    return problems


def window_warnings(end, closes):
    """A warning when registration stays open after the training ended (local date and time), else []."""
    if end and closes and closes > datetime.combine(end, time.max):
        return [f"Pendaftaran ditutup setelah pelatihan berakhir ({format_date(end)}). Biasanya pendaftaran "
                f"ditutup paling lambat pada hari terakhir pelatihan; biarkan bila memang untuk pendaftaran "
                f"susulan."]
    return []


def publish_problem(publish, session_count):
    """The refusal for publishing a training that has no session yet, else None."""
    if publish and session_count == 0:
        return ("Pelatihan belum punya sesi. Buat jadwal sesi dulu, lalu tampilkan di halaman publik: "
                "tanpa jadwal, peserta tidak tahu kapan harus hadir.")
    return None


def schedule_warnings(session_minutes, total_jp, minutes_per_jp, published, session_count):
    """Warnings about the schedule against the JP (Indonesian sentences); [] when they fit."""
    warnings = []
    if published and session_count == 0:
        warnings.append("Pelatihan ditandai tampil di halaman publik, tetapi belum punya sesi; "
                        "halaman publik dan pendaftaran baru terbuka setelah jadwal dibuat.")
    expected = total_jp * minutes_per_jp
    if session_minutes and expected:
        ratio = session_minutes / expected
        if not HOURS_RATIO_LOW <= ratio <= HOURS_RATIO_HIGH:
            warnings.append(
                f"Total waktu sesi {_hours(session_minutes)} jam tidak sesuai dengan {total_jp} JP × "
                f"{minutes_per_jp} menit = {_hours(expected)} jam. Periksa jadwal sesi atau JP materi.")
    elif session_minutes and not total_jp:
        warnings.append("Jadwal sudah ada, tetapi belum ada materi ber-JP; sertifikat akan mencetak 0 JP.")
    return warnings


def _hours(minutes):
    """'22,5' — hours with an Indonesian decimal comma, no trailing ',0'."""
    value = round(minutes / 60, 1)
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
