"""Interval arithmetic for attendance: union of a person's segments clipped to the session window (pure).

Rejoins and parallel devices count once. Totals-only segments (Zoom "unique users", Google Meet) cannot
be clipped; they are never mixed with clipped intervals and always come back flagged `unclippable`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from bimtek.attendance.segments import FLAG_TOTALS_ONLY, FLAG_WAITING_ROOM, Segment

FLAG_UNCLIPPABLE = "unclippable"
FLAG_TOTALS_IGNORED = "totals_ignored"
FLAG_CONCURRENT = "concurrent_devices"

Span = tuple[datetime, datetime]


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sorted union of spans; overlapping or touching spans become one."""
    return _sweep(sorted(spans))[0]


def _sweep(spans: list[Span]) -> tuple[list[Span], bool, datetime | None]:
    """One pass over spans sorted by (begin, finish): their union, whether two overlap by more than
    touching, and the latest finish (lets `person_time` sort once instead of three times)."""
    merged: list[list[datetime]] = []
    overlap, latest = False, None
    for begin, finish in spans:
        if latest is not None and begin < latest:
            overlap = True
        if merged and begin <= merged[-1][1]:
            if finish > merged[-1][1]:
                merged[-1][1] = finish
        else:
            merged.append([begin, finish])
        if latest is None or finish > latest:
            latest = finish
    return [(begin, finish) for begin, finish in merged], overlap, latest


def clip_spans(spans: Iterable[Span], start: datetime, end: datetime) -> list[Span]:
    """Spans cut to [start, end]; spans wholly outside (or empty after cutting) are dropped."""
    out = []
    for begin, finish in spans:
        begin = start if start > begin else begin  # max()/min() without the call overhead
        finish = end if end < finish else finish
        if finish > begin:
            out.append((begin, finish))
    return out


def union_seconds(spans: Iterable[Span], start: datetime | None = None, end: datetime | None = None) -> int:
    """Whole seconds covered by the union of spans, optionally clipped to [start, end]."""
    return _covered_seconds(merge_spans(spans), start, end)


def _covered_seconds(merged: list[Span], start: datetime | None, end: datetime | None) -> int:
    if start is not None and end is not None:
        merged = clip_spans(merged, start, end)
    return int(round(sum((finish - begin).total_seconds() for begin, finish in merged)))


def has_overlap(spans: Iterable[Span]) -> bool:
    """True when two spans overlap by more than touching (e.g. two devices at once)."""
    last_end = None
    for begin, finish in sorted(spans):
        if last_end is not None and begin < last_end:
            return True
        last_end = finish if last_end is None or finish > last_end else last_end
    return False


@dataclass(frozen=True)
class PersonTime:
    """Attended seconds of one person in one session plus what the number is based on."""

    seconds: int
    first_join: datetime | None
    last_leave: datetime | None
    flags: frozenset


def person_time(segments: Iterable[Segment], start: datetime, end: datetime) -> PersonTime:
    """Union of timed segments clipped to the window; totals-only segments only when nothing else exists."""
    segments = list(segments)
    return timing_of(segments, {s.flags for s in segments}, start, end)


def timing_of(segments: list[Segment], flag_sets: set, start: datetime, end: datetime) -> PersonTime:
    """`person_time` given the set of the segments' distinct `flags` (the engine computes it anyway)."""
    if any(FLAG_WAITING_ROOM in flags or FLAG_TOTALS_ONLY in flags for flags in flag_sets):
        present = [s for s in segments if FLAG_WAITING_ROOM not in s.flags]
        timed = [(s.join, s.leave) for s in present if FLAG_TOTALS_ONLY not in s.flags and s.join is not None]
        totals = [s for s in present if FLAG_TOTALS_ONLY in s.flags]
    else:  # the common case: one pass over the segments instead of three
        timed = [(s.join, s.leave) for s in segments if s.join is not None]
        totals = []
    if timed:
        flags = {FLAG_TOTALS_IGNORED} if totals else set()
        timed.sort()
        merged, overlap, last = _sweep(timed)
        if overlap:
            flags.add(FLAG_CONCURRENT)
        return PersonTime(_covered_seconds(merged, start, end), timed[0][0], last, frozenset(flags))
    if totals:
        return _totals_time(totals, start, end)
    return PersonTime(0, None, None, frozenset())


def _totals_time(totals: list[Segment], start: datetime, end: datetime) -> PersonTime:
    window = max(0, int((end - start).total_seconds()))
    seconds = 0
    for segment in totals:
        value = segment.total_seconds or 0
        if segment.join is not None and segment.leave is not None:
            envelope = clip_spans([(segment.join, segment.leave)], start, end)
            value = min(value, union_seconds(envelope))
        seconds += value
    joins = [s.join for s in totals if s.join is not None]
    leaves = [s.leave for s in totals if s.leave is not None]
    return PersonTime(min(seconds, window), min(joins, default=None), max(leaves, default=None),
                      frozenset({FLAG_UNCLIPPABLE}))


@dataclass(frozen=True)
class Coverage:
    """What one identity contributes to a session: its timed spans clipped to the window (merged, as epoch
    seconds) and, for totals-only rows, their seconds. Identities combine like the engine combines segments."""

    spans: tuple[tuple[float, float], ...]
    totals: int = 0


def coverage_of(segments: Iterable[Segment], start: datetime, end: datetime) -> Coverage:
    """Coverage of one identity's segments (waiting-room rows never count)."""
    present = [s for s in segments if FLAG_WAITING_ROOM not in s.flags]
    timed = [(s.join, s.leave) for s in present if FLAG_TOTALS_ONLY not in s.flags and s.join is not None]
    spans = tuple((b.timestamp(), f.timestamp()) for b, f in clip_spans(merge_spans(timed), start, end))
    totals = [s for s in present if FLAG_TOTALS_ONLY in s.flags]
    return Coverage(spans, _totals_time(totals, start, end).seconds if totals and not timed else 0)


def combined_seconds(coverages: Iterable[Coverage], window_seconds: int) -> int:
    """Seconds of several identities together, as `timing_of` counts their segments: the union of the timed
    spans when any exist (totals ignored), else the totals summed and capped at the window."""
    coverages = list(coverages)
    spans = [span for c in coverages for span in c.spans]
    if spans:
        return int(round(sum(finish - begin for begin, finish in merge_spans(spans))))
    return min(sum(c.totals for c in coverages), max(0, window_seconds))
