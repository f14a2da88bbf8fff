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
from bimtek.attendance.decoding import Source, table_from_text
from bimtek.attendance.parsers import detect_format
from bimtek.attendance.parsers.headers import column_map
from bimtek.attendance.parsers.tables import Columns, ParseContext, _RowMemo
from bimtek.attendance.parsers.zoom import _name_column, _participant_header
from bimtek.attendance.segments import LogFormatError
from bimtek.attendance.timeparse import MISSING
from bimtek.core.limits import ATTENDANCE_LOG, HEADER_ROWS_ALLOWANCE, BudgetExceeded

COLUMNAR_FORMATS = frozenset({"zoom_participants", "zoom_active_hosts"})
_HEAD_BYTES = 64 * 1024  # the header is within the first 60 rows (`_participant_header`): far less than this
_DETECT_ROWS = 400  # the furthest any format detector looks (`teams.looks_like_report_2022`)
_US = 1_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# the two numeric shapes Zoom writes; anything else (other separators, 2-digit years, spaces) goes per row
_US_STAMP = r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$"
_FIXED_STAMP = r"^\d\d/\d\d/\d{4} \d\d:\d\d:\d\d [AP]M$"  # checked byte by byte (`_fixed_matrices`)
# per byte of `mm/dd/yyyy hh:mm:ss AM`, the lowest value and the span above it: a digit, the separator, A…P
_STAMP_LOW = np.frombuffer(b"00/00/0000 00:00:00 AM", dtype=np.uint8)
_STAMP_SPAN = np.frombuffer(b"99/99/9999 99:99:99 PM", dtype=np.uint8) - _STAMP_LOW
_TENS, _ONES = [0, 3, 6, 8, 11, 14, 17], [1, 4, 7, 9, 12, 15, 18]  # the digit pairs: mm dd yy yy hh mm ss
_ISO_STAMP = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"


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
    frame = _frame(data[offset:], len(header), head.delimiter, index + 1)
    if frame is None:
        return None
    ctx = ParseContext(filename, tz, start, end)
    return _columns(frame, cols, ctx, key, first_line=index + 2)


