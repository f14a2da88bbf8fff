"""Orchestration: several uploads of one session → people with attended seconds, matches and flags (pure)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone, tzinfo
from typing import Callable, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from bimtek.attendance.columnar import read_columns
from bimtek.attendance.engine_columnar import analyse_columns
from bimtek.attendance.intervals import timing_of
from bimtek.attendance.matching import (
    FUZZY_MARGIN,
    FUZZY_QUERY_CAP,
    FUZZY_THRESHOLD,
    LogPerson,
    Match,
    Registration,
    RegistrationIndex,
    Unmatched,
    match_people,
)
from bimtek.attendance.name_columns import normalized_names, ordered_name_tokens
from bimtek.attendance.parsers import parse_file
from bimtek.attendance.results import (  # noqa: F401  (re-exported: the engine's public result types)
    FLAG_ABSENT,
    FLAG_UNMATCHED,
    Identity,
    PersonResult,
    SessionResult,
    identities_of,
    matched_index,
    session_flag_warnings,
)
from bimtek.attendance.segments import ROLE_ATTENDEE, Segment
from bimtek.core.errors import ValidationError
from bimtek.core.gcpause import paused_gc
from bimtek.core.handoff import quick_handoffs


def analyse_session(files: Iterable[tuple[str, bytes]], start_utc: datetime, end_utc: datetime,
                    tz: tzinfo | str = "Asia/Jakarta",
                    registrations: Sequence[Registration] | RegistrationIndex | Callable | None = None,
                    aliases: Mapping[str, str] | None = None, *, threshold: float = FUZZY_THRESHOLD,
                    margin: float = FUZZY_MARGIN, assignments: Mapping[str, str] | None = None,
                    blocked: Iterable[str] = ()) -> SessionResult:
    """Parse, merge and de-duplicate the session's files, group and match people, compute attendance.

    `assignments` and `blocked` are the organizer's decisions about identities of this session (see
    `matching.match_people`); a registration's time is the union of every identity that counts for it.
    `registrations` may also be a function returning them (the CLI's roster reader): it runs while the logs
    are read, and what it raises is raised before any error of the logs."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    _check_window(start_utc, end_utc)
    decisions = {"aliases": aliases, "threshold": threshold, "margin": margin, "assignments": assignments,
                 "blocked": blocked}
    with paused_gc():
        return _analyse(files, start_utc, end_utc, zone, registrations, decisions)


def _analyse(files, start_utc, end_utc, zone, registrations, decisions) -> SessionResult:
    files = list(files)
    logs = []
    with ThreadPoolExecutor(max_workers=1) as pool, quick_handoffs():
        # the registrants' lookups are Python work and reading columns is mostly native (the GIL released):
        # build the first while the second runs, on the machine's other core (`quick_handoffs`: each return
        # from native code would otherwise wait up to 5 ms for the Python thread to let go of the GIL)
        index = pool.submit(_prepared_index, registrations) if registrations is not None else None
        for name, data in files:  # the common big logs as columns; anything else (one file is enough) per row
            log = read_columns(name, data, zone, start_utc, end_utc)
            if log is None:
                break
            logs.append(log)
        registrations = index.result() if index is not None else None
    if files and len(logs) == len(files):
        return analyse_columns(logs, start_utc, end_utc, zone, registrations, decisions)
    parsed = [parse_file(name, data, zone, start_utc, end_utc) for name, data in files]
    warnings = [text for f in parsed for text in f.warnings]
    segments = _deduplicate([s for f in parsed for s in f.segments], warnings)
    groups = group_segments(segments)
    # segment times are in UTC: comparing them with a window in the same tzinfo skips a utcoffset() lookup
    # per comparison (the caller's window may be in a ZoneInfo); same instants, so the same results
    start, end = start_utc.astimezone(timezone.utc), end_utc.astimezone(timezone.utc)
    identities: list[Identity] = []
    if registrations is None:
        people = [_person(key, segs, start, end) for key, segs in groups.items()]
        unmatched: list[Unmatched] = []
    else:
        people, unmatched, identities = _matched_people(groups, registrations, start, end, decisions)
    warnings.extend(decisions.get("warnings", ()))
    warnings.extend(_session_warnings(people, segments, start, end))
    people.sort(key=lambda p: (p.name.casefold(), p.key))
    return SessionResult(start_utc, end_utc, parsed, people, unmatched, warnings, identities)


def _check_window(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError("Waktu sesi harus menyertakan zona waktu.", field="start")
    if end <= start:
        raise ValidationError("Akhir sesi harus setelah awal sesi.", field="end")


def _deduplicate(segments: list[Segment], warnings: list[str]) -> list[Segment]:
    seen, unique = set(), []
    add, keep = seen.add, unique.append
    for segment in segments:  # `Segment.dedup_key` inlined: this runs once per log row
        key = (segment.name, segment.original_name, segment.join, segment.leave, segment.total_seconds)
        if key not in seen:
            add(key)
            keep(segment)
    if len(unique) < len(segments):
        warnings.append(f"{len(segments) - len(unique)} baris identik (nama, masuk, keluar) diabaikan")
    return unique


def group_key(segment: Segment) -> str:
    """Grouping key of a log person: lower-cased e-mail when present, else the original name."""
    if segment.email:
        return "email:" + segment.email
    return "name:" + " ".join(segment.original_name.casefold().split())


def group_segments(segments: Iterable[Segment]) -> dict[str, list[Segment]]:
    """Segments by `group_key`, in first-seen order."""
    groups: dict[str, list[Segment]] = {}
    keys: dict[tuple[str, str], str] = {}  # (email, original name) → group key; rows repeat identities
    for segment in segments:
        identity = (segment.email, segment.original_name)
        key = keys.get(identity)
        if key is None:
            key = keys[identity] = group_key(segment)
        bucket = groups.get(key)
        if bucket is None:
            groups[key] = [segment]
        else:
            bucket.append(segment)
    return groups


def _person(key: str, segments: list[Segment], start: datetime, end: datetime, *, name: str | None = None,
            registration: str | None = None, match: Match | None = None, extra=()) -> PersonResult:
    flag_sets = {s.flags for s in segments}  # distinct flag sets: few per person, shared with person_time
    timing = timing_of(segments, flag_sets, start, end)
    window = (end - start).total_seconds()
    flags = set(timing.flags) | set(extra)
    flags.update(*flag_sets)
    roles = {s.role for s in segments}
    roles.discard(ROLE_ATTENDEE)
    flags |= roles
    email = next((s.email for s in segments if s.email), "")
    shown = name or (_common_name(segments) if segments else "")
    return PersonResult(key, shown, email, timing.seconds, round(100 * timing.seconds / window, 1),
                        timing.first_join, timing.last_leave, len(segments), registration, match,
                        tuple(sorted(flags)), segments)


def _common_name(segments: list[Segment]) -> str:
    return Counter(s.name for s in segments).most_common(1)[0][0]


def log_people(groups: Mapping[str, list[Segment]]) -> list[LogPerson]:
    """LogPerson per group: every distinct display/original name seen, most frequent first."""
    people = []
    for key, segments in groups.items():
        # count distinct (display, original) pairs first, then add them in first-seen order: same counts and
        # insertion (= tie) order as counting both names of every segment, with plain dicts (no Counter)
        pairs: dict[tuple[str, str], int] = {}
        for segment in segments:
            pair = (segment.name, segment.original_name)
            pairs[pair] = pairs.get(pair, 0) + 1
        counts: dict[str, int] = {}
        for (name, original), seen in pairs.items():
            counts[name] = counts.get(name, 0) + seen
            counts[original] = counts.get(original, 0) + seen
        email = next((s.email for s in segments if s.email), "")
        people.append(LogPerson(key, tuple(sorted(counts, key=counts.__getitem__, reverse=True)), email))
    return people


def _prepared_index(registrations) -> RegistrationIndex:
    if callable(registrations):
        registrations = registrations()
    if isinstance(registrations, RegistrationIndex):
        index = registrations
    else:  # the name, number and e-mail keys of every registrant computed as columns (the same keys)
        registrations = list(registrations)
        texts = [registration.name for registration in registrations]
        index = RegistrationIndex(registrations, normalized_names(texts, beside_other_work=True),
                                  ordered_name_tokens(texts), bulk_keys=True)
    index.rules  # noqa: B018  (built now, in the background, rather than when the first name needs it)
    return index


def _matched_people(groups, registrations, start, end, decisions):
    index = matched_index(registrations)
    logged = log_people(groups)
    result = match_people(logged, index, decisions["aliases"], threshold=decisions["threshold"],
                          margin=decisions["margin"], assignments=decisions["assignments"],
                          blocked=decisions["blocked"] or ())
    by_registration: dict[str, list[str]] = {}
    for key, match in result.matches.items():
        by_registration.setdefault(match.registration, []).append(key)
    if result.fuzzy_skipped:
        decisions.setdefault("warnings", []).append(
            f"{result.fuzzy_skipped} nama log tidak dicocokkan secara mirip (batas {FUZZY_QUERY_CAP:,} nama "
            "berbeda per sesi); periksa log ini atau cocokkan manual".replace(",", "."))
    people = []
    for registration in index.registrations:
        keys = by_registration.get(registration.number, [])
        segments = [s for key in keys for s in groups[key]]
        match = max((result.matches[k] for k in keys), key=lambda m: m.confidence, default=None)
        people.append(_person("reg:" + registration.number, segments, start, end, name=registration.name,
                              registration=registration.number, match=match,
                              extra=() if keys else (FLAG_ABSENT,)))
    for item in result.unmatched:
        people.append(_person(item.key, groups[item.key], start, end, extra=(FLAG_UNMATCHED,)))
    return people, result.unmatched, identities_of(logged, groups, result.matches, start, end)


def _session_warnings(people: list[PersonResult], segments: list[Segment], start: datetime, end: datetime):
    warnings = session_flag_warnings(p.flags for p in people)
    timed = [s for s in segments if s.join is not None]
    if timed and not any(s.join < end and s.leave > start for s in timed):
        warnings.append("tidak ada baris log di dalam jendela sesi — periksa tanggal dan zona waktu")
    return warnings
