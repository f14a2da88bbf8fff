"""Shared machinery of the tabular parsers: parse context and the interval-row builder (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from bimtek.attendance.decoding import EXPECTED_LOG, Source
from bimtek.attendance.parsers.headers import YES, cell, is_blank
from bimtek.attendance.segments import (
    FLAG_GUEST, FLAG_MISSING_LEAVE, FLAG_WAITING_ROOM, NO_FLAGS, ROLE_ATTENDEE, ROLE_HOST, ROLE_PANELIST,
    LogFormatError, Segment, clean_email,
)
from bimtek.attendance.timeparse import DateReader

ROLE_WORDS = {
    "organizer": ROLE_HOST, "organiser": ROLE_HOST, "organizator": ROLE_HOST, "organisator": ROLE_HOST,
    "penyelenggara": ROLE_HOST, "host": ROLE_HOST, "co-organizer": ROLE_PANELIST, "presenter": ROLE_PANELIST,
    "osoba prowadząca": ROLE_PANELIST, "referent": ROLE_PANELIST, "referentin": ROLE_PANELIST,
    "moderator": ROLE_PANELIST, "panelist": ROLE_PANELIST, "penyaji": ROLE_PANELIST, "narasumber": ROLE_PANELIST,
    "attendee": ROLE_ATTENDEE, "uczestnik": ROLE_ATTENDEE, "teilnehmer": ROLE_ATTENDEE, "peserta": ROLE_ATTENDEE,
}


@dataclass
class ParseContext:
    """What a parser knows besides the bytes: file name, zone of naive times, session window (UTC)."""

    filename: str
    tz: tzinfo
    start: datetime | None = None
    end: datetime | None = None
    warnings: list = field(default_factory=list)

    @property
    def hint(self) -> date | None:
        """Local calendar date of the session start (resolves d/m vs m/d), if known."""
        return self.start.astimezone(self.tz).date() if self.start else None

    def error(self, line: int, problem: str, expected: str = EXPECTED_LOG) -> LogFormatError:
        """Build (not raise) the package error for this file."""
        return LogFormatError(self.filename, line, problem, expected)

    def warn(self, text: str) -> None:
        """Record a file-level warning, prefixed with the file name."""
        self.warnings.append(f"{self.filename}: {text}")


@dataclass
class Columns:
    """Column indexes of an interval table (None = absent) and per-table options."""

    name: int | None
    join: int
    leave: int
    email: int | None = None
    guest: int | None = None
    waiting_room: int | None = None
    role: int | None = None
    attended: int | None = None
    first_name: int | None = None
    last_name: int | None = None
    split_names: bool = False
    default_role: str = ROLE_ATTENDEE

    @classmethod
    def from_map(cls, found: dict, join="join", leave="leave", **options) -> "Columns":
        """Build from a `column_map` result (join/leave may name the aggregated fields)."""
        keys = ("email", "guest", "waiting_room", "role", "attended", "first_name", "last_name")
        extra = {key: found.get(key) for key in keys}
        return cls(name=found.get("name"), join=found[join], leave=found[leave], **extra, **options)


def make_reader(source: Source, first: int, stop: int, indexes, ctx: ParseContext, base_date=None) -> DateReader:
    """DateReader whose d/m order is decided from every value in the given columns of rows[first:stop]."""
    samples = set()
    for row in source.rows[first:stop]:
        for index in indexes:
            if index is not None and index < len(row):
                samples.add(row[index])
    reader = DateReader(samples, ctx.tz, ctx.hint, base_date=base_date)
    for text in reader.warnings:
        ctx.warn(text)
    return reader


def split_original_name(raw: str) -> tuple[str, str]:
    """Zoom `Display (Original)` → (display, original); names not ending in a balanced `)` stay whole."""
    if not raw.endswith(")"):
        return raw, raw
    depth = 0
    for index in range(len(raw) - 1, -1, -1):
        char = raw[index]
        depth += char == ")"
        depth -= char == "("
        if depth == 0:
            display, original = raw[:index].strip(), raw[index + 1:-1].strip()
            return (display, original) if display and original else (raw, raw)
    return raw, raw


def interval_rows(source: Source, first: int, stop: int, cols: Columns, ctx: ParseContext,
                  reader: DateReader | None = None) -> list[Segment]:
    """Segments from rows[first:stop] of a join/leave table; skips blanks, no-shows and rows without join."""
    reader = reader or make_reader(source, first, stop, (cols.join, cols.leave), ctx)
    names: dict[str, tuple[str, str]] = {}
    segments, skipped = [], 0
    for index in range(first, stop):
        row = source.rows[index]
        segment = _interval_row(row, cols, reader, names, ctx, source.line_of(index))
        if segment is None:
            skipped += 0 if is_blank(row) else 1
        else:
            segments.append(segment)
    if skipped:
        ctx.warn(f"{skipped} baris tanpa kehadiran (tidak hadir, tanpa nama atau tanpa waktu masuk) dilewati")
    return segments


def _interval_row(row, cols: Columns, reader, names, ctx: ParseContext, line: int) -> Segment | None:
    raw = _row_name(row, cols)
    if not raw or (cols.attended is not None and cell(row, cols.attended).lower() not in YES):
        return None
    try:
        join = reader(cell(row, cols.join))
        leave = reader(cell(row, cols.leave))
    except (ValueError, OverflowError) as exc:
        raise ctx.error(line, f"waktu masuk/keluar tidak dikenali ({exc})",
                        "tanggal-waktu seperti 03/05/2024 08:55:03 AM atau 15/11/22, 09:30:17") from exc
    if join is None:
        return None
    flags = _row_flags(row, cols)
    if leave is None or leave < join:
        flags = flags | {FLAG_MISSING_LEAVE}
        leave = max(join, ctx.end) if ctx.end and leave is None else join
    pair = names.get(raw)
    if pair is None:
        pair = names[raw] = split_original_name(raw) if cols.split_names else (raw, raw)
    role = ROLE_WORDS.get(cell(row, cols.role).lower(), cols.default_role) if cols.role is not None else cols.default_role
    return Segment(pair[0], pair[1], clean_email(cell(row, cols.email)), join, leave, ctx.filename, line,
                   role, flags)


def _row_name(row, cols: Columns) -> str:
    name = cell(row, cols.name)
    if not name and cols.first_name is not None and cols.name is None:
        name = " ".join(part for part in (cell(row, cols.first_name), cell(row, cols.last_name)) if part)
    return name


def _row_flags(row, cols: Columns) -> frozenset:
    flags = NO_FLAGS
    if cols.guest is not None and cell(row, cols.guest).lower() in YES:
        flags = flags | {FLAG_GUEST}
    if cols.waiting_room is not None and cell(row, cols.waiting_room).lower() in YES:
        flags = flags | {FLAG_WAITING_ROOM}
    return flags
