"""Google Meet: Workspace attendance CSV (time of day only) and the rejected extension roll-call grid (pure)."""

from __future__ import annotations

import re
from datetime import date

from bimtek.attendance.decoding import Source
from bimtek.attendance.parsers.headers import cell, column_map, header_key, is_blank
from bimtek.attendance.parsers.tables import ParseContext, make_reader
from bimtek.attendance.segments import FLAG_TOTALS_ONLY, ROLE_ATTENDEE, Segment, clean_email
from bimtek.attendance.timeparse import parse_duration, shift_past

EXPECTED_MEET = "laporan kehadiran Google Meet (First name, Last name, Email, Duration, Time joined, Time exited)"
_MEET_KEYS = frozenset({"timejoined", "firstseen"})
_FILE_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_GRID_STAMP = re.compile(r"^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4},?\s+\d{1,2}:\d{2}")


def looks_like_meet_csv(source: Source) -> bool:
    """Header with `Time joined`/`Time exited` (or `First seen`) and no dates in the rows."""
    if source.is_json or not source.rows:
        return False
    return any(header_key(text) in _MEET_KEYS for text in source.rows[0])


def looks_like_extension_grid(source: Source) -> bool:
    """"Meet Attendance" Chrome extension sheet: row 1 = snapshot times, row 2 = meet.google.com URLs."""
    if source.is_json or len(source.rows) < 2:
        return False
    stamps = [text for text in source.rows[0] if text.strip()]
    return bool(stamps) and all(_GRID_STAMP.match(t.strip()) for t in stamps) and any(
        "meet.google.com" in text for text in source.rows[1])


def reject_extension_grid(source: Source, ctx: ParseContext) -> list[Segment]:
    """Always raises: a roll-call grid holds snapshots, not join/leave times."""
    raise ctx.error(1, "ekspor ekstensi Chrome 'Meet Attendance' (grid cuplikan) tidak didukung", EXPECTED_MEET)


def session_date(filename: str, ctx: ParseContext) -> date:
    """Date of a time-only Meet report: `YYYY-MM-DD` in the file name, else the session start date."""
    match = _FILE_DATE.search(filename)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    if ctx.hint is None:
        raise ctx.error(1, "tanggal rapat tidak diketahui", "nama berkas 'YYYY-MM-DD HH:MM …' atau tanggal sesi")
    return ctx.hint


def parse_meet_csv(source: Source, ctx: ParseContext) -> list[Segment]:
    """One totals-only segment per person: first join, last exit (midnight wrap) and total duration."""
    found = column_map(source.rows[0])
    if "join" not in found or "leave" not in found:
        raise ctx.error(source.line_of(0), "kolom Time joined/Time exited tidak lengkap", EXPECTED_MEET)
    base = session_date(source.filename, ctx)
    reader = make_reader(source, 1, len(source.rows), (found["join"], found["leave"]), ctx, base_date=base)
    segments = []
    for index in range(1, len(source.rows)):
        segment = _meet_row(source.rows[index], found, reader, source.line_of(index), ctx)
        if segment is not None:
            segments.append(segment)
    if segments:
        ctx.warn("laporan Google Meet hanya berisi masuk pertama, keluar terakhir dan durasi total per orang")
    return segments


def _meet_row(row, found: dict, reader, line: int, ctx: ParseContext) -> Segment | None:
    if is_blank(row):
        return None
    name = cell(row, found.get("name")) or " ".join(
        p for p in (cell(row, found.get("first_name")), cell(row, found.get("last_name"))) if p)
    try:
        join, leave = reader(cell(row, found["join"])), reader(cell(row, found["leave"]))
        total = parse_duration(cell(row, found.get("duration_text")))
    except (ValueError, OverflowError) as exc:
        raise ctx.error(line, f"jam masuk/keluar tidak dikenali ({exc})", "jam seperti 08:58:40") from exc
    if not name or join is None or leave is None:
        return None
    leave = shift_past(join, leave)
    if total is None:
        total = int((leave - join).total_seconds())
    return Segment(name, name, clean_email(cell(row, found.get("email"))), join, leave, ctx.filename, line,
                   ROLE_ATTENDEE, frozenset({FLAG_TOTALS_ONLY}), total)
