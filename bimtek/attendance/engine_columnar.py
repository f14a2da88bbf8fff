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
from bimtek.attendance.flag_masks import FlagMasks
from bimtek.attendance.intervals import FLAG_CONCURRENT
from bimtek.attendance.lazy import LazyList, LazySegments
from bimtek.attendance.matching import FUZZY_QUERY_CAP, LogPerson, match_people
from bimtek.attendance.parsers import ParsedFile
from bimtek.attendance.people_columns import PeopleColumns, ShownTexts, name_order
from bimtek.attendance.results import (
    FLAG_ABSENT,
    FLAG_UNMATCHED,
    SessionResult,
    identities_of,
    matched_index,
    session_flag_warnings,
)
from bimtek.attendance.segments import FLAG_MISSING_LEAVE, Segment

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
        seen = pl.Series(session.identity).unique(maintain_order=True).to_numpy()  # identities by first kept row
        order = pl.Series(of_identity[seen]).unique(maintain_order=True).to_numpy()  # groups by first kept row
        rank = np.full(len(keys), -1, dtype=np.int64)
        rank[order] = np.arange(len(order))
        names = list(keys)
        self.keys = [names[g] for g in order.tolist()]
        self.emails = [key[6:] if key.startswith("email:") else "" for key in self.keys]
        self.row_group = rank[of_identity][session.identity]
        self._pairs = pairs
        self._first_pair, self._several = _pair_counts(
            rank[of_identity[seen]], pair_of[seen], np.bincount(session.identity)[seen], len(self.keys))

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

    def people(self) -> list[LogPerson]:
        """The `LogPerson` of every group: its names by how many rows show them (display first on ties)."""
        pairs = self._pairs
        # the usual person: one (display, original) pair, both seen as often
        names = [(name,) if name == original else (name, original) for name, original in
                 map(pairs.__getitem__, self._first_pair)]
        for group, seen in self._several.items():
            counts: dict[str, int] = {}
            for pair, times in seen:
                name, original = pairs[pair]
                counts[name] = counts.get(name, 0) + times
                counts[original] = counts.get(original, 0) + times
            names[group] = tuple(sorted(counts, key=counts.__getitem__, reverse=True))
        return list(map(LogPerson, self.keys, names, self.emails))

    def common_name(self, group: int) -> str:
        seen = self._several.get(group)
        if seen is None:
            return self._pairs[self._first_pair[group]][0]
        counts: dict[str, int] = {}
        for pair, times in seen:
            name = self._pairs[pair][0]
            counts[name] = counts.get(name, 0) + times
        return max(counts, key=counts.__getitem__)  # first of the most frequent, as Counter.most_common


def _group_key(identity: tuple) -> str:
    email, original = identity[2], identity[1]
    return "email:" + email if email else "name:" + " ".join(original.casefold().split())


def _pair_counts(group: np.ndarray, pair: np.ndarray, rows: np.ndarray, count: int) -> tuple[list[int], dict]:
    """Per group its first-seen (display, original) pair; for the few groups that show several pairs,
    [(pair, rows)] in first-seen order. Arguments: per identity with kept rows, by first kept row."""
    members = np.bincount(group, minlength=count)
    _, first = np.unique(group, return_index=True)  # (every group has a row)
    several = np.flatnonzero(members[group] > 1)
    counts: dict[int, dict[int, int]] = {}
    for owner, member, times in zip(group[several].tolist(), pair[several].tolist(), rows[several].tolist()):
        seen = counts.setdefault(owner, {})
        seen[member] = seen.get(member, 0) + times
    return pair[first].tolist(), {owner: list(seen.items()) for owner, seen in counts.items() if len(seen) > 1}


def _matched(session, groups: _Groups, registrations, start, end, decisions, zone):
    index = matched_index(registrations)
    logged = groups.people()
    result = match_people(logged, index, decisions["aliases"], threshold=decisions["threshold"],
                          margin=decisions["margin"], assignments=decisions["assignments"],
                          blocked=decisions["blocked"] or ())
    if result.fuzzy_skipped:
        decisions.setdefault("warnings", []).append(
            f"{result.fuzzy_skipped} nama log tidak dicocokkan secara mirip (batas {FUZZY_QUERY_CAP:,} nama "
            "berbeda per sesi); periksa log ini atau cocokkan manual".replace(",", "."))
    registrations = index.registrations
    numbers = [registration.number for registration in registrations]
    group_of = dict(zip(groups.keys, range(len(groups.keys))))
    owners, chosen = _owners(numbers, result.matches, group_of)
    owners.extend([group_of[item.key]] for item in result.unmatched)
    absent = np.fromiter(map(len, owners), dtype=np.int64, count=len(owners)) == 0  # (an unmatched owns one)
    unmatched = np.arange(len(owners)) >= len(numbers)
    rest = [None] * len(result.unmatched)
    people = _people(session, groups, owners, start, end, zone, (["reg:" + number for number in numbers] + rest,
                     [registration.name for registration in registrations] + rest, numbers + rest, chosen + rest),
                     {FLAG_ABSENT: absent, FLAG_UNMATCHED: unmatched})

    def identities():
        segments = {key: session.segments(groups.rows([g])) for g, key in enumerate(groups.keys)}
        return identities_of(logged, segments, result.matches, start, end)
    return people, result.unmatched, LazyList(identities)


