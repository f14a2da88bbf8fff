"""The engine over `LogColumns`: de-duplication, grouping, interval unions and timing as array operations (pure).

Same results as the per-row engine (`engine._analyse` over `Segment`s), to the byte in the CLI's JSON; only the
per-identity work stays in Python (matching, ~1 call per distinct person instead of per row). `Segment`s are
still available, built on first use: `PersonResult.segments`, `ParsedFile.segments` and `SessionResult.identities`
are lazy sequences (the CLI never touches them; the app's services do, and get the same objects as before).
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import cached_property, partial
from itertools import chain

import numpy as np
import polars as pl

from bimtek.attendance.columnar import LogColumns, iso_texts, moment, moments
from bimtek.attendance.intervals import FLAG_CONCURRENT
from bimtek.attendance.lazy import LazyList, LazySegments
from bimtek.attendance.matching import FUZZY_QUERY_CAP, LogPerson, match_people
from bimtek.attendance.parsers import ParsedFile
from bimtek.attendance.people_columns import PeopleColumns
from bimtek.attendance.results import (
    FLAG_ABSENT,
    FLAG_UNMATCHED,
    SessionResult,
    identities_of,
    matched_index,
    session_flag_warnings,
)
from bimtek.attendance.segments import FLAG_MISSING_LEAVE, FLAG_WAITING_ROOM, ROLE_ATTENDEE, Segment

_US = 1_000_000


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

    def segments(self, rows) -> list[Segment]:
        """The `Segment` of each given (kept) row."""
        return _segments(rows, self.identities, self.identity, self.join, self.leave, self.missing, self.line,
                         [self.logs[i].filename for i in self.file[rows].tolist()])

    def keep(self, mask: np.ndarray) -> None:
        for name in ("identity", "join", "leave", "missing", "line", "file"):
            setattr(self, name, getattr(self, name)[mask])


def _file_segments(log: LogColumns, rows) -> list[Segment]:
    """The `Segment`s the per-row parser gives for rows of one file (before de-duplication)."""
    return _segments(rows, log.identities, log.identity, log.join, log.leave, log.missing_leave, log.line,
                     [log.filename] * len(rows))


def _segments(rows, identities, identity, join, leave, missing, line, filenames) -> list[Segment]:
    out = []
    for row, filename in zip(np.asarray(rows, dtype=np.int64).tolist(), filenames):
        display, original, email, flags, role = identities[identity[row]]
        if missing[row]:
            flags = flags | {FLAG_MISSING_LEAVE}
        out.append(Segment(display, original, email, moment(join[row]), moment(leave[row]), filename,
                           int(line[row]), role, flags))
    return out


def analyse_columns(logs: list[LogColumns], start_utc: datetime, end_utc: datetime, zone, registrations,
                    decisions: dict) -> SessionResult:
    """`engine._analyse` for a session whose every file was read as columns."""
    session = _Session(logs)
    parsed = [ParsedFile(log.filename, log.format, LazySegments(np.arange(len(log)), partial(_file_segments, log)),
                         log.warnings) for log in logs]
    warnings = [text for log in logs for text in log.warnings]
    pair_of, pairs = _pairs(session.identities)
    key = _combined_key(pair_of[session.identity], session.join, session.leave)
    if key is not None:  # one integer per row: hashing one column instead of a struct of three
        first = pl.Series(key).is_first_distinct().to_numpy()
    else:
        first = pl.DataFrame({"p": pair_of[session.identity], "j": session.join, "l": session.leave}) \
            .select(pl.struct("p", "j", "l").is_first_distinct()).to_series().to_numpy()
    if not first.all():
        warnings.append(f"{len(first) - int(first.sum())} baris identik (nama, masuk, keluar) diabaikan")
        session.keep(first)
    groups = _Groups(session, pair_of, pairs)
    start, end = start_utc.astimezone(timezone.utc), end_utc.astimezone(timezone.utc)
    if registrations is None:
        owners = [[g] for g in range(len(groups.keys))]
        people = _people(session, groups, owners, start, end, zone)
        unmatched, identities = [], []
    else:
        people, unmatched, identities = _matched(session, groups, registrations, start, end, decisions, zone)
    warnings.extend(decisions.get("warnings", ()))
    warnings.extend(session_flag_warnings(people.flags))
    window = (session.join < _us(end)) & (session.leave > _us(start))
    if len(session.join) and not window.any():
        warnings.append("tidak ada baris log di dalam jendela sesi — periksa tanggal dan zona waktu")
    return SessionResult(start_utc, end_utc, parsed, people.sorted_by_name(), unmatched, warnings, identities)


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
        order = pl.Series(raw).unique(maintain_order=True).to_numpy()  # group ids by first kept row
        rank = np.full(len(keys), -1, dtype=np.int64)
        rank[order] = np.arange(len(order))
        names = list(keys)
        self.keys = [names[g] for g in order.tolist()]
        self.row_group = rank[raw]
        self.counts = _pair_counts(self.row_group, pair_of[session.identity], pairs, len(self.keys))

    @cached_property
    def _spans(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows by group (stable) and where each group starts: only for `Segment`s, which the CLI never builds."""
        order = np.argsort(self.row_group, kind="stable")
        return order, np.searchsorted(self.row_group[order], np.arange(len(self.keys) + 1))

    def rows(self, groups: list[int]) -> np.ndarray:
        """Row numbers of the given groups, group after group, each in file order."""
        order, bounds = self._spans
        parts = [order[bounds[g]:bounds[g + 1]] for g in groups]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def person(self, group: int) -> LogPerson:
        key = self.keys[group]
        email = key[6:] if key.startswith("email:") else ""
        pairs = self.counts[group]
        if len(pairs) == 1:  # the usual person: one (display, original) pair, both seen as often
            name, original = pairs[0][0]
            return LogPerson(key, (name,) if name == original else (name, original), email)
        counts: dict[str, int] = {}
        for (name, original), seen in pairs:
            counts[name] = counts.get(name, 0) + seen
            counts[original] = counts.get(original, 0) + seen
        return LogPerson(key, tuple(sorted(counts, key=counts.__getitem__, reverse=True)), email)

    def common_name(self, group: int) -> str:
        counts: dict[str, int] = {}
        for (name, _original), seen in self.counts[group]:
            counts[name] = counts.get(name, 0) + seen
        return max(counts, key=counts.__getitem__)  # first of the most frequent, as Counter.most_common


