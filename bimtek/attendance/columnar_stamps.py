"""Join and leave times of a log read as columns (pure): UTC microseconds exactly as `DateReader` reads them,
or None when the per-row parser must read them (it gives the documented error messages).

Zoom's own shape, `mm/dd/yyyy hh:mm:ss AM`, is read from the bytes by position with numpy (no string parsing,
the calendar only for the few distinct dates); the other numeric shapes by polars' `strptime`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import cast

import numpy as np
import polars as pl

from bimtek.attendance.columnar_identity import PY_SPACE
from bimtek.attendance.parsers.tables import ParseContext
from bimtek.attendance.timeparse import MISSING

_US = 1_000_000
_HOUR = 3600 * _US

# the two numeric shapes Zoom writes; anything else (other separators, 2-digit years, spaces) goes per row
_US_STAMP = r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$"
_FIXED_STAMP = r"^\d\d/\d\d/\d{4} \d\d:\d\d:\d\d [AP]M$"  # checked byte by byte (`_fixed_matrices`)
# per byte of `mm/dd/yyyy hh:mm:ss AM`, the lowest value and the span above it: a digit, the separator, A…P
_STAMP_LOW = np.frombuffer(b"00/00/0000 00:00:00 AM", dtype=np.uint8)
_STAMP_SPAN = np.frombuffer(b"99/99/9999 99:99:99 PM", dtype=np.uint8) - _STAMP_LOW
_TENS, _ONES = [0, 3, 6, 8, 11, 14, 17], [1, 4, 7, 9, 12, 15, 18]  # the digit pairs: mm dd yy yy hh mm ss
_ISO_STAMP = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"


def stamp_bytes(frame: pl.DataFrame, names: list[str]) -> pl.LazyFrame:
    """The columns' texts one after the other, each as its 22 bytes (null when it has another length): what
    `read_stamps` takes as `found`; a query, to run with the others on the same frame."""
    values = pl.concat([pl.col(name) for name in names], how="vertical")
    return frame.lazy().select(values.cast(pl.Binary).bin.reinterpret(dtype=pl.Array(pl.UInt8, 22)).alias("bytes"))


def read_stamps(frame: pl.DataFrame, names: list[str], found: pl.Series, ctx: ParseContext
                ) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Per column (UTC microseconds, missing mask), read exactly as one `DateReader` over all of them reads
    them (the day/month order is decided over every value), or None; `found`: what `stamp_bytes` gave."""
    fixed = _fixed_matrices(found, frame.height * len(names))
    if fixed is not None:
        return _fixed_stamps(fixed, len(names), ctx)
    columns = [frame.get_column(name) for name in names]
    missing = [column.str.strip_chars(PY_SPACE).str.to_lowercase().is_in(list(MISSING)) for column in columns]
    values = pl.concat([column.filter(~gone) for column, gone in zip(columns, missing)])
    year: np.ndarray | pl.Series
    if values.len() == 0 or values.str.contains(_US_STAMP).all():
        day_first = _day_first(*_date_parts(values), ctx) if values.len() else False
        if day_first is None:
            return None
        fmt, year = ("%d/%m/%Y %I:%M:%S %p" if day_first else "%m/%d/%Y %I:%M:%S %p"), _date_parts(values)[2]
    elif values.str.contains(_ISO_STAMP).all():
        fmt, year = "%Y-%m-%d %H:%M:%S", values.str.slice(0, 4)
    else:
        return None
    # year 0 is no `datetime`: the per-row path says so
    if values.len() and cast(int, pl.Series(year).cast(pl.Int32).min()) < 1:
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


def _fixed_matrices(found: pl.Series, count: int) -> np.ndarray | None:
    """The `count` texts of `found` as a (count, 22) matrix of each byte's distance above `_STAMP_LOW` when
    every one is `mm/dd/yyyy hh:mm:ss AM` (Zoom's own shape, what `_FIXED_STAMP` matches with ASCII digits),
    else None."""
    if count == 0 or found.len() != count or found.null_count():  # null: absent, or not 22 bytes long
        return None
    matrix = found.to_numpy()
    if matrix.shape != (count, 22) or matrix.dtype != np.uint8:
        return None
    above = matrix - _STAMP_LOW  # what is below wraps round, far above
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
    first, second, year = (part.cast(pl.Int32).to_numpy() for part in parts)
    return first, second, year


def _to_utc(local: np.ndarray, missing: np.ndarray, tz: tzinfo) -> np.ndarray | None:
    """Local wall-clock microseconds → UTC, with one offset per local hour as `DateReader` uses (None when the
    offset changes within an hour: DST, read per row)."""
    gaps = bool(missing.any())
    present = ~missing if gaps else slice(None)
    values = local[present]
    if len(values):  # a session spans hours: one offset for all of them unless one of them changes it
        low, high = int(values.min()) // _HOUR, int(values.max()) // _HOUR
        offsets = {_hour_offset(hour, tz) for hour in range(low, high + 1)} if high - low < 48 else set()
        if len(offsets) == 1 and None not in offsets:
            same = offsets.pop()
            return np.where(missing, 0, local - same) if gaps else local - same
    hour_of = values // _HOUR
    low = int(hour_of.min()) if len(hour_of) else 0
    table = len(hour_of) and int(hour_of.max()) - low < 100_000  # a real log spans hours: a table, no sort
    if table:
        hours = np.flatnonzero(np.bincount(hour_of - low)) + low
    else:
        hours, inverse = np.unique(hour_of, return_inverse=True)
    offsets_by_position = np.empty(len(hours), dtype=np.int64)
    for position, hour in enumerate(hours.tolist()):
        offset = _hour_offset(hour, tz)
        if offset is None:
            return None
        offsets_by_position[position] = offset
    if table:  # the offset of each hour looked up by its distance from the first
        by_hour = np.zeros(int(hours[-1]) - low + 1, dtype=np.int64)
        by_hour[hours - low] = offsets_by_position
        shift = by_hour[hour_of - low]
    else:
        shift = offsets_by_position[inverse.reshape(-1)]
    utc = np.zeros(len(local), dtype=np.int64)
    utc[present] = values - shift
    return utc


def _hour_offset(hour: int, tz: tzinfo) -> int | None:
    """UTC offset (microseconds) of the local hour `hour` (hours since 1970-01-01 00:00), or None when it
    changes within the hour."""
    naive = datetime(1970, 1, 1) + timedelta(hours=hour)
    first = naive.replace(tzinfo=tz).utcoffset()
    last = naive.replace(minute=59, second=59, tzinfo=tz).utcoffset()
    if first != last or first is None:
        return None
    return (first.days * 86_400 + first.seconds) * _US + first.microseconds
