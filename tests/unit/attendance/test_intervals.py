"""Union/clip arithmetic, table-driven and as hypothesis properties."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from bimtek.attendance.intervals import merge_spans, person_time, union_seconds
from bimtek.attendance.segments import Segment

T0 = datetime(2024, 3, 5, 1, 0, tzinfo=timezone.utc)


def t(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize("spans, window, expected", [
    ([(0, 10)], (0, 60), 600),
    ([(0, 10), (5, 15)], (0, 60), 900),                # overlap (second device)
    ([(0, 30), (10, 20)], (0, 60), 1800),              # nested
    ([(0, 10), (10, 20)], (0, 60), 1200),              # touching reconnect
    ([(20, 30), (0, 10)], (0, 60), 1200),              # out of order
    ([(-10, 10)], (0, 60), 600),                       # early arrival clipped
    ([(50, 70)], (0, 60), 600),                        # late leave clipped
    ([(70, 80)], (0, 60), 0),                          # outside
    ([], (0, 60), 0),
])
def test_union_seconds_table(spans, window, expected):
    assert union_seconds([(t(a), t(b)) for a, b in spans], t(window[0]), t(window[1])) == expected


def _segment(join, leave, **kw):
    return Segment("Budi", "Budi", "", join, leave, "f.csv", 1, **kw)


def test_waiting_room_is_not_attendance():
    result = person_time([_segment(t(0), t(30), flags=frozenset({"waiting_room"}))], t(0), t(60))
    assert result.seconds == 0


def test_totals_only_never_mixed_with_intervals():
    totals = _segment(None, None, flags=frozenset({"totals_only"}), total_seconds=3000)
    mixed = person_time([totals, _segment(t(0), t(10))], t(0), t(60))
    assert mixed.seconds == 600 and "totals_ignored" in mixed.flags
    alone = person_time([totals], t(0), t(30))
    assert alone.seconds == 1800 and "unclippable" in alone.flags


spans_strategy = st.lists(
    st.tuples(st.integers(-3600, 20000), st.integers(0, 7200)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=12)


def _dt(seconds):
    return T0 + timedelta(seconds=seconds)


@settings(max_examples=60, deadline=None)
@given(spans=spans_strategy, start=st.integers(0, 3600), length=st.integers(1, 14400))
def test_union_bounded_by_sum_and_window(spans, start, length):
    pairs = [(_dt(a), _dt(b)) for a, b in spans]
    got = union_seconds(pairs, _dt(start), _dt(start + length))
    clipped_sum = sum(max(0, min(b, start + length) - max(a, start)) for a, b in spans)
    assert 0 <= got <= clipped_sum
    assert got <= length
    assert got <= sum(b - a for a, b in spans)


@settings(max_examples=60, deadline=None)
@given(spans=spans_strategy)
def test_union_idempotent_and_merge_sorted_disjoint(spans):
    pairs = [(_dt(a), _dt(b)) for a, b in spans]
    assert union_seconds(pairs + pairs) == union_seconds(pairs)
    merged = merge_spans(pairs)
    assert all(a[1] < b[0] for a, b in zip(merged, merged[1:]))
    covered = set()
    for a, b in spans:
        covered.update(range(a, b))
    assert union_seconds(pairs) == len(covered)