def _owners(numbers: list[str], matches: dict, group_of: dict[str, int]) -> tuple[list[list[int]], list]:
    """Per registration number: the groups matched to it (in match order) and its most confident match (the
    first of the most confident, as max())."""
    owned: dict[str, list[int]] = {}
    best: dict = {}
    for key, match in matches.items():
        number = match.registration
        groups = owned.get(number)
        if groups is None:
            owned[number] = [group_of[key]]
            best[number] = match
        else:
            groups.append(group_of[key])
            if match.confidence > best[number].confidence:
                best[number] = match
    return [owned.get(number, []) for number in numbers], list(map(best.get, numbers))


def _people(session: _Session, groups: _Groups, owners: list[list[int]], start, end, zone, shown=None,
            extras: dict[str, np.ndarray] | None = None) -> PeopleColumns:
    """PersonResult per owner (a list of groups), timed like `engine._person`, ordered like the per-row engine's
    `sort(key=lambda p: (p.name.casefold(), p.key))`; `shown`: the (keys, names, registrations, matches) of the
    owners (the log's own when None), `extras`: {flag: whether each owner has it}."""
    count = len(owners)
    keys, names, registrations, matches = shown or ([None] * count,) * 4
    common_name, emails = groups.common_name, groups.emails
    # (every group has a row: a person without rows owns none)
    name_column = [name or (common_name(owned[0]) if owned else "") for name, owned in zip(names, owners)]
    key_column = [key or groups.keys[owned[0]] for key, owned in zip(keys, owners)]
    # sorted before anything else is computed: the other columns come out in order
    order = name_order(list(map(str.casefold, name_column)), key_column)
    owners, name_column, key_column, registrations, matches = (
        list(map(column.__getitem__, order)) for column in (owners, name_column, key_column, registrations, matches))
    extras = {flag: has[order] for flag, has in (extras or {}).items()}
    person_of_group = np.full(len(groups.keys), -1, dtype=np.int64)
    sizes = np.fromiter(map(len, owners), dtype=np.int64, count=count)
    person_of_group[np.fromiter(chain.from_iterable(owners), dtype=np.int64, count=int(sizes.sum()))] = \
        np.repeat(np.arange(count), sizes)  # (a group has one owner at most)
    row_person = person_of_group[groups.row_group]
    masks = FlagMasks(session.identities, session.identity, session.missing)
    seconds, times, overlaps, texts = _timing(session, row_person, _us(start), _us(end), count, zone,
                                              masks.waiting())
    counts = np.bincount(row_person, minlength=count).tolist()
    percents = _percents(seconds, (end - start).total_seconds())
    flag_column = masks.spelled(row_person, count, {**extras, FLAG_CONCURRENT: overlaps})
    email_column = [emails[owned[0]] if len(owned) == 1 else next((emails[g] for g in owned if emails[g]), "")
                    for owned in owners]
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


def _timing(session: _Session, row_person, start: int, end: int, count: int, zone, waiting) -> tuple:
    """Per person the list of seconds, (a function giving the lists of) first join and last leave, whether two
    spans overlap (an array), `PersonResult.shown`:
    `intervals.timing_of` over the rows that are not in the waiting room, one sort and a running maximum."""
    timed = ~waiting & (row_person >= 0)
    person, join, leave = row_person[timed], session.join[timed], session.leave[timed]
    if not len(person):
        return [0] * count, partial(_no_times, count), np.zeros(count, dtype=bool), ShownTexts(zone, *_no_times(count))
    order = _by_person_join_leave(person, join, leave)
    person, join, leave = person[order], join[order], leave[order]
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
    begin, finish = np.maximum(join, start), np.minimum(leave, end)
    reached = _running_max_before(finish, person, starts)  # latest clipped finish of the person's earlier spans
    covered = np.clip(finish - np.maximum(begin, reached), 0, None)
    before = _running_max_before(leave, person, starts)
    who = person[starts]
    seconds, overlap = np.zeros(count, dtype=np.int64), np.zeros(count, dtype=bool)
    # np.rint: = int(round(total / _US)), half to even, exact below 2**53
    seconds[who] = np.rint(np.add.reduceat(covered, starts) / _US).astype(np.int64)
    overlap[who] = np.logical_or.reduceat(join < before, starts)
    firsts, lasts = join[starts], np.maximum.reduceat(leave, starts)
    return seconds.tolist(), partial(_times, who, firsts, lasts, count), overlap, _shown(who, firsts, lasts, count,
                                                                                           zone)


def _shown(who: np.ndarray, firsts: np.ndarray, lasts: np.ndarray, count: int, zone) -> list | ShownTexts:
    """`PersonResult.shown` of each person: (zone, first join, last leave) as `results._iso` writes them."""
    texts = iso_texts(np.concatenate([firsts, lasts]), zone)
    if texts is None:
        out: list = [(zone, None, None)] * count
        for position in who.tolist():
            out[position] = None
        return out
    columns = np.full((2, count), None, dtype=object)
    columns[:, who] = np.array(texts, dtype=object).reshape(2, -1)
    return ShownTexts(zone, *columns.tolist())


def _no_times(count: int) -> tuple[list, list]:
    return [None] * count, [None] * count


def _times(who: np.ndarray, firsts: np.ndarray, lasts: np.ndarray, count: int) -> tuple[list, list]:
    """Per person its first join and last leave as datetimes (None without rows): only for `PersonResult`s."""
    out = _no_times(count)
    for column, values in zip(out, (moments(firsts), moments(lasts))):
        for position, value in zip(who.tolist(), values):
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
