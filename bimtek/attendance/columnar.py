"""Columnar reading of the big common log (Zoom participants CSV) into arrays, not per-row objects (pure).

A 100,000-row log through `csv.reader` → `Segment` objects costs ~10× the bare `csv.reader` pass; read as
columns by polars (native, multi-threaded) and worked on with numpy it costs about what the bare pass costs.

Why polars: maintained, wheels for CPython 3.11 on every platform we deploy to, a multi-threaded CSV reader
that keeps strings in Arrow buffers (no Python object per cell: ~1× the file size in memory, bounded by the
row budget), and string/regex kernels for the per-column work. pyarrow reads CSV as fast, but its string
kernels would still need numpy or polars for the grouping, and its wheel is larger.

`read_columns` never raises for bad input: it answers None ("not for me") whenever the file is anything but a
plain, well-formed participants table — another format, not UTF-8, a multi-line or malformed quoted cell, a
time it does not read exactly like `DateReader`, anything over the budget — and the engine then takes the
per-row path, which gives the documented error messages. Its own work is bounded by the row budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo

import numpy as np
import polars as pl

from bimtek.attendance.columnar_identity import PY_SPACE, identities as identities_of
from bimtek.attendance.columnar_stamps import read_stamps, stamp_bytes
from bimtek.attendance.decoding import Source, table_from_text
from bimtek.attendance.parsers import detect_format
from bimtek.attendance.parsers.headers import column_map
from bimtek.attendance.parsers.tables import Columns, ParseContext, _RowMemo
from bimtek.attendance.parsers.zoom import _name_column, _participant_header
from bimtek.attendance.segments import LogFormatError
from bimtek.core.limits import ATTENDANCE_LOG, HEADER_ROWS_ALLOWANCE, BudgetExceeded

COLUMNAR_FORMATS = frozenset({"zoom_participants", "zoom_active_hosts"})
_HEAD_BYTES = 64 * 1024  # the header is within the first 60 rows (`_participant_header`): far less than this
_DETECT_ROWS = 400  # the furthest any format detector looks (`teams.looks_like_report_2022`)
_US = 1_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

@dataclass
class LogColumns:
    """One log as arrays over its kept rows (rows with a name and a join time), in file order.

    `identity[i]` indexes `identities` ((display, original, e-mail, flags, role), as `_RowMemo.identity`);
    times are int64 microseconds since the epoch, UTC; `missing_leave[i]` adds FLAG_MISSING_LEAVE."""

    filename: str
    format: str
    identities: list[tuple]
    identity: np.ndarray
    join: np.ndarray
    leave: np.ndarray
    missing_leave: np.ndarray
    line: np.ndarray
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.join)


def moment(microseconds: int) -> datetime:
    """Aware UTC datetime of epoch microseconds (what `Segment` times are)."""
    return _EPOCH + timedelta(microseconds=int(microseconds))


def moments(micros: np.ndarray) -> list[datetime]:
    """[moment(m) for m in micros], from whole seconds in one call each when every value is one."""
    if len(micros) and not (micros % _US).any():
        try:
            return [datetime.fromtimestamp(second, timezone.utc) for second in (micros // _US).tolist()]
        except (OverflowError, ValueError, OSError):
            pass  # outside what the platform's time functions take: the exact timedelta sum
    return [moment(value) for value in micros.tolist()]


def read_columns(filename: str, data: bytes, tz: tzinfo, start: datetime | None,
                 end: datetime | None) -> LogColumns | None:
    """The log as columns, or None when the per-row parser must read it (see the module doc)."""
    try:
        return _read(filename, data, tz, start, end)
    except (pl.exceptions.PolarsError, LogFormatError, BudgetExceeded, ValueError, OverflowError,
            UnicodeDecodeError, IndexError, KeyError):
        return None


def _read(filename, data, tz, start, end) -> LogColumns | None:
    head_bytes = _split_head(data)
    if head_bytes is None or b"\x00" in data or head_bytes.count(b"\r") != head_bytes.count(b"\r\n"):
        return None  # not UTF-8 text; or a lone CR, which ends a row for csv.reader (`_frame` checks the rest)
    head = table_from_text(filename, head_bytes.decode("utf-8"))  # the rows the detectors look at
    if len(head_bytes) < len(data) - 3 and len(head.rows) <= _DETECT_ROWS:
        return None  # the detectors might look further than the head: detect on the whole file, per row
    key = _format_of(head)
    index = _participant_header(head) if key in COLUMNAR_FORMATS else -1
    if index < 0 or len(head.rows) < index + 2 or head.lines[index + 1] != index + 2:
        return None  # rows up to the header (and the header itself) must be one physical line each
    header = head.rows[index]
    found = column_map(header, _name_column(header))
    if "join" not in found or "leave" not in found or "name" not in found:
        return None
    cols = Columns.from_map(found, split_names=True)
    offset = _line_offset(data, index + 1)
    if offset is None:
        return None
    frame = _frame(data, offset, len(header), head.delimiter, index + 1)
    if frame is None:
        return None
    ctx = ParseContext(filename, tz, start, end)
    return _columns(frame, cols, ctx, key, first_line=index + 2)


def _split_head(data: bytes) -> bytes | None:
    """The first whole lines of the text without BOM, or None for anything but UTF-8 text (UTF-16, XLSX)."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return None
    head = data[start:start + _HEAD_BYTES]  # not data[3:]: that copies the whole file
    if len(data) - start > _HEAD_BYTES:
        cut = head.rfind(b"\n")
        if cut < 0:
            return None
        head = head[:cut + 1]
    return None if head.lstrip(b" \t\r\n")[:1] in (b"{", b"[") else head