def _group_key(identity: tuple) -> str:
    email, original = identity[2], identity[1]
    return "email:" + email if email else "name:" + " ".join(original.casefold().split())


def _pair_counts(row_group, row_pair, pairs, count) -> list[list]:
    """Per group: [((display, original), rows)] in first-seen order."""
    combined = row_group * (len(pairs) + 1) + row_pair
    seen = pl.DataFrame({"c": combined}).group_by("c", maintain_order=True).len()  # in first-seen order
    out: list[list] = [[] for _ in range(count)]
    width = len(pairs) + 1
    for value, times in zip(seen.get_column("c").to_list(), seen.get_column("len").to_list()):
        out[value // width].append((pairs[value % width], times))
    return out


def _matched(session, groups: _Groups, registrations, start, end, decisions, zone):
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
    keys, matches, registrations = groups.keys, result.matches, index.registrations
    numbers = [registration.number for registration in registrations]
    owners = [by_registration.get(number, []) for number in numbers]
    # the usual registrant has one identity (the max of one, without a generator)
    chosen = [matches[keys[owned[0]]] if len(owned) == 1 else max((matches[keys[g]] for g in owned),
                                                                  key=_confidence, default=None)
              for owned in owners]
    extras = [() if owned else (FLAG_ABSENT,) for owned in owners] + [(FLAG_UNMATCHED,)] * len(result.unmatched)
    owners.extend([group_of[item.key]] for item in result.unmatched)
    rest = [None] * len(result.unmatched)
    people = _people(session, groups, owners, start, end, zone, (["reg:" + number for number in numbers] + rest,
                     [registration.name for registration in registrations] + rest, numbers + rest, chosen + rest),
                     extras)

    def identities():
        segments = {key: session.segments(groups.rows([g])) for g, key in enumerate(groups.keys)}
        return identities_of(logged, segments, result.matches, start, end)
    return people, result.unmatched, LazyList(identities)


def _confidence(match) -> float:
    return match.confidence


def _people(session: _Session, groups: _Groups, owners: list[list[int]], start, end, zone, shown=None,
            extras=None) -> PeopleColumns:
    """PersonResult per owner (a list of groups, in order), timed like `engine._person`; `shown`: the
    (keys, names, registrations, matches) of the owners (the log's own when None), `extras`: their extra flags."""
    count = len(owners)
    person_of_group = np.full(len(groups.keys), -1, dtype=np.int64)
    sizes = np.fromiter(map(len, owners), dtype=np.int64, count=count)
    person_of_group[np.fromiter(chain.from_iterable(owners), dtype=np.int64, count=int(sizes.sum()))] = \
        np.repeat(np.arange(count), sizes)  # (a group has one owner at most)
    row_person = person_of_group[groups.row_group]
    seconds, times, overlaps, texts = _timing(session, row_person, _us(start), _us(end), count, zone)
    counts = np.bincount(row_person, minlength=count).tolist()
    emails = [key[6:] if key.startswith("email:") else "" for key in groups.keys]
    percents = _percents(seconds, (end - start).total_seconds())
    keys, names, registrations, matches = shown or ([None] * count,) * 4
    sorted_flags: dict[tuple, tuple[str, ...]] = {}  # people share a few flag sets: each sorted once
    flag_column, name_column, email_column = [], [], []
    common_name = groups.common_name
    for owned, flags, extra, overlap, name, seen in zip(owners, _flag_sets(session, row_person, count),
                                                        extras or ((),) * count, overlaps, names, counts):
        flagged = sorted_flags.get((flags, extra, overlap))
        if flagged is None:
            flagged = sorted_flags[(flags, extra, overlap)] = tuple(sorted(
                flags.union(extra, (FLAG_CONCURRENT,) if overlap else ())))
        flag_column.append(flagged)
        name_column.append(name or (common_name(owned[0]) if seen else ""))
        email_column.append(emails[owned[0]] if len(owned) == 1 else next((emails[g] for g in owned if emails[g]), ""))
    key_column = [key or groups.keys[owned[0]] for key, owned in zip(keys, owners)]
    return PeopleColumns((key_column, name_column, email_column, seconds, percents, times, counts,
                          registrations, matches, flag_column), texts, owners,
                         partial(_person_segments, groups.rows, session.segments))


def _person_segments(rows, build, owned: list[int], seen: int) -> LazySegments:
    return LazySegments(partial(rows, owned), build, seen)


def _percents(seconds: list[int], window: float) -> list[float]:
    """[round(100 * total / window, 1) for total in seconds]: one rint of ten times the values; Python's own
    (correctly rounded) `round` only for values whose tenfold lies within 1e-6 of a half, where the float
    product may round to the other side."""
    values = np.asarray(seconds, dtype=np.float64)
    if not len(values) or np.abs(values).max() >= 2 ** 40:  # (100 * total stays exact in a float)
        return [round(100 * total / window, 1) for total in seconds]
    tens = 100 * values / window * 10
    out = (np.rint(tens) / 10).tolist()
    for position in np.flatnonzero(np.abs(tens - np.floor(tens) - 0.5) < 1e-6).tolist():
        out[position] = round(100 * seconds[position] / window, 1)
    return out


def _timing(session: _Session, row_person, start: int, end: int, count: int, zone) -> tuple[list, ...]:
    """Per person lists of seconds, (a function giving the lists of) first join and last leave, two spans
    overlap, `PersonResult.shown`:
    `intervals.timing_of` over the rows that are not in the waiting room, one sort and a running maximum."""
    waiting = np.fromiter((FLAG_WAITING_ROOM in item[3] if item else False for item in session.identities),
                          dtype=bool, count=len(session.identities))[session.identity]
    timed = ~waiting & (row_person >= 0)
    person, join, leave = row_person[timed], session.join[timed], session.leave[timed]
    out = ([0] * count, [None] * count, [None] * count, [False] * count, [(zone, None, None)] * count)
    if not len(person):
        return out[0], partial(_no_times, count), out[3], out[4]
    order = _by_person_join_leave(person, join, leave)
    person, join, leave = person[order], join[order], leave[order]
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
    begin, finish = np.maximum(join, start), np.minimum(leave, end)
    reached = _running_max_before(finish, person, starts)  # latest clipped finish of the person's earlier spans
    covered = np.clip(finish - np.maximum(begin, reached), 0, None)
    before = _running_max_before(leave, person, starts)
    seconds = np.add.reduceat(covered, starts)
    overlap = np.logical_or.reduceat(join < before, starts)
    last = np.maximum.reduceat(leave, starts)
    firsts = join[starts]
    texts = iso_texts(np.concatenate([firsts, last]), zone)
    whole = np.rint(seconds / _US).astype(np.int64)  # = int(round(total / _US)): half to even, exact below 2**53
    who = person[starts].tolist()
    for column, values in zip((out[0], out[3]), (whole.tolist(), overlap.tolist())):
        for position, value in zip(who, values):
            column[position] = value
    if texts is not None:
        for position, first, latest in zip(who, texts[:len(firsts)], texts[len(firsts):]):
            out[4][position] = (zone, first, latest)
    else:
        for position in who:
            out[4][position] = None
    return out[0], partial(_times, who, firsts, last, count), out[3], out[4]


def _no_times(count: int) -> tuple[list, list]:
    return [None] * count, [None] * count


def _times(who: list[int], firsts: np.ndarray, lasts: np.ndarray, count: int) -> tuple[list, list]:
    """Per person its first join and last leave as datetimes (None without rows): only for `PersonResult`s."""
    out = _no_times(count)
    for column, values in zip(out, (moments(firsts), moments(lasts))):
        for position, value in zip(who, values):
            column[position] = value
    return out


def _by_person_join_leave(person: np.ndarray, join: np.ndarray, leave: np.ndarray) -> np.ndarray:
    """The rows in the order of `np.lexsort((leave, join, person))`, up to rows equal in all three (whose order
    changes nothing computed from them): one argsort of `_combined_key` when there is one (a real log)."""
    key = _combined_key(person, join, leave)
    return np.lexsort((leave, join, person)) if key is None else np.argsort(key)


def _combined_key(first: np.ndarray, join: np.ndarray, leave: np.ndarray) -> np.ndarray | None:
    """One int64 per row ordered as (first, join, leave) and equal only for equal triples, when the times are
    whole seconds and the three fit in 63 bits; else None. `first` holds integers >= -1."""
    if not len(first) or (join % _US).any() or (leave % _US).any():
        return None
    join, leave = join // _US, leave // _US
    low_join, low_leave = int(join.min()), int(leave.min())
    joins, leaves = int(join.max()) - low_join + 1, int(leave.max()) - low_leave + 1
    if (int(first.max()) + 2) * joins * leaves >= 2 ** 62:
        return None
    return ((first + 1) * joins + (join - low_join)) * leaves + (leave - low_leave)


def _running_max_before(values: np.ndarray, person: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per row, the maximum of the same person's earlier values (rows sorted by person; int64 minimum for the
    first row of each person). One cumulative maximum over values lifted by person, so persons never mix."""
    low = int(values.min())
    span = int(values.max()) - low + 1
    if span * (int(person.max()) + 2) < 2 ** 62:
        lifted = (values - low) + person * span
        before = np.empty_like(values)
        before[1:] = np.maximum.accumulate(lifted)[:-1] - person[1:] * span + low
    else:  # times too far apart to lift (a crafted log): a per-person window in polars
        before = pl.DataFrame({"p": person, "v": values}).select(pl.col("v").cum_max().shift(1).over("p")) \
            .to_series().fill_null(0).to_numpy()
    before[starts] = np.iinfo(np.int64).min
    return before


def _flag_sets(session: _Session, row_person, count: int) -> list[frozenset]:
    """Per person: every segment flag and non-attendee role of its rows."""
    kept = row_person >= 0
    width = len(session.identities) + 1
    combined = row_person[kept] * (2 * width) + session.identity[kept] * 2 + session.missing[kept]
    out: list[set] = [set() for _ in range(count)]
    for value in pl.Series(combined).unique().to_list():  # (a hash, not a sort: the order makes no difference)
        person, rest = divmod(value, 2 * width)
        identity, missing = divmod(rest, 2)
        flags = out[person]
        item = session.identities[identity]
        flags.update(item[3])
        if item[4] != ROLE_ATTENDEE:
            flags.add(item[4])
        if missing:
            flags.add(FLAG_MISSING_LEAVE)
    return [frozenset(flags) for flags in out]