def _split_head(data: bytes) -> bytes | None:
    """The first whole lines of the text without BOM, or None for anything but UTF-8 text (UTF-16, XLSX)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        return None
    head = data[:_HEAD_BYTES]
    if len(data) > _HEAD_BYTES:
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


def _frame(body: bytes, width: int, delimiter: str, header_rows: int) -> pl.DataFrame | None:
    """Data rows as string columns c0…; None unless every row is exactly one physical line and in budget."""
    octets = np.frombuffer(body, dtype=np.uint8)  # one pass each with numpy: bytes.count(b"\r\n") is slower
    lines = int(np.count_nonzero(octets == 10)) + (0 if not body or body.endswith(b"\n") else 1)
    returns = np.flatnonzero(octets == 13)
    if len(returns) and (returns[-1] + 1 == len(octets) or (octets[returns + 1] != 10).any()):
        return None  # a lone CR ends a row for csv.reader (a CR before LF polars drops, or keeps quoted)
    if lines + header_rows > ATTENDANCE_LOG.max_rows + HEADER_ROWS_ALLOWANCE:
        return None
    if lines == 0 or (lines + header_rows) * width > ATTENDANCE_LOG.max_cells:
        return None
    frame = pl.read_csv(body, has_header=False, separator=delimiter, quote_char='"', infer_schema=False,
                        schema={f"c{i}": pl.String for i in range(width)}, empty_string_is_null=False,
                        truncate_ragged_lines=False, raise_if_empty=True)
    if frame.height != lines:  # a quoted line break (a CR before LF kept in a cell is one too), a blank line
        return None
    longest = frame.select(pl.col(name).str.len_bytes().max() for name in frame.columns).row(0)
    if max((value or 0 for value in longest), default=0) > ATTENDANCE_LOG.max_cell_chars:
        return None  # maybe too long in characters: the per-row path names the cell
    return frame


def _columns(frame: pl.DataFrame, cols: Columns, ctx: ParseContext, key: str, first_line: int) -> LogColumns | None:
    memo = _RowMemo(cols, ctx)
    who = [cols.name if i is None else i for i in (cols.name, cols.email, cols.guest, cols.waiting_room, cols.role)]
    keys = list(dict.fromkeys(f"c{i}" for i in who))  # absent columns repeat the name: group by it once
    distinct = (frame.lazy().select(keys).with_row_index("row").group_by(keys, maintain_order=True)
                .agg(pl.col("row")).with_row_index("code").collect())
    identities = identities_of(distinct.select(pl.col(f"c{i}").alias(f"k{j}") for j, i in enumerate(who)), memo)
    spread = distinct.select("code", "row").explode("row")
    codes = np.empty(frame.height, dtype=np.int64)
    codes[spread.get_column("row").to_numpy()] = spread.get_column("code").to_numpy()
    named = np.fromiter((bool(item) for item in identities), dtype=bool, count=len(identities))[codes]
    stamps = _stamps(frame, [f"c{cols.join}", f"c{cols.leave}"], ctx)
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


def _stamps(frame: pl.DataFrame, names: list[str], ctx: ParseContext) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Per column (UTC microseconds, missing mask), read exactly as one `DateReader` over all of them reads
    them (the day/month order is decided over every value), or None."""
    fixed = _fixed_matrices(frame, names)
    if fixed is not None:
        return _fixed_stamps(fixed, len(names), ctx)
    columns = [frame.get_column(name) for name in names]
    missing = [column.str.strip_chars(PY_SPACE).str.to_lowercase().is_in(list(MISSING)) for column in columns]
    values = pl.concat([column.filter(~gone) for column, gone in zip(columns, missing)])
    if values.len() == 0 or values.str.contains(_US_STAMP).all():
        day_first = _day_first(*_date_parts(values), ctx) if values.len() else False
        if day_first is None:
            return None
        fmt, year = ("%d/%m/%Y %I:%M:%S %p" if day_first else "%m/%d/%Y %I:%M:%S %p"), _date_parts(values)[2]
    elif values.str.contains(_ISO_STAMP).all():
        fmt, year = "%Y-%m-%d %H:%M:%S", values.str.slice(0, 4)
    else:
        return None
    if values.len() and pl.Series(year).cast(pl.Int32).min() < 1:  # year 0 is no `datetime`: the per-row path says so
        return None
    out = []
    for column, gone in zip(columns, missing):
        parsed = column.str.strptime(pl.Datetime("us"), fmt, strict=False)
        absent = parsed.is_null().to_numpy()
        if (absent != gone.to_numpy()).any():  # an impossible date or hour: the per-row path says so
            return None
        local = parsed.to_physical().fill_null(0).to_numpy().astype(np.int64)
        utc = _to_utc(local, absent, ctx.tz)
        if utc is None:
            return None
        out.append((utc, absent))
    return out


def _fixed_matrices(frame: pl.DataFrame, names: list[str]) -> np.ndarray | None:
    """The columns one after the other as a (rows × columns, 22) matrix of each byte's distance above
    `_STAMP_LOW` when every value is `mm/dd/yyyy hh:mm:ss AM` (Zoom's own shape, what `_FIXED_STAMP` matches
    with ASCII digits), else None."""
    if frame.height == 0:
        return None
    values = pl.concat([pl.col(name) for name in names], how="vertical")
    shortest, longest, texts = frame.select(  # one query: the lengths, and the texts end to end
        values.str.len_bytes().min().alias("shortest"), values.str.len_bytes().max().alias("longest"),
        values.str.join("").cast(pl.Binary).alias("texts")).row(0)
    if shortest != 22 or longest != 22 or len(texts) != 22 * frame.height * len(names):
        return None
    above = np.frombuffer(texts, dtype=np.uint8).reshape(-1, 22) - _STAMP_LOW  # what is below wraps round, far above
    am_pm = above[:, 20]
    if (above > _STAMP_SPAN).any() or not ((am_pm == 0) | (am_pm == ord("P") - ord("A"))).all():
        return None
    return above