def _format_of(head: Source) -> str | None:
    try:
        return detect_format(head)
    except LogFormatError:
        return None


def _line_offset(data: bytes, lines: int) -> int | None:
    """Byte offset just after the first `lines` physical lines (BOM skipped)."""
    position = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    for _ in range(lines):
        found = data.find(b"\n", position)
        if found < 0:
            return None
        position = found + 1
    return position


def _frame(data: bytes, offset: int, width: int, delimiter: str, header_rows: int) -> pl.DataFrame | None:
    """The rows after the first `header_rows` lines (`offset` bytes) as string columns c0…; None unless every
    row is exactly one physical line and within the row budget (`_columns` checks the cells' lengths, in one
    query with its own work). The file is read in place: `data[offset:]` would copy it."""
    size = len(data) - offset
    octets = np.frombuffer(data, dtype=np.uint8, offset=offset)  # one pass each with numpy: bytes.count is slower
    lines = int(np.count_nonzero(octets == 10)) + (0 if size == 0 or data.endswith(b"\n") else 1)
    if lines + header_rows > ATTENDANCE_LOG.max_rows + HEADER_ROWS_ALLOWANCE:
        return None
    if lines == 0 or (lines + header_rows) * width > ATTENDANCE_LOG.max_cells:
        return None
    # a lone CR ends a row for csv.reader (a CR before LF polars drops, or keeps quoted): every CR must start
    # a CR LF pair, counted as 16-bit words at even and at odd offsets
    pairs = sum(int(np.count_nonzero(np.frombuffer(data, dtype="<u2", offset=offset + odd, count=(size - odd) // 2)
                                     == 0x0A0D)) for odd in (0, 1))
    if int(np.count_nonzero(octets == 13)) != pairs:
        return None
    # skip_lines skips raw lines, quotes unread, as `_line_offset` counted them (each header row is one line)
    frame = pl.read_csv(data, skip_lines=header_rows, has_header=False, separator=delimiter, quote_char='"',
                        infer_schema=False, schema={f"c{i}": pl.String for i in range(width)},
                        empty_string_is_null=False, truncate_ragged_lines=False, raise_if_empty=True)
    if frame.height != lines:  # a quoted line break (a CR before LF kept in a cell is one too), a blank line
        return None
    return frame


def _columns(frame: pl.DataFrame, cols: Columns, ctx: ParseContext, key: str, first_line: int) -> LogColumns | None:
    memo = _RowMemo(cols, ctx)
    who = [cols.name if i is None else i for i in (cols.name, cols.email, cols.guest, cols.waiting_room, cols.role)]
    keys = list(dict.fromkeys(f"c{i}" for i in who))  # absent columns repeat the name: group by it once
    names = [f"c{cols.join}", f"c{cols.leave}"]
    longest, distinct, found = pl.collect_all([  # one native call (the GIL released once), the three side by side
        frame.lazy().select(pl.col(name).str.len_bytes().max() for name in frame.columns),
        frame.lazy().select(keys).with_row_index("row").group_by(keys, maintain_order=True).agg(pl.col("row"))
        .with_row_index("code"),
        stamp_bytes(frame, names)])
    if max((value or 0 for value in longest.row(0)), default=0) > ATTENDANCE_LOG.max_cell_chars:
        return None  # maybe too long in characters: the per-row path names the cell
    identities = identities_of(distinct.select(pl.col(f"c{i}").alias(f"k{j}") for j, i in enumerate(who)), memo)
    spread = distinct.select("code", "row").explode("row")
    codes = np.empty(frame.height, dtype=np.int64)
    codes[spread.get_column("row").to_numpy()] = spread.get_column("code").to_numpy()
    named = np.fromiter((bool(item) for item in identities), dtype=bool, count=len(identities))[codes]
    stamps = read_stamps(frame, names, found.to_series(), ctx)
    if stamps is None:
        return None
    (join, join_missing), (leave, leave_missing) = stamps
    keep = named & ~join_missing
    skipped = int(np.count_nonzero(named & join_missing))
    blank = ~named
    if blank.any():  # a row without a name counts as skipped unless every cell of it is blank
        filled = frame.select(pl.any_horizontal(pl.all().str.strip_chars(PY_SPACE) != "")).to_series().to_numpy()
        skipped += int(np.count_nonzero(blank & filled))
    if skipped:
        ctx.warn(f"{skipped} baris tanpa kehadiran (tidak hadir, tanpa nama atau tanpa waktu masuk) dilewati")
    join, leave, leave_missing = join[keep], leave[keep], leave_missing[keep]
    backwards = ~leave_missing & (leave < join)
    missing = leave_missing | backwards
    late = np.maximum(join, _micros(ctx.end)) if ctx.end is not None else join
    leave = np.where(leave_missing, late, np.where(backwards, join, leave))
    lines = np.flatnonzero(keep) + first_line
    return LogColumns(ctx.filename, key, identities, codes[keep], join, leave, missing, lines, ctx.warnings)


def _micros(value: datetime) -> int:
    delta = value.astimezone(timezone.utc) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds


def iso_texts(micros: np.ndarray, zone: tzinfo) -> list[str] | None:
    """`moment(m).astimezone(zone).isoformat()` of each value, formatted in bulk; None when a value is not a
    whole second in years 1000–9999 or the zone's offset changes inside one of the values' UTC hours."""
    if not len(micros):
        return []
    low, high = _micros(datetime(1000, 1, 2, tzinfo=timezone.utc)), _micros(datetime(9999, 12, 30, tzinfo=timezone.utc))
    if (micros % _US).any() or micros.min() < low or micros.max() > high:
        return None
    hours, inverse = np.unique(micros // (3600 * _US), return_inverse=True)
    offsets, suffixes = np.empty(len(hours), dtype=np.int64), []
    for position, hour in enumerate(hours.tolist()):
        first = moment(hour * 3600 * _US).astimezone(zone)
        if first.utcoffset() != moment((hour * 3600 + 3599) * _US).astimezone(zone).utcoffset():
            return None
        offset = first.utcoffset()
        offsets[position] = (offset.days * 86_400 + offset.seconds) * _US + offset.microseconds
        suffixes.append(first.isoformat()[19:])
    local = pl.Series(micros + offsets[inverse.reshape(-1)]).cast(pl.Datetime("us"))
    if len(set(suffixes)) == 1:  # the offset written by strftime too: no Python string per value
        return local.dt.strftime("%Y-%m-%dT%H:%M:%S" + suffixes[0].replace("%", "%%")).to_list()
    texts = local.dt.strftime("%Y-%m-%dT%H:%M:%S").to_list()
    return [text + suffixes[index] for text, index in zip(texts, inverse.reshape(-1).tolist())]
