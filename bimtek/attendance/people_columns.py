"""The people of a columnar analysis kept as columns, one list per `PersonResult` field (pure).

The CLI writes its JSON straight from the columns (`json_output`); the app's services, which iterate
`SessionResult.people`, get the same `PersonResult` objects as before, built on first access. So a CLI run makes
no object per registrant for its result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from itertools import repeat
from typing import NamedTuple

import polars as pl

from bimtek.attendance.lazy import Computed
from bimtek.attendance.results import PersonResult


class ShownTexts(NamedTuple):
    """Every person's `PersonResult.shown` as two columns: (zone, firsts[i], lasts[i]) is person i's."""

    zone: tzinfo
    firsts: list
    lasts: list


class PeopleColumns(Computed):
    """`PersonResult`s as columns (in `PersonResult`'s field order; first join and last leave as one function
    giving both lists, called on first use: only `PersonResult`s need them as datetimes), plus per person its
    `shown` times (a list, or `ShownTexts`), the log groups it owns and a function (owned groups, rows) → its
    lazy `segments`."""

    def __init__(self, columns: tuple, shown: list | ShownTexts, owners: list[list[int]],
                 segments: Callable[[list[int], int], Sequence]):
        (self.keys, self.names, self.emails, self.seconds, self.percents, self._times, self.rows,
         self.registrations, self.matches, self.flags) = columns
        self._shown, self.owners, self._segments = shown, owners, segments
        self._people: list[PersonResult] | None = None

    @property
    def firsts(self) -> list:
        return self._both_times()[0]

    @property
    def lasts(self) -> list:
        return self._both_times()[1]

    @property
    def shown(self) -> list:
        """Per person its `PersonResult.shown`."""
        if isinstance(self._shown, ShownTexts):
            zone, firsts, lasts = self._shown
            self._shown = list(zip(repeat(zone), firsts, lasts))
        return self._shown

    def shown_texts(self, zone: tzinfo) -> tuple[list, list] | None:
        """Every person's first join and last leave as `results._iso` writes them in `zone`, when all are known
        as columns (else None: see `shown`)."""
        if isinstance(self._shown, ShownTexts) and self._shown.zone is zone:
            return self._shown.firsts, self._shown.lasts
        return None

    def _both_times(self) -> tuple[list, list]:
        if callable(self._times):
            self._times = self._times()
        return self._times

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


def name_order(folded: list[str], keys: list) -> list[int]:
    """The positions in the order of `sorted(zip(folded, keys, positions))`: a stable sort in polars when both
    columns are text polars can hold (it compares UTF-8 bytes, which order as code points do, as Python does)."""
    try:
        frame = pl.DataFrame([pl.Series("name", folded, dtype=pl.String, strict=True),
                              pl.Series("key", keys, dtype=pl.String, strict=True)])
    except (TypeError, ValueError, pl.exceptions.PolarsError):  # (not text, or a lone surrogate)
        frame = None
    if frame is None or frame.null_count().sum_horizontal().item():
        return [position for *_, position in sorted(zip(folded, keys, range(len(keys))))]
    return frame.with_row_index().sort("name", "key", maintain_order=True).get_column("index").to_list()
