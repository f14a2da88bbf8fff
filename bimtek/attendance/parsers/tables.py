"""Shared machinery of the tabular parsers: parse context and the interval-row builder (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from operator import itemgetter

from bimtek.attendance.decoding import EXPECTED_LOG, Source
from bimtek.attendance.parsers.headers import YES, cell, is_blank
from bimtek.attendance.segments import (
    FLAG_GUEST,
    FLAG_MISSING_LEAVE,
    FLAG_WAITING_ROOM,
    ROLE_ATTENDEE,
    ROLE_HOST,
    ROLE_PANELIST,
    LogFormatError,
    Segment,
    clean_email,
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
    rows = source.rows[first:stop]
    shortest = min(map(len, rows), default=0)
    for index in indexes:
        if index is not None and index < shortest:
            samples.update(map(itemgetter(index), rows))  # C-level loop when no row is too short
        elif index is not None:
            samples.update([row[index] for row in rows if index < len(row)])
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
    memo = _RowMemo(cols, ctx)
    rows = source.rows[first:stop]
    lines = source.lines[first:stop] if len(source.lines) >= stop else [source.line_of(i) for i in range(first, stop)]
    if cols.name is not None and cols.attended is None:
        segments, skipped = _fast_rows(rows, lines, cols, reader, memo, ctx)
    else:
        segments, skipped = [], 0
        for row, line in zip(rows, lines):
            skipped += _generic_row(row, cols, reader, memo, ctx, line, segments)
    if skipped:
        ctx.warn(f"{skipped} baris tanpa kehadiran (tidak hadir, tanpa nama atau tanpa waktu masuk) dilewati")
    return segments


def _fast_rows(rows, lines, cols: Columns, reader: DateReader, memo: "_RowMemo", ctx: ParseContext):
    """Same result as `_interval_row` per row, but column-indexed: the per-row work is two C-level
    itemgetters and dict hits on raw cells (identities and timestamps repeat across rows)."""
    who = memo.identity_getter()
    when = itemgetter(cols.join, cols.leave)
    identities, times = _Memo(memo.identity), _Memo(reader.read_raw)
    segments, skipped, filename, end = [], 0, ctx.filename, ctx.end
    append = segments.append
    for row, line in zip(rows, lines):
        try:
            identity = identities[who(row)]
            join_text, leave_text = when(row)
        except IndexError:  # short row: the generic path knows which cells count as absent
            skipped += _generic_row(row, cols, reader, memo, ctx, line, segments)
            continue
        if not identity:  # blank name
            skipped += 0 if is_blank(row) else 1
            continue
        try:
            join, leave = times[join_text], times[leave_text]
        except (ValueError, OverflowError) as exc:
            raise ctx.error(line, f"waktu masuk/keluar tidak dikenali ({exc})", _EXPECTED_TIME) from exc
        if join is None:
            skipped += 1
            continue
        display, original, email, flags, role = identity
        if leave is None or leave < join:
            flags = flags | {FLAG_MISSING_LEAVE}
            leave = max(join, end) if end and leave is None else join
        append(Segment(display, original, email, join, leave, filename, line, role, flags))
    return segments, skipped


def _generic_row(row, cols: Columns, reader, memo: "_RowMemo", ctx: ParseContext, line: int, out: list) -> int:
    """Append the row's segment to `out` via `_interval_row`; 1 when a non-blank row was skipped, else 0."""
    segment = _interval_row(row, cols, reader, memo, ctx, line)
    if segment is None:
        return 0 if is_blank(row) else 1
    out.append(segment)
    return 0


class _Memo(dict):
    """key → compute(key), computed on first sight; hits stay plain C-level dict subscripts."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = self.compute(key)
        return value


_EXPECTED_TIME = "tanggal-waktu seperti 03/05/2024 08:55:03 AM atau 15/11/22, 09:30:17"


class _RowMemo:
    """Per-file caches of the per-row string work (names, e-mails, flags, roles repeat a lot)."""

    def __init__(self, cols: Columns, ctx: ParseContext):
        self.cols = cols
        self.names: dict[str, tuple[str, str]] = {}
        self.emails: dict[str, str] = {}
        self.flags: dict[tuple[str, str], frozenset] = {}
        self.roles: dict[str, str] = {}

    def name(self, raw: str) -> tuple[str, str]:
        pair = self.names.get(raw)
        if pair is None:
            pair = self.names[raw] = split_original_name(raw) if self.cols.split_names else (raw, raw)
        return pair

    def email(self, raw: str) -> str:
        value = self.emails.get(raw)
        if value is None:
            value = self.emails[raw] = clean_email(raw)
        return value

    def row_flags(self, guest: str, waiting: str) -> frozenset:
        key = (guest, waiting)
        value = self.flags.get(key)
        if value is None:
            value = self.flags[key] = _flags(guest.strip().lower() in YES, waiting.strip().lower() in YES)
        return value

    def identity_getter(self):
        """Getter of the raw (name, email, guest, waiting room, role) cells of a row (IndexError when the row
        is short); absent columns read the name cell again and are ignored by `identity`."""
        cols = self.cols
        return itemgetter(*(cols.name if index is None else index
                            for index in (cols.name, cols.email, cols.guest, cols.waiting_room, cols.role)))

    def identity(self, cells) -> tuple:
        """(display, original, e-mail, flags, role) of the raw cells of `identity_getter`; () for a blank name."""
        cols = self.cols
        raw = cells[0].strip()
        if not raw:
            return ()
        indexes = (cols.email, cols.guest, cols.waiting_room, cols.role)
        email, guest, waiting, role = ("" if index is None else text.strip() for index, text in zip(indexes, cells[1:]))
        display, original = self.name(raw)
        role = self.role(role) if cols.role is not None else cols.default_role
        return display, original, self.email(email), self.row_flags(guest, waiting), role

    def role(self, raw: str) -> str:
        value = self.roles.get(raw)
        if value is None:
            value = self.roles[raw] = ROLE_WORDS.get(raw.strip().lower(), self.cols.default_role)
        return value


def _flags(guest: bool, waiting: bool) -> frozenset:
    return frozenset(({FLAG_GUEST} if guest else set()) | ({FLAG_WAITING_ROOM} if waiting else set()))


def _interval_row(row, cols: Columns, reader, memo: _RowMemo, ctx: ParseContext, line: int) -> Segment | None:
    raw = _row_name(row, cols)
    if not raw or (cols.attended is not None and cell(row, cols.attended).lower() not in YES):
        return None
    try:
        join = reader(cell(row, cols.join))
        leave = reader(cell(row, cols.leave))
    except (ValueError, OverflowError) as exc:
        raise ctx.error(line, f"waktu masuk/keluar tidak dikenali ({exc})", _EXPECTED_TIME) from exc
    if join is None:
        return None
    flags = memo.row_flags(cell(row, cols.guest), cell(row, cols.waiting_room))
    if leave is None or leave < join:
        flags = flags | {FLAG_MISSING_LEAVE}
        leave = max(join, ctx.end) if ctx.end and leave is None else join
    display, original = memo.name(raw)
    role = memo.role(cell(row, cols.role)) if cols.role is not None else cols.default_role
    return Segment(display, original, memo.email(cell(row, cols.email)), join, leave, ctx.filename, line,
                   role, flags)


def _row_name(row, cols: Columns) -> str:
    name = row[cols.name].strip() if cols.name is not None and cols.name < len(row) else ""
    if not name and cols.first_name is not None and cols.name is None:
        name = " ".join(part for part in (cell(row, cols.first_name), cell(row, cols.last_name)) if part)
    return name
