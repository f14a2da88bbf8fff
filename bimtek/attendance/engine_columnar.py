"""The engine over `LogColumns`: de-duplication, grouping, interval unions and timing as array operations (pure).

Same results as the per-row engine (`engine._analyse` over `Segment`s), to the byte in the CLI's JSON; only the
per-identity work stays in Python (matching, ~1 call per distinct person instead of per row). `Segment`s are
still available, built on first use: `PersonResult.segments`, `ParsedFile.segments` and `SessionResult.identities`
are lazy sequences (the CLI never touches them; the app's services do, and get the same objects as before).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

import numpy as np
import polars as pl

from bimtek.attendance.columnar import LogColumns, moment
from bimtek.attendance.engine import (
    FLAG_ABSENT,
    FLAG_UNMATCHED,
    PersonResult,
    SessionResult,
    _identities,
    _session_flag_warnings,
    matched_index,
)
from bimtek.attendance.intervals import FLAG_CONCURRENT
from bimtek.attendance.matching import FUZZY_QUERY_CAP, LogPerson, match_people
from bimtek.attendance.parsers import ParsedFile
from bimtek.attendance.segments import FLAG_MISSING_LEAVE, FLAG_WAITING_ROOM, ROLE_ATTENDEE, Segment

_US = 1_000_000


class LazySegments(Sequence):
    """`Segment`s of some rows of the session's columns, built on first access (len() builds nothing).
    `rows` is an array of row numbers, or a list of such arrays taken one after the other."""

    def __init__(self, rows, build, count: int | None = None):
        self._rows, self._build, self._items = rows, build, None
        self._count = len(rows) if count is None else count

    def __len__(self) -> int:
        return self._count

    def _all(self) -> list[Segment]:
        if self._items is None:
            rows = self._rows
            if isinstance(rows, list):
                rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
            self._items = self._build(rows)
        return self._items

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other):
        return list(self) == list(other)


class LazyList(Sequence):
    """A list computed on first access."""

    def __init__(self, compute):
        self._compute, self._items = compute, None

    def _all(self) -> list:
        if self._items is None:
            self._items = self._compute()
        return self._items

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, index):
        return self._all()[index]


class _Session:
    """The de-duplicated rows of every file of the session, as arrays (row order = file order, then line)."""

    def __init__(self, logs: list[LogColumns]):
        self.logs = logs
        self.identities: list[tuple] = [item for log in logs for item in log.identities]
        offsets = np.cumsum([0] + [len(log.identities) for log in logs])[:-1]
        self.identity = np.concatenate([log.identity + offset for log, offset in zip(logs, offsets)])
        self.join = np.concatenate([log.join for log in logs])
        self.leave = np.concatenate([log.leave for log in logs])
        self.missing = np.concatenate([log.missing_leave for log in logs])
        self.line = np.concatenate([log.line for log in logs])
        self.file = np.concatenate([np.full(len(log), i, dtype=np.int32) for i, log in enumerate(logs)])
        self.file_rows = [np.flatnonzero(self.file == i) for i in range(len(logs))]

    def segments(self, rows) -> list[Segment]:
        """The `Segment` of each given row (what the per-row parsers build)."""
        names = [log.filename for log in self.logs]
        out = []
        for row in np.asarray(rows, dtype=np.int64).tolist():
            display, original, email, flags, role = self.identities[self.identity[row]]
            if self.missing[row]:
                flags = flags | {FLAG_MISSING_LEAVE}
            out.append(Segment(display, original, email, moment(self.join[row]), moment(self.leave[row]),
                               names[self.file[row]], int(self.line[row]), role, flags))
        return out

    def keep(self, mask: np.ndarray) -> None:
        for name in ("identity", "join", "leave", "missing", "line", "file"):
            setattr(self, name, getattr(self, name)[mask])


def analyse_columns(logs: list[LogColumns], start_utc: datetime, end_utc: datetime, zone, registrations,
                    decisions: dict) -> SessionResult:
    """`engine._analyse` for a session whose every file was read as columns."""
    session = _Session(logs)
    parsed = [ParsedFile(log.filename, log.format, LazySegments(rows, session.segments), log.warnings)
              for log, rows in zip(logs, session.file_rows)]
    warnings = [text for log in logs for text in log.warnings]
    pair_of, pairs = _pairs(session.identities)
    first = pl.DataFrame({"p": pair_of[session.identity], "j": session.join, "l": session.leave}) \
        .select(pl.struct("p", "j", "l").is_first_distinct()).to_series().to_numpy()
    if not first.all():
        warnings.append(f"{len(first) - int(first.sum())} baris identik (nama, masuk, keluar) diabaikan")
        session.keep(first)
    groups = _Groups(session, pair_of, pairs)
    start, end = start_utc.astimezone(timezone.utc), end_utc.astimezone(timezone.utc)
    if registrations is None:
        owners = [[g] for g in range(len(groups.keys))]
        people = _people(session, groups, owners, start, end, [{} for _ in owners])
        unmatched, identities = [], []
    else:
        people, unmatched, identities = _matched(session, groups, registrations, start, end, decisions)
    warnings.extend(decisions.get("warnings", ()))
    warnings.extend(_session_flag_warnings(people))
    window = (session.join < _us(end)) & (session.leave > _us(start))
    if len(session.join) and not window.any():
        warnings.append("tidak ada baris log di dalam jendela sesi — periksa tanggal dan zona waktu")
    people.sort(key=lambda p: (p.name.casefold(), p.key))
    return SessionResult(start_utc, end_utc, parsed, people, unmatched, warnings, identities)


def _us(value: datetime) -> int:
    delta = value - moment(0)
    return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds


def _pairs(identities: list[tuple]) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Id of each identity's (display, original) pair and the pairs in first-seen order."""
    ids: dict[tuple[str, str], int] = {}
    of = np.fromiter((ids.setdefault((item[0], item[1]), len(ids)) if item else -1 for item in identities),
                     dtype=np.int64, count=len(identities))
    return of, list(ids)


