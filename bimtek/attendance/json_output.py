"""The CLI's JSON text of a `SessionResult`, written from its people's columns (or person by person) (pure).

The same bytes as `json.dumps(result.to_dict(zone), ensure_ascii=False)` (the CLI contract, held by
`tests/unit/attendance/test_cli_output.py`), without building a dict per person first: strings go through the
encoder `json.dumps` itself uses for them (`json.encoder.encode_basestring`), numbers through `int.__repr__` /
`float.__repr__` as `json.dumps` does; any other value (and a float that is not finite) is left to `json.dumps`.
The columnar engine's people (`PeopleColumns`) are encoded a column at a time, mapped in C where a column holds
one plain type, so the CLI builds no `PersonResult` at all.
"""

from __future__ import annotations

import json
import math
from datetime import tzinfo
from json.encoder import encode_basestring

from bimtek.attendance.people_columns import PeopleColumns
from bimtek.attendance.results import PersonResult, SessionResult, _iso, _unmatched_dict


def session_json(result: SessionResult, zone: tzinfo) -> str:
    """`json.dumps(result.to_dict(zone), ensure_ascii=False)`."""
    flags: dict[tuple[str, ...], str] = {}  # people share a few flag tuples: each encoded once
    if isinstance(result.people, PeopleColumns):
        people = _columns(result.people, zone)
    else:
        people = ", ".join([_person(person, zone, flags) for person in result.people])
    session = {"start": _iso(result.start, zone), "end": _iso(result.end, zone)}
    return (f'{{"format": {_dumps(result.format)}, "session": {_dumps(session)}, "people": [{people}], '
            f'"unmatched": {_dumps([_unmatched_dict(u) for u in result.unmatched])}, '
            f'"warnings": {_dumps(list(result.warnings))}}}')


def _person(person: PersonResult, zone: tzinfo, flags: dict) -> str:
    if person.shown is not None and person.shown[0] is zone:
        first, last = person.shown[1], person.shown[2]
    else:
        first, last = _iso(person.first_join, zone), _iso(person.last_leave, zone)
    match = person.match
    matched = "null" if not match else \
        f'{{"method": {_text(match.method)}, "confidence": {_number(match.confidence)}}}'
    shown_flags = flags.get(person.flags)
    if shown_flags is None:
        shown_flags = flags[person.flags] = _dumps(list(person.flags))
    return (f'{{"name": {_text(person.name)}, "email": {_text(person.email)}, '
            f'"attended_seconds": {_number(person.attended_seconds)}, "percent": {_number(person.percent)}, '
            f'"first_join": {_text(first)}, "last_leave": {_text(last)}, "rows": {_number(person.rows)}, '
            f'"registration": {_text(person.registration)}, "match": {matched}, "flags": {shown_flags}}}')


def _columns(people: PeopleColumns, zone: tzinfo) -> str:
    """The people's objects from their columns: each field encoded for every person at once (in C when the
    column holds only str, int or finite floats), then joined by one f-string per person."""
    texts = people.shown_texts(zone)  # (the columnar engine's people: every text already written)
    firsts, lasts = texts if texts is not None else _times(people, zone)
    encoded = {flags: _dumps(list(flags)) for flags in set(people.flags)}  # people share a few flag tuples
    columns = zip(_texts(people.names), _texts(people.emails), _numbers(people.seconds), _numbers(people.percents),
                  _texts(firsts), _texts(lasts), _numbers(people.rows), _texts(people.registrations),
                  _matches(people.matches), map(encoded.__getitem__, people.flags))
    # (an f-string per person: several times cheaper than str.format, which parses its template on every call)
    return ", ".join([f'{{"name": {name}, "email": {email}, "attended_seconds": {seconds}, "percent": {percent}, '
                      f'"first_join": {first}, "last_leave": {last}, "rows": {rows}, "registration": {number}, '
                      f'"match": {match}, "flags": {flags}}}'
                      for name, email, seconds, percent, first, last, rows, number, match, flags in columns])


def _times(people: PeopleColumns, zone: tzinfo) -> tuple[list, list]:
    """Every person's first join and last leave as `results._iso` writes them in `zone`."""
    shown = people.shown
    if all(item is not None and item[0] is zone for item in shown):
        return [item[1] for item in shown], [item[2] for item in shown]
    return ([item[1] if item is not None and item[0] is zone else _iso(first, zone)
             for item, first in zip(shown, people.firsts)],
            [item[2] if item is not None and item[0] is zone else _iso(last, zone)
             for item, last in zip(shown, people.lasts)])


def _texts(values: list) -> list[str]:
    kinds = set(map(type, values))
    if kinds <= {str}:
        return list(map(encode_basestring, values))
    if kinds <= {str, type(None)}:  # (a registrant nobody matched, an absent person's times)
        return ["null" if value is None else encode_basestring(value) for value in values]
    return list(map(_text, values))


def _numbers(values: list) -> list[str]:
    kinds = set(map(type, values))
    if kinds <= {int}:
        return list(map(int.__repr__, values))
    if kinds <= {float} and all(map(math.isfinite, values)):
        return list(map(float.__repr__, values))
    return list(map(_number, values))


def _matches(matches: list) -> list[str]:
    """null, or the match's object. Equal (method, confidence) pairs share their text when every confidence is a
    non-zero float and every method a str (1, 1.0 and True, or 0.0 and -0.0, are equal keys, different JSON)."""
    pairs = [(match.method, match.confidence) if match else None for match in matches]
    distinct = {pair for pair in pairs if pair is not None}
    if all(type(method) is str and type(confidence) is float and confidence != 0.0
           for method, confidence in distinct):
        encoded: dict = {pair: _match(*pair) for pair in distinct}
        encoded[None] = "null"
        return list(map(encoded.__getitem__, pairs))
    return ["null" if pair is None else _match(*pair) for pair in pairs]


def _match(method, confidence) -> str:
    return f'{{"method": {_text(method)}, "confidence": {_number(confidence)}}}'


def _text(value) -> str:
    if type(value) is str:
        return encode_basestring(value)
    return "null" if value is None else _dumps(value)


def _number(value) -> str:
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    return _dumps(value)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, check_circular=False)
