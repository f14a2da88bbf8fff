"""`FlagMasks.spelled` gives each person the sorted union of its rows' flags, non-attendee roles and extras,
as `engine._person` does with sets."""

import numpy as np
from hypothesis import given, settings, strategies as st

from bimtek.attendance.flag_masks import FlagMasks
from bimtek.attendance.segments import FLAG_GUEST, FLAG_MISSING_LEAVE, FLAG_WAITING_ROOM, ROLE_ATTENDEE

FLAGS = st.frozensets(st.sampled_from([FLAG_GUEST, FLAG_WAITING_ROOM, "totals_only"]))
ROLES = st.sampled_from([ROLE_ATTENDEE, "host", "panelist"])
IDENTITY = st.one_of(st.just(()), st.tuples(st.just("d"), st.just("o"), st.just(""), FLAGS, ROLES))


@settings(max_examples=300, deadline=None)
@given(st.lists(IDENTITY, min_size=1, max_size=6), st.integers(0, 5), st.data())
def test_spelled_equals_the_union_of_sets(identities, count, data):
    named = [i for i, item in enumerate(identities) if item]
    rows = data.draw(st.lists(st.tuples(st.sampled_from(named) if named else st.nothing(), st.booleans(),
                                        st.integers(-1, count - 1)), max_size=20)) if named else []
    extras = {flag: np.array(data.draw(st.lists(st.booleans(), min_size=count, max_size=count)), dtype=bool)
              for flag in data.draw(st.lists(st.sampled_from(["absent", FLAG_GUEST, "concurrent_devices"]),
                                             unique=True))}
    identity = np.array([row[0] for row in rows], dtype=np.int64)
    missing = np.array([row[1] for row in rows], dtype=bool)
    row_person = np.array([row[2] for row in rows], dtype=np.int64)
    masks = FlagMasks(identities, identity, missing)
    expected: list[set] = [set() for _ in range(count)]
    for (which, missed, person) in rows:
        if person < 0:
            continue
        _, _, _, flags, role = identities[which]
        expected[person] |= flags | ({role} if role != ROLE_ATTENDEE else set()) | \
            ({FLAG_MISSING_LEAVE} if missed else set())
    for flag, has in extras.items():
        for person in np.flatnonzero(has).tolist():
            expected[person].add(flag)
    assert masks.spelled(row_person, count, extras) == [tuple(sorted(flags)) for flags in expected]
    assert masks.waiting().tolist() == [FLAG_WAITING_ROOM in identities[which][3] for which, _, _ in rows]