class _Groups:
    """Log people (`engine.group_key`) in first-seen order with their names, e-mail and rows."""

    def __init__(self, session: _Session, pair_of: np.ndarray, pairs: list[tuple[str, str]]):
        keys: dict[str, int] = {}
        of_identity = np.fromiter((keys.setdefault(_group_key(item), len(keys)) if item else -1
                                   for item in session.identities), dtype=np.int64, count=len(session.identities))
        raw = of_identity[session.identity]
        found, first = np.unique(raw, return_index=True)
        order = found[np.argsort(first, kind="stable")]  # group ids by first kept row
        rank = np.full(len(keys), -1, dtype=np.int64)
        rank[order] = np.arange(len(order))
        names = list(keys)
        self.keys = [names[g] for g in order.tolist()]
        self.row_group = rank[raw]
        self.rows = _split_rows(self.row_group, len(self.keys))
        self.counts = _pair_counts(self.row_group, pair_of[session.identity], pairs, len(self.keys))

    def person(self, group: int) -> LogPerson:
        counts: dict[str, int] = {}
        for (name, original), seen in self.counts[group]:
            counts[name] = counts.get(name, 0) + seen
            counts[original] = counts.get(original, 0) + seen
        key = self.keys[group]
        email = key[6:] if key.startswith("email:") else ""
        return LogPerson(key, tuple(sorted(counts, key=counts.__getitem__, reverse=True)), email)

    def common_name(self, group: int) -> str:
        counts: dict[str, int] = {}
        for (name, _original), seen in self.counts[group]:
            counts[name] = counts.get(name, 0) + seen
        return max(counts, key=counts.__getitem__)  # first of the most frequent, as Counter.most_common


def _group_key(identity: tuple) -> str:
    email, original = identity[2], identity[1]
    return "email:" + email if email else "name:" + " ".join(original.casefold().split())


def _split_rows(row_group: np.ndarray, count: int) -> list[np.ndarray]:
    order = np.argsort(row_group, kind="stable")
    bounds = np.searchsorted(row_group[order], np.arange(1, count))
    return np.split(order, bounds)


