"""Per person flag sets of the columnar engine as bit masks (pure): `engine._person`'s union of its segments'
flags and roles, without a Python set per person."""

from __future__ import annotations

import numpy as np

from bimtek.attendance.segments import FLAG_MISSING_LEAVE, FLAG_WAITING_ROOM, ROLE_ATTENDEE


class FlagMasks:
    """Every segment flag and non-attendee role of a person's rows as bits of one integer per row (the session
    knows a dozen flags and roles at most), OR-ed per person: each distinct set is sorted once."""

    def __init__(self, identities: list[tuple], identity: np.ndarray, missing_leave: np.ndarray):
        """`identities`: (display, original, e-mail, flags, role) tuples; per row its `identity` and whether
        its leave time is missing."""
        self.bits: dict[str, int] = {}
        kinds = [item[3:] for item in identities]  # (flags, role); () for a blank name
        by_kind = {kind: self._mask(kind) for kind in dict.fromkeys(kinds)}
        self.row = np.fromiter(map(by_kind.__getitem__, kinds), dtype=np.int64, count=len(kinds))[identity] \
            | np.where(missing_leave, self._bit(FLAG_MISSING_LEAVE), 0)

    def _bit(self, flag: str) -> int:
        return self.bits.setdefault(flag, 1 << len(self.bits))

    def _mask(self, kind: tuple) -> int:
        if not kind:
            return 0
        flags, role = kind
        return sum(map(self._bit, flags)) | (self._bit(role) if role != ROLE_ATTENDEE else 0)

    def waiting(self) -> np.ndarray:
        """Per row: in the waiting room."""
        return (self.row & self._bit(FLAG_WAITING_ROOM)) != 0

    def spelled(self, row_person: np.ndarray, count: int, extras: dict[str, np.ndarray]) -> list[tuple[str, ...]]:
        """Per person the sorted flags of its rows, plus each extra flag where its array is true."""
        kept = row_person >= 0
        person = np.zeros(count, dtype=np.int64)
        np.bitwise_or.at(person, row_person[kept], self.row[kept])
        for flag, has in extras.items():
            person |= np.where(has, self._bit(flag), 0)
        distinct, inverse = np.unique(person, return_inverse=True)
        names = sorted(self.bits)
        spelled = [tuple(name for name in names if mask & self.bits[name]) for mask in distinct.tolist()]
        return list(map(spelled.__getitem__, inverse.reshape(-1).tolist()))
