"""`json_output.session_json` writes the bytes `json.dumps(result.to_dict(zone), ensure_ascii=False)` writes."""

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from bimtek.attendance.json_output import session_json
from bimtek.attendance.matching import Match, Suggestion, Unmatched
from bimtek.attendance.people_columns import PeopleColumns, ShownTexts, name_order
from bimtek.attendance.results import PersonResult, SessionResult

ZONE = ZoneInfo("Asia/Jakarta")
START = datetime(2020, 7, 21, 1, 0, tzinfo=timezone.utc)
END = datetime(2020, 7, 21, 5, 0, tzinfo=timezone.utc)
TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=("Cs",)), max_size=12)
NUMBER = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True))
MOMENT = st.one_of(st.none(), st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                                           timezones=st.just(timezone.utc)))
MATCH = st.one_of(st.none(), st.builds(Match, TEXT, TEXT, NUMBER))
PERSON = st.builds(PersonResult, TEXT, TEXT, TEXT, NUMBER, NUMBER, MOMENT, MOMENT, NUMBER,
                   st.one_of(st.none(), TEXT), MATCH, st.lists(TEXT, max_size=3).map(tuple))
UNMATCHED = st.builds(Unmatched, TEXT, TEXT, TEXT, TEXT,
                      st.lists(st.builds(Suggestion, TEXT, TEXT, NUMBER), max_size=2).map(tuple))


@settings(max_examples=200, deadline=None)
@given(st.lists(PERSON, max_size=4), st.lists(UNMATCHED, max_size=2), st.lists(TEXT, max_size=2))
def test_same_text_as_json_dumps(people, unmatched, warnings):
    result = SessionResult(START, END, [], people, unmatched, warnings)
    assert session_json(result, ZONE) == json.dumps(result.to_dict(ZONE), ensure_ascii=False)


def test_bulk_formatted_times_are_used_for_their_zone_only():
    person = PersonResult("k", "Budi \"B\"\n", "", 60, 0.4, START, END, 1, None, None, ("a",),
                          shown=(ZONE, "x", "y"))
    result = SessionResult(START, END, [], [person], [], [])
    for zone in (ZONE, timezone.utc):
        assert session_json(result, zone) == json.dumps(result.to_dict(zone), ensure_ascii=False)


def test_equal_numbers_of_other_types_are_written_as_json_dumps_writes_them():
    people = [PersonResult(str(i), "n", "", seconds, percent, None, None, rows, "R", Match("R", "exact_name", value))
              for i, (seconds, percent, rows, value) in enumerate([(1, 0.0, 1, 1.0), (1.0, -0.0, True, 1),
                                                                   (True, 0, 1.0, -0.0), (0, float("nan"), 2, 0)])]
    result = SessionResult(START, END, [], people, [], [])
    assert session_json(result, ZONE) == json.dumps(result.to_dict(ZONE), ensure_ascii=False)


def as_columns(people: list[PersonResult]) -> PeopleColumns:
    def column(name):
        return [getattr(p, name) for p in people]
    columns = [column(name) for name in ("key", "name", "email", "attended_seconds", "percent")]
    columns.append(lambda: (column("first_join"), column("last_leave")))  # (built on first use)
    columns += [column(name) for name in ("rows", "registration", "match", "flags")]
    return PeopleColumns(tuple(columns), [p.shown for p in people], [[] for _ in people], lambda owned, rows: [])


@settings(max_examples=200, deadline=None)
@given(st.lists(PERSON, max_size=4), st.lists(UNMATCHED, max_size=2), st.lists(TEXT, max_size=2),
       st.lists(st.one_of(st.none(), st.tuples(st.just(ZONE), st.one_of(st.none(), TEXT), st.one_of(st.none(), TEXT))),
                min_size=4, max_size=4))
def test_people_as_columns_give_the_same_text(people, unmatched, warnings, shown):
    for person, times in zip(people, shown):
        person.shown = times
    columns = as_columns(people)
    assert list(columns) == people
    result = SessionResult(START, END, [], columns, unmatched, warnings)
    assert session_json(result, ZONE) == json.dumps(result.to_dict(ZONE), ensure_ascii=False)
    assert session_json(result, timezone.utc) == json.dumps(result.to_dict(timezone.utc), ensure_ascii=False)


def test_people_as_columns_with_numbers_of_other_types():
    people = [PersonResult(str(i), "n", "", seconds, percent, None, None, rows, None if i % 2 else "R",
                           Match("R", "exact_name", value) if i % 3 else None)
              for i, (seconds, percent, rows, value) in enumerate([(1, 0.0, 1, 1.0), (1.0, -0.0, True, 1),
                                                                   (True, 0, 1.0, -0.0), (0, float("nan"), 2, 0)])]
    result = SessionResult(START, END, [], as_columns(people), [], [])
    assert session_json(result, ZONE) == json.dumps(result.to_dict(ZONE), ensure_ascii=False)


def test_columns_sorted_like_the_people():
    people = [PersonResult(key, name, "", 0, 0.0, None, None, 0)
              for key, name in [("b", "budi"), ("a", "Budi"), ("c", "Ádi"), ("d", "andi"), ("a", "Budi")]]
    ordered = sorted(people, key=lambda p: (p.name.casefold(), p.key))
    assert [p.key for p in _by_name_order(people)] == [p.key for p in ordered]


def _by_name_order(people):
    """The people in `name_order` (the columnar engine's order: its people are born in it)."""
    return [people[i] for i in name_order([p.name.casefold() for p in people], [p.key for p in people])]


NAMES = st.text(st.sampled_from(list("aAbB ßẞİıΣσς\u0301éÉ\U0001F600\x00") + ["\udc80"]), max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NAMES, st.one_of(st.sampled_from(["a", "b", "é", "\udc80"]), st.none())), max_size=8))
def test_name_order_equals_sorting_the_people(pairs):
    """The polars sort, and its fallback for lone surrogates and keys that are not text."""
    people = [PersonResult(key, name, "", 0, 0.0, None, None, 0) for name, key in pairs]
    try:
        ordered = [p.key for p in sorted(people, key=lambda p: (p.name.casefold(), p.key))]
    except TypeError:  # (None beside a text key of an equal name: both ways fail alike)
        with pytest.raises(TypeError):
            _by_name_order(people)
        return
    assert [p.key for p in _by_name_order(people)] == ordered
    assert [p.name for p in _by_name_order(people)] == \
        [p.name for p in sorted(people, key=lambda p: (p.name.casefold(), p.key))]


@settings(max_examples=100, deadline=None)
@given(st.lists(PERSON, max_size=4), st.lists(st.tuples(st.one_of(st.none(), TEXT), st.one_of(st.none(), TEXT)),
                                                 min_size=4, max_size=4))
def test_shown_texts_columns_equal_the_tuples(people, times):
    """People whose `shown` times come as two columns (the columnar engine's) write what tuples write."""
    for person, (first, last) in zip(people, times):
        person.shown = (ZONE, first, last)
    columns = as_columns(people)
    columns = PeopleColumns((columns.keys, columns.names, columns.emails, columns.seconds, columns.percents,
                             columns._times, columns.rows, columns.registrations, columns.matches, columns.flags),
                            ShownTexts(ZONE, [p.shown[1] for p in people], [p.shown[2] for p in people]),
                            columns.owners, lambda owned, rows: [])
    assert list(columns) == people
    for zone in (ZONE, timezone.utc):
        result = SessionResult(START, END, [], columns, [], [])
        assert session_json(result, zone) == json.dumps(result.to_dict(zone), ensure_ascii=False)
