"""Microsoft Teams: attendance list 2020 (Joined/Left events), reports 2021 and 2022+ (sections),
Live Events attendee report (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from bimtek.attendance.decoding import Source
from bimtek.attendance.parsers.headers import cell, column_map, find_row, first_cell, is_blank
from bimtek.attendance.parsers.tables import ROLE_WORDS, Columns, ParseContext, interval_rows, make_reader
from bimtek.attendance.segments import (
    FLAG_JOINED_BEFORE,
    FLAG_MISSING_LEAVE,
    NO_FLAGS,
    ROLE_ATTENDEE,
    Segment,
    clean_email,
)

EXPECTED_REPORT = "laporan kehadiran Teams (bagian In-Meeting activities: Name, Join time, Leave time)"
EXPECTED_LIST = "daftar hadir Teams (Full Name, User Action, Timestamp)"
_SECTION = re.compile(r"^\d\.\s*\S")
_JOIN_WORDS = ("join", "beigetreten", "zuvor beigetreten", "bergabung", "dołącz", "rejoint", "unido", "se unió")
_LEFT_WORDS = ("left", "verlassen", "hat verlassen", "keluar", "opuści", "quitté", "salió")
_BEFORE_WORDS = ("joined before", "zuvor beigetreten", "bergabung sebelumnya")
_LIST_KEYS = ("name", "action", "timestamp")
_LIVE_KEYS = ("session_id", "name", "utc_timestamp", "action")


@dataclass
class Event:
    """One Joined/Left line of an event log."""

    when: datetime
    joining: bool
    line: int
    name: str
    email: str = ""
    role: str = ROLE_ATTENDEE
    before: bool = False
    group: tuple = ()


def _first_cells(source: Source, count: int = 40) -> list[str]:
    return [first_cell(row) for row in source.rows[:count] if not is_blank(row)]


def looks_like_report_2022(source: Source) -> bool:
    """`1. Summary` … `2. Participants` … `3. In-Meeting activities` (any portal language)."""
    cells = [c for c in _first_cells(source, 400) if _SECTION.match(c)]
    return bool(cells) and cells[0].startswith("1.") and any(c[:2] in ("2.", "3.") for c in cells)


def looks_like_report_2021(source: Source) -> bool:
    """UTF-16 report with a `Meeting Summary` block above the participant table."""
    return "meetingsummary" in _first_cells(source, 10)


def _header_has(source: Source, keys) -> bool:
    index = next((i for i, row in enumerate(source.rows[:5]) if not is_blank(row)), -1)
    return index >= 0 and all(key in column_map(source.rows[index]) for key in keys)


def looks_like_attendance_list(source: Source) -> bool:
    """`Full Name, User Action, Timestamp` event log (tab or, after Excel, comma separated)."""
    return not source.is_json and _header_has(source, _LIST_KEYS)


def looks_like_live_event(source: Source) -> bool:
    """Live Events `SessionId,ParticipantId,FullName,UserAgent,UtcEventTimestamp,Action,Role`."""
    return not source.is_json and _header_has(source, _LIVE_KEYS)


def parse_report(source: Source, ctx: ParseContext) -> list[Segment]:
    """Interval rows of the in-meeting activities table; falls back to the per-person summary table."""
    index = find_row(source.rows, lambda f: {"name", "join", "leave"} <= f.keys(), 0, len(source.rows))
    join, leave = "join", "leave"
    if index < 0:
        index = find_row(source.rows, lambda f: {"name", "first_join", "last_leave"} <= f.keys(), 0, len(source.rows))
        join, leave = "first_join", "last_leave"
        if index < 0:
            raise ctx.error(1, "tabel peserta tidak ditemukan", EXPECTED_REPORT)
        ctx.warn("bagian aktivitas (join/leave per sesi) tidak ada; memakai masuk pertama–keluar terakhir")
    cols = Columns.from_map(column_map(source.rows[index]), join=join, leave=leave)
    stop = _table_end(source, index + 1)
    return interval_rows(source, index + 1, stop, cols, ctx)


def _table_end(source: Source, first: int) -> int:
    for index in range(first, len(source.rows)):
        row = source.rows[index]
        if is_blank(row) or (_SECTION.match(first_cell(row)) and not any(c.strip() for c in row[1:])):
            return index
    return len(source.rows)


def parse_attendance_list(source: Source, ctx: ParseContext) -> list[Segment]:
    """Pair Joined/Left events per person; open sessions close at the session end and are flagged."""
    header = next(i for i, row in enumerate(source.rows) if not is_blank(row))
    found = column_map(source.rows[header])
    reader = make_reader(source, header + 1, len(source.rows), (found["timestamp"],), ctx)
    events = []
    for index in range(header + 1, len(source.rows)):
        row = source.rows[index]
        name = cell(row, found["name"])
        if name:
            events.append(_event(row, found, found["timestamp"], name, reader, source.line_of(index), ctx))
    return _pair_all(events, ctx, key=lambda event: event.name)


def parse_live_event(source: Source, ctx: ParseContext) -> list[Segment]:
    """Live Events log: UTC timestamps, events paired per participant and session id."""
    found = column_map(source.rows[0])
    utc = ParseContext(ctx.filename, timezone.utc, ctx.start, ctx.end, ctx.warnings)
    reader = make_reader(source, 1, len(source.rows), (found["utc_timestamp"],), utc)
    events = []
    for index in range(1, len(source.rows)):
        row = source.rows[index]
        name = cell(row, found["name"])
        if name:
            event = _event(row, found, found["utc_timestamp"], name, reader, source.line_of(index), ctx)
            event.group = (cell(row, found.get("participant_id")) or name, cell(row, found["session_id"]))
            events.append(event)
    return _pair_all(events, ctx, key=lambda event: event.group)


def _event(row, found: dict, time_index: int, name: str, reader, line: int, ctx: ParseContext) -> Event:
    action = cell(row, found["action"]).lower()
    joining = action.startswith(_JOIN_WORDS)
    if not joining and not action.startswith(_LEFT_WORDS):
        raise ctx.error(line, f"aksi '{action[:30]}' tidak dikenali", "Joined, Joined before atau Left")
    try:
        when = reader(cell(row, time_index))
    except (ValueError, OverflowError) as exc:
        raise ctx.error(line, f"waktu tidak dikenali ({exc})", "tanggal-waktu seperti 9/29/2020, 10:02:13 AM") from exc
    if when is None:
        raise ctx.error(line, "waktu kosong", "tanggal-waktu pada kolom Timestamp")
    role = ROLE_WORDS.get(cell(row, found.get("role")).lower(), ROLE_ATTENDEE)
    email = clean_email(cell(row, found.get("email")))
    return Event(when, joining, line, name, email, role, action.startswith(_BEFORE_WORDS))


def _pair_all(events: list[Event], ctx: ParseContext, key) -> list[Segment]:
    if not events:
        return []
    last_seen = max(event.when for event in events)
    groups: dict = {}
    for event in events:
        groups.setdefault(key(event), []).append(event)
    segments, orphans = [], 0
    for group in groups.values():
        group.sort(key=lambda event: event.when)
        orphans += _pair_group(group, ctx, last_seen, segments)
    if orphans:
        ctx.warn(f"{orphans} kejadian 'Left' tanpa 'Joined' sebelumnya diabaikan")
    return segments


def _pair_group(group: list[Event], ctx: ParseContext, last_seen: datetime, out: list) -> int:
    opened, orphans = None, 0
    for event in group:
        if event.joining:
            opened = opened or event
        elif opened is None:
            orphans += 1
        else:
            out.append(_segment(opened, event.when, NO_FLAGS, ctx))
            opened = None
    if opened is not None:
        end = ctx.end if ctx.end and ctx.end > opened.when else max(last_seen, opened.when)
        out.append(_segment(opened, end, frozenset({FLAG_MISSING_LEAVE}), ctx))
    return orphans


def _segment(opened: Event, leave: datetime, flags: frozenset, ctx: ParseContext) -> Segment:
    if opened.before:
        flags = flags | {FLAG_JOINED_BEFORE}
    return Segment(opened.name, opened.name, opened.email, opened.when, leave, ctx.filename, opened.line,
                   opened.role, flags)
