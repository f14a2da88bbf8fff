"""Zoom CSV exports: meeting participants (2020–2025, unique users, Active Hosts flattened) and webinar
attendee reports (2020, 2022+) (pure)."""

from __future__ import annotations

from bimtek.attendance.decoding import Source
from bimtek.attendance.parsers.headers import cell, column_map, find_row, first_cell, header_key, is_blank
from bimtek.attendance.parsers.tables import Columns, ParseContext, interval_rows, split_original_name
from bimtek.attendance.segments import (
    FLAG_GUEST,
    FLAG_TOTALS_ONLY,
    NO_FLAGS,
    ROLE_ATTENDEE,
    ROLE_HOST,
    ROLE_PANELIST,
    Segment,
    clean_email,
)

EXPECTED_ZOOM = "laporan peserta Zoom dengan kolom Name (Original Name), Join Time, Leave Time"
ZOOM_NAME_KEYS = frozenset({
    "name(originalname)", "名前(元の名前)", "name(ursprünglichername)", "이름(원래이름)", "nome(nomeoriginale)",
    "nama(namaasli)", "nombre(nombreoriginal)", "nom(nomd'origine)", "nazwa(oryginalnanazwa)",
})
WEBINAR_TITLES = frozenset({"attendeereport", "참석자보고서", "laporanpeserta"})
WEBINAR_SECTIONS = {
    "hostdetails": ROLE_HOST, "panelistdetails": ROLE_PANELIST, "attendeedetails": ROLE_ATTENDEE,
    "otherattended": ROLE_ATTENDEE, "호스트세부정보": ROLE_HOST, "패널리스트세부정보": ROLE_PANELIST,
    "참석자세부정보": ROLE_ATTENDEE,
}


def _name_column(row) -> int:
    for index, text in enumerate(row):
        if header_key(text) in ZOOM_NAME_KEYS:
            return index
    return -1


def _participant_header(source: Source, want_totals: bool | None = None) -> int:
    """Row index of the participant table header (scanning past any meeting block), or -1."""
    for index, row in enumerate(source.rows[:60]):
        start = _name_column(row)
        if start < 0:
            continue
        found = column_map(row, start)
        has_times = "join" in found and "leave" in found
        if want_totals is None or want_totals == (not has_times and "total_minutes" in found):
            if has_times or "total_minutes" in found:
                return index
    return -1


def looks_like_participants(source: Source) -> bool:
    """Zoom participants with join/leave times (with or without meeting block)."""
    return not source.is_json and _participant_header(source, want_totals=False) >= 0


def looks_like_unique_users(source: Source) -> bool:
    """Zoom participants exported with "Show unique users" (Total Duration only)."""
    return not source.is_json and _participant_header(source, want_totals=True) >= 0


def looks_like_active_hosts(source: Source) -> bool:
    """Active Hosts "Generate details": meeting columns repeated before Name (Original Name)."""
    if source.is_json or not source.rows:
        return False
    index = _participant_header(source)
    if index < 0:
        return False
    keys = [header_key(text) for text in source.rows[index][: _name_column(source.rows[index])]]
    return "topic" in keys and "meetingid" in keys


def looks_like_webinar(source: Source) -> bool:
    """Zoom webinar Attendee Report (first cell `Attendee Report`)."""
    head = [first_cell(row) for row in source.rows[:3] if not is_blank(row)] if not source.is_json else []
    return bool(head) and head[0] in WEBINAR_TITLES


def parse_participants(source: Source, ctx: ParseContext) -> list[Segment]:
    """Segments of a participants report; unique-users files give totals-only segments."""
    index = _participant_header(source)
    if index < 0:
        raise ctx.error(1, "tabel peserta Zoom tidak ditemukan", EXPECTED_ZOOM)
    header = source.rows[index]
    start = _name_column(header)
    found = column_map(header, start)
    if "join" not in found:
        return _totals_rows(source, index + 1, found, ctx)
    cols = Columns.from_map(found, split_names=True)
    return interval_rows(source, index + 1, len(source.rows), cols, ctx)


def _totals_rows(source: Source, first: int, found: dict, ctx: ParseContext) -> list[Segment]:
    segments = []
    for index in range(first, len(source.rows)):
        row = source.rows[index]
        raw = cell(row, found["name"])
        if not raw:
            continue
        line = source.line_of(index)
        minutes = cell(row, found["total_minutes"])
        try:
            seconds = round(float(minutes.replace(",", ".")) * 60)
        except ValueError as exc:
            raise ctx.error(line, f"durasi total '{minutes[:20]}' bukan angka", "menit (Total Duration)") from exc
        flags = {FLAG_TOTALS_ONLY} | ({FLAG_GUEST} if cell(row, found.get("guest")).lower() == "yes" else NO_FLAGS)
        display, original = split_original_name(raw)
        segments.append(Segment(display, original, clean_email(cell(row, found.get("email"))), None, None,
                                ctx.filename, line, ROLE_ATTENDEE, frozenset(flags), seconds))
    ctx.warn("laporan 'unique users' hanya berisi durasi total per orang; tidak dapat dipotong ke jendela sesi")
    return segments


def parse_webinar(source: Source, ctx: ParseContext) -> list[Segment]:
    """Segments of every section (host, panelist, attendee, other) with the section's role."""
    titles = [i for i, row in enumerate(source.rows) if first_cell(row) in WEBINAR_SECTIONS]
    if not titles:
        raise ctx.error(1, "bagian 'Attendee Details' tidak ditemukan", "laporan webinar Zoom (Attendee Report)")
    segments = []
    for position, title in enumerate(titles):
        stop = titles[position + 1] if position + 1 < len(titles) else len(source.rows)
        role = WEBINAR_SECTIONS[first_cell(source.rows[title])]
        segments.extend(_webinar_section(source, title + 1, stop, role, ctx))
    return segments


def _webinar_section(source: Source, first: int, stop: int, role: str, ctx: ParseContext) -> list[Segment]:
    header = find_row(source.rows[:stop], lambda found: "join" in found and "leave" in found, first, stop - first)
    if header < 0:
        return []
    found = column_map(source.rows[header])
    if "name" not in found and "first_name" not in found:
        raise ctx.error(source.line_of(header), "kolom nama tidak ditemukan", "User Name atau First Name")
    split = any("(originalname)" in header_key(text) for text in source.rows[header])
    cols = Columns.from_map(found, split_names=split, default_role=role)
    return interval_rows(source, header + 1, stop, cols, ctx)
