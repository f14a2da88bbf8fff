"""Sequences computed on first access: the columnar engine's `Segment`s and per-person lists, which the CLI
never reads and the app's services do (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from bimtek.attendance.segments import Segment


class Computed(Sequence):
    """A sequence whose items `_all()` computes (once, on first access); equal to any sequence of equal items."""

    def _all(self) -> list:
        raise NotImplementedError

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self):
        return iter(self._all())

    def __eq__(self, other):
        return list(self) == list(other)


class LazySegments(Computed):
    """`Segment`s of some rows of the session's columns, built on first access (len() builds nothing).
    `rows` is an array of row numbers, or a function returning one."""

    def __init__(self, rows, build, count: int | None = None):
        self._rows, self._build = rows, build
        self._items: list[Segment] | None = None
        self._count = len(rows) if count is None else count

    def __len__(self) -> int:
        return self._count

    def _all(self) -> list[Segment]:
        if self._items is None:
            rows = self._rows() if callable(self._rows) else self._rows
            self._items = self._build(rows)
        return self._items


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
