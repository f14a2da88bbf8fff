"""The people of a columnar analysis kept as columns, one list per `PersonResult` field (pure).

The CLI writes its JSON straight from the columns (`json_output`); the app's services, which iterate
`SessionResult.people`, get the same `PersonResult` objects as before, built on first access. So a CLI run makes
no object per registrant for its result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from bimtek.attendance.lazy import Computed
from bimtek.attendance.results import PersonResult


class PeopleColumns(Computed):
    """`PersonResult`s as columns (in `PersonResult`'s field order; first join and last leave as one function
    giving both lists, called on first use: only `PersonResult`s need them as datetimes), plus per person its
    `shown` times, the log groups it owns and a function (owned groups, rows) → its lazy `segments`."""

    def __init__(self, columns: tuple, shown: list, owners: list[list[int]],
                 segments: Callable[[list[int], int], Sequence]):
        (self.keys, self.names, self.emails, self.seconds, self.percents, self._times, self.rows,
         self.registrations, self.matches, self.flags) = columns
        self.shown, self.owners, self._segments = shown, owners, segments
        self._people: list[PersonResult] | None = None

    @property
    def firsts(self) -> list:
        return self._both_times()[0]

    @property
    def lasts(self) -> list:
        return self._both_times()[1]

    def _both_times(self) -> tuple[list, list]:
        if callable(self._times):
            self._times = self._times()
        return self._times

    def sorted_by_name(self) -> PeopleColumns:
        """The people ordered like `sort(key=lambda p: (p.name.casefold(), p.key))` (stable)."""
        order = [position for *_, position in sorted(zip(map(str.casefold, self.names), self.keys,
                                                         range(len(self.keys))))]
        columns: list = [_pick(column, order) for column in (self.keys, self.names, self.emails, self.seconds,
                                                              self.percents)]
        columns.append(partial(_picked_times, self._both_times, order))
        columns += [_pick(column, order) for column in (self.rows, self.registrations, self.matches, self.flags)]
        return PeopleColumns(tuple(columns), _pick(self.shown, order), _pick(self.owners, order), self._segments)

    def _all(self) -> list[PersonResult]:
        if self._people is None:
            self._people = list(map(PersonResult, self.keys, self.names, self.emails, self.seconds, self.percents,
                                    *self._both_times(), self.rows, self.registrations, self.matches,
                                    self.flags, map(self._segments, self.owners, self.rows), self.shown))
        return self._people

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return repr(self._all())


def _picked_times(times: Callable[[], tuple[list, list]], order: list[int]) -> tuple[list, list]:
    firsts, lasts = times()
    return _pick(firsts, order), _pick(lasts, order)


def _pick(column: list, order: list[int]) -> list:
    return list(map(column.__getitem__, order))