def _fixed_stamps(above: np.ndarray, columns: int, ctx: ParseContext) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """`_stamps` over `_fixed_matrices`: digits by position and calendar arithmetic, no string parsing; the
    calendar only for the distinct dates (a session's rows share one or two)."""
    n = (above[:, _TENS] * 10 + above[:, _ONES]).T.astype(np.int32, order="C")  # the 2-digit numbers (bytes: below 100)
    hour, minute, second = n[4], n[5], n[6]
    if not ((hour >= 1) & (hour <= 12) & (minute <= 59) & (second <= 59)).all():
        return None  # the per-row path raises the exact error
    clock = ((hour % 12 + 12 * (above[:, 20] != 0)) * 60 + minute) * 60 + second  # not "A": PM
    date = ((n[0] * 100 + n[1]) * 100 + n[2]) * 100 + n[3]  # mmddyyyy as one number
    if (date == date[0]).all():
        dates, inverse, counts = date[:1], np.zeros(len(date), dtype=np.intp), np.array([len(date)])
    else:
        dates, inverse, counts = np.unique(date, return_inverse=True, return_counts=True)
    dates = dates.astype(np.int64)
    first, second, year = dates // 1_000_000, dates // 10_000 % 100, dates % 10_000
    day_first = _day_first(first, second, year, ctx, counts)
    month, day = (second, first) if day_first else (first, second)
    if not _valid_date(year, month, day):
        return None
    local = ((_days(year, month, day) * 86_400)[inverse.reshape(-1)] + clock) * _US
    utc = _to_utc(local, np.zeros(len(local), dtype=bool), ctx.tz)
    if utc is None:
        return None
    rows = len(local) // columns
    return [(utc[i * rows:(i + 1) * rows], np.zeros(rows, dtype=bool)) for i in range(columns)]


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _valid_date(year, month, day) -> bool:
    if not ((year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)).all():
        return False
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return bool((day <= _MONTH_DAYS[month] + (leap & (month == 2))).all())


def _days(year, month, day):
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's days_from_civil)."""
    year = year - (month <= 2)
    era = year // 400
    of_era = year - era * 400
    of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    return era * 146_097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719_468


def _day_first(first, second, year, ctx: ParseContext, counts=None) -> bool:
    """`DateReader._decide_order` over mm/dd/yyyy … AM/PM texts (with AM/PM it never warns); `counts`: how
    many texts each (first, second, year) stands for (one each when None)."""
    if (first > 12).any():
        return True
    if (second > 12).any():
        return False
    hint = ctx.hint
    if hint is not None:
        same_year = year == hint.year
        weights = np.ones(len(first), dtype=np.int64) if counts is None else counts
        day_first_hits = int(weights[same_year & (second == hint.month) & (first == hint.day)].sum())
        month_first_hits = int(weights[same_year & (first == hint.month) & (second == hint.day)].sum())
        if day_first_hits != month_first_hits:
            return day_first_hits > month_first_hits
    return False


def _date_parts(values: pl.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three numbers of `a/b/yyyy …` texts (fixed positions when every text is zero-padded)."""
    if values.str.len_bytes().min() == values.str.len_bytes().max() == 22:  # mm/dd/yyyy hh:mm:ss AM
        parts = [values.str.slice(0, 2), values.str.slice(3, 2), values.str.slice(6, 4)]
    else:
        found = values.str.extract_groups(r"^(\d+)/(\d+)/(\d+) ").struct
        parts = [found.field("1"), found.field("2"), found.field("3")]
    return tuple(part.cast(pl.Int32).to_numpy() for part in parts)


def _to_utc(local: np.ndarray, missing: np.ndarray, tz: tzinfo) -> np.ndarray | None:
    """Local wall-clock microseconds → UTC, with one offset per local hour as `DateReader` uses (None when the
    offset changes within an hour: DST, read per row)."""
    present = ~missing if missing.any() else slice(None)
    hour_of = local[present] // (3600 * _US)
    low = int(hour_of.min()) if len(hour_of) else 0
    table = len(hour_of) and int(hour_of.max()) - low < 100_000  # a real log spans hours: a table, no sort
    if table:
        hours = np.flatnonzero(np.bincount(hour_of - low)) + low
    else:
        hours, inverse = np.unique(hour_of, return_inverse=True)
    offsets = np.empty(len(hours), dtype=np.int64)
    for position, hour in enumerate(hours.tolist()):
        naive = datetime(1970, 1, 1) + timedelta(hours=hour)
        first = naive.replace(tzinfo=tz).utcoffset()
        last = naive.replace(minute=59, second=59, tzinfo=tz).utcoffset()
        if first != last or first is None:
            return None
        offsets[position] = (first.days * 86_400 + first.seconds) * _US + first.microseconds
    if table:  # the offset of each hour looked up by its distance from the first
        by_hour = np.zeros(int(hours[-1]) - low + 1, dtype=np.int64)
        by_hour[hours - low] = offsets
        shift = by_hour[hour_of - low]
    else:
        shift = offsets[inverse.reshape(-1)]
    utc = np.zeros(len(local), dtype=np.int64)
    utc[present] = local[present] - shift
    return utc


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
