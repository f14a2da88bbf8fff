"""The CLI's JSON text of a `SessionResult`, written person by person (pure).

The same bytes as `json.dumps(result.to_dict(zone), ensure_ascii=False)` (the CLI contract, held by
`tests/unit/attendance/test_cli_output.py`), without building a dict per person first: strings go through the
encoder `json.dumps` itself uses for them (`json.encoder.encode_basestring`), numbers through `int.__repr__` /
`float.__repr__` as `json.dumps` does; any other value (and a float that is not finite) is left to `json.dumps`.
"""

from __future__ import annotations

import json
import math
from datetime import tzinfo
from json.encoder import encode_basestring

from bimtek.attendance.results import PersonResult, SessionResult, _iso, _unmatched_dict


def session_json(result: SessionResult, zone: tzinfo) -> str:
    """`json.dumps(result.to_dict(zone), ensure_ascii=False)`."""
    flags: dict[tuple[str, ...], str] = {}  # people share a few flag tuples: each encoded once
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