def _pair_counts(row_group, row_pair, pairs, count) -> list[list]:
    """Per group: [((display, original), rows)] in first-seen order."""
    combined = row_group * (len(pairs) + 1) + row_pair
    found, first, seen = np.unique(combined, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    out: list[list] = [[] for _ in range(count)]
    width = len(pairs) + 1
    for value, times in zip(found[order].tolist(), seen[order].tolist()):
        out[value // width].append((pairs[value % width], times))
    return out


def _matched(session, groups: _Groups, registrations, start, end, decisions):
    index = matched_index(registrations)
    logged = [groups.person(g) for g in range(len(groups.keys))]
    result = match_people(logged, index, decisions["aliases"], threshold=decisions["threshold"],
                          margin=decisions["margin"], assignments=decisions["assignments"],
                          blocked=decisions["blocked"] or ())
    if result.fuzzy_skipped:
        decisions.setdefault("warnings", []).append(
            f"{result.fuzzy_skipped} nama log tidak dicocokkan secara mirip (batas {FUZZY_QUERY_CAP:,} nama "
            "berbeda per sesi); periksa log ini atau cocokkan manual".replace(",", "."))
    group_of = {key: g for g, key in enumerate(groups.keys)}
    by_registration: dict[str, list[int]] = {}
    for key, match in result.matches.items():
        by_registration.setdefault(match.registration, []).append(group_of[key])
    owners, details = [], []
    for registration in index.registrations:
        owned = by_registration.get(registration.number, [])
        match = max((result.matches[groups.keys[g]] for g in owned), key=lambda m: m.confidence, default=None)
        owners.append(owned)
        details.append({"key": "reg:" + registration.number, "name": registration.name,
                        "registration": registration.number, "match": match,
                        "extra": () if owned else (FLAG_ABSENT,)})
    for item in result.unmatched:
        owners.append([group_of[item.key]])
        details.append({"extra": (FLAG_UNMATCHED,)})
    people = _people(session, groups, owners, start, end, details)

    def identities():
        segments = {key: session.segments(groups.rows[g]) for g, key in enumerate(groups.keys)}
        return _identities(logged, segments, result.matches, start, end)
    return people, result.unmatched, LazyList(identities)


def _people(session: _Session, groups: _Groups, owners: list[list[int]], start, end, details) -> list[PersonResult]:
    """PersonResult per owner (a list of groups, in order), timed like `engine._person`."""
    person_of_group = np.full(len(groups.keys), -1, dtype=np.int64)
    for person, owned in enumerate(owners):
        person_of_group[owned] = person
    row_person = person_of_group[groups.row_group]
    timing = _timing(session, row_person, _us(start), _us(end), len(owners))
    flag_sets = _flag_sets(session, row_person, len(owners))
    window = (end - start).total_seconds()
    people = []
    for person, owned in enumerate(owners):
        detail = details[person]
        seconds, first_join, last_leave, overlap = timing[person]
        flags = set(flag_sets[person]) | set(detail.get("extra", ()))
        if overlap:
            flags.add(FLAG_CONCURRENT)
        email = next((groups.keys[g][6:] for g in owned if groups.keys[g].startswith("email:")), "")
        rows = [groups.rows[g] for g in owned]
        count = sum(map(len, rows))
        name = detail.get("name") or (groups.common_name(owned[0]) if count else "")
        people.append(PersonResult(detail.get("key") or groups.keys[owned[0]], name, email, seconds,
                                   round(100 * seconds / window, 1), first_join, last_leave, count,
                                   detail.get("registration"), detail.get("match"), tuple(sorted(flags)),
                                   LazySegments(rows, session.segments, count)))
    return people


def _timing(session: _Session, row_person, start: int, end: int, count: int) -> list[tuple]:
    """Per person (seconds, first join, last leave, two spans overlap): `intervals.timing_of` over the rows that
    are not in the waiting room, as one sort and a per-person running maximum."""
    waiting = np.fromiter((FLAG_WAITING_ROOM in item[3] if item else False for item in session.identities),
                          dtype=bool, count=len(session.identities))[session.identity]
    timed = ~waiting & (row_person >= 0)
    frame = pl.DataFrame({"person": row_person[timed], "join": session.join[timed], "leave": session.leave[timed]})
    frame = frame.sort(["person", "join", "leave"])
    summary = (frame.lazy().with_columns(
        begin=pl.col("join").clip(lower_bound=start), finish=pl.col("leave").clip(upper_bound=end),
        before=pl.col("leave").cum_max().shift(1).over("person"))
        .with_columns(reached=pl.col("finish").cum_max().shift(1).over("person"))
        .with_columns(covered=(pl.col("finish") - pl.max_horizontal("begin", "reached")).clip(lower_bound=0))
        .group_by("person").agg(pl.col("covered").sum(), pl.col("join").min(), pl.col("leave").max(),
                                (pl.col("join") < pl.col("before")).any().alias("overlap"))
        .collect())
    out = [(0, None, None, False)] * count
    for person, covered, join, leave, overlap in summary.iter_rows():
        out[person] = (int(round(covered / _US)), moment(join), moment(leave), bool(overlap))
    return out


def _flag_sets(session: _Session, row_person, count: int) -> list[set]:
    """Per person: every segment flag and non-attendee role of its rows."""
    kept = row_person >= 0
    width = len(session.identities) + 1
    combined = row_person[kept] * (2 * width) + session.identity[kept] * 2 + session.missing[kept]
    out: list[set] = [set() for _ in range(count)]
    for value in np.unique(combined).tolist():
        person, rest = divmod(value, 2 * width)
        identity, missing = divmod(rest, 2)
        flags = out[person]
        item = session.identities[identity]
        flags.update(item[3])
        if item[4] != ROLE_ATTENDEE:
            flags.add(item[4])
        if missing:
            flags.add(FLAG_MISSING_LEAVE)
    return out
