"""What an analysis returns: people with attended seconds, identities, the session result (pure).

Shared by the per-row engine (`engine`) and the columnar one (`engine_columnar`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from itertools import repeat
from operator import contains

from bimtek.attendance.intervals import FLAG_TOTALS_IGNORED, FLAG_UNCLIPPABLE, Coverage, combined_seconds, coverage_of
from bimtek.attendance.matching import Match, RegistrationIndex, Unmatched
from bimtek.attendance.parsers import ParsedFile
from bimtek.attendance.segments import Segment

FLAG_UNMATCHED = "unmatched"
FLAG_ABSENT = "absent"


@dataclass
class PersonResult:
    """One person of the session (a registrant, or a log person nobody could match)."""

    key: str
    name: str
    email: str
    attended_seconds: int
    percent: float
    first_join: datetime | None
    last_leave: datetime | None
    rows: int
    registration: str | None = None
    match: Match | None = None
    flags: tuple[str, ...] = ()
    segments: list[Segment] = field(default_factory=list)
    # (zone, first_join, last_leave as `_iso` gives them in that zone), when formatted in bulk beforehand
    shown: tuple | None = field(default=None, repr=False, compare=False)

    def to_dict(self, tz: tzinfo) -> dict:
        """JSON shape of the CLI contract (times ISO-8601 in `tz`)."""
        match = {"method": self.match.method, "confidence": self.match.confidence} if self.match else None
        if self.shown is not None and self.shown[0] is tz:
            first, last = self.shown[1], self.shown[2]
        else:
            first, last = _iso(self.first_join, tz), _iso(self.last_leave, tz)
        return {"name": self.name, "email": self.email, "attended_seconds": self.attended_seconds,
                "percent": self.percent, "first_join": first, "last_leave": last, "rows": self.rows,
                "registration": self.registration, "match": match, "flags": list(self.flags)}


@dataclass
class Identity:
    """One log identity of the session (grouping key: e-mail, else original name) and who it counts for."""

    key: str
    names: tuple[str, ...]
    email: str
    registration: str | None
    match: Match | None
    seconds: int
    rows: int
    coverage: Coverage


@dataclass
class SessionResult:
    """Everything computed for one session from its uploads."""

    start: datetime
    end: datetime
    files: list[ParsedFile]
    people: list[PersonResult]
    unmatched: list[Unmatched]
    warnings: list[str]
    identities: list[Identity] = field(default_factory=list)

    @property
    def format(self) -> str:
        """Detected format key; several distinct formats are joined with "+"."""
        return "+".join(dict.fromkeys(f.format for f in self.files))

    def to_dict(self, tz: tzinfo) -> dict:
        """JSON shape of the CLI contract."""
        return {"format": self.format, "session": {"start": _iso(self.start, tz), "end": _iso(self.end, tz)},
                "people": [p.to_dict(tz) for p in self.people],
                "unmatched": [_unmatched_dict(u) for u in self.unmatched], "warnings": list(self.warnings)}


def _iso(value: datetime | None, tz: tzinfo) -> str | None:
    return value.astimezone(tz).isoformat() if value else None


def _unmatched_dict(item: Unmatched) -> dict:
    return {"name": item.name, "email": item.email, "reason": item.reason,
            "suggestions": [{"registration": s.registration, "name": s.name, "score": s.score}
                            for s in item.suggestions]}


def matched_index(registrations) -> RegistrationIndex:
    """The registrations as an index (built here unless the caller reuses one)."""
    return registrations if isinstance(registrations, RegistrationIndex) else RegistrationIndex(registrations)


def identities_of(logged, groups, matches, start, end) -> list[Identity]:
    identities, window = [], int((end - start).total_seconds())
    for person in logged:
        segments, match = groups[person.key], matches.get(person.key)
        coverage = coverage_of(segments, start, end)
        seconds = combined_seconds([coverage], window)  # = timing_of(...).seconds, from what is computed anyway
        identities.append(Identity(person.key, person.names, person.email, match.registration if match else None,
                                   match, seconds, len(segments), coverage))
    return identities


def session_flag_warnings(flag_sets: Iterable[tuple[str, ...]]) -> list[str]:
    """The session's warnings about its people's flags (`flag_sets`: each person's)."""
    flag_sets = list(flag_sets)
    warnings = []
    unclippable = sum(map(contains, flag_sets, repeat(FLAG_UNCLIPPABLE)))  # (a count of True, in C)
    if unclippable:
        warnings.append(f"{unclippable} orang dihitung dari durasi total (tidak dapat dipotong ke jendela sesi)")
    ignored = sum(map(contains, flag_sets, repeat(FLAG_TOTALS_IGNORED)))
    if ignored:
        warnings.append(f"{ignored} orang punya baris durasi total dan baris masuk/keluar; durasi total diabaikan")
    return warnings
