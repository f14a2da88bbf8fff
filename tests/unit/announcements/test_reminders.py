"""When reminders are due, in the training's time zone (a WITA training), and when an update is needed (pure)."""
from datetime import datetime, timedelta, timezone

import pytest

from bimtek.announcements.reminders import BEFORE, DAY_BEFORE, Switches, check_minutes, due_kinds, needs_update

UTC = timezone.utc
# Senin 3 Maret 2025 07.30 WITA (UTC+8) = Ahad 2 Maret 23.30 UTC
START = datetime(2025, 3, 2, 23, 30, tzinfo=UTC)
WITA = "Asia/Makassar"


@pytest.mark.parametrize("now, expected", [
    (datetime(2025, 3, 1, 22, 59, tzinfo=UTC), []),               # Ahad 06.59 WITA: H-1 not yet
    (datetime(2025, 3, 1, 23, 0, tzinfo=UTC), [DAY_BEFORE]),      # Ahad 07.00 WITA (still Sabtu in UTC)
    (datetime(2025, 3, 2, 15, 59, tzinfo=UTC), [DAY_BEFORE]),     # Ahad 23.59 WITA
    (datetime(2025, 3, 2, 16, 0, tzinfo=UTC), []),                # Senin 00.00 WITA: H-1 is over (UTC says Ahad)
    (datetime(2025, 3, 2, 22, 30, tzinfo=UTC), [BEFORE]),         # 60 minutes before
    (datetime(2025, 3, 2, 23, 30, tzinfo=UTC), []),               # started
])
def test_due_in_the_trainings_zone(now, expected):
    assert due_kinds(START, now, WITA) == expected


def test_same_instant_in_wib_is_another_local_day():
    now = datetime(2025, 3, 1, 23, 30, tzinfo=UTC)  # Ahad 07.30 WITA but Ahad 06.30 WIB
    assert due_kinds(START, now, WITA) == [DAY_BEFORE] and due_kinds(START, now, "Asia/Jakarta") == []


def test_switches_and_minutes():
    now = START - timedelta(minutes=100)
    assert due_kinds(START, now, WITA, Switches(minutes_before=120)) == [BEFORE]
    assert due_kinds(START, now, WITA, Switches(before=False, minutes_before=120)) == []
    late_h1 = datetime(2025, 3, 2, 15, 0, tzinfo=UTC)
    assert due_kinds(START, late_h1, WITA, Switches(day_before=False)) == []
    assert check_minutes("30") == 30
    for bad in ("4", "1441", "x"):
        with pytest.raises(ValueError):
            check_minutes(bad)


def test_update_only_for_changes_after_registration_and_once_per_version():
    registered, changed, ends = START - timedelta(days=5), START - timedelta(days=1), START + timedelta(hours=4)
    now = START - timedelta(hours=20)
    assert needs_update(2, changed, registered, set(), ends, now)
    assert not needs_update(2, changed, registered, {2}, ends, now)           # already sent
    assert needs_update(3, changed, registered, {2}, ends, now)               # changed again
    assert not needs_update(2, changed, changed + timedelta(1), set(), ends, now)  # registered after the change
    assert not needs_update(2, changed, registered, set(), ends, ends)        # session over
    assert not needs_update(0, changed, registered, set(), ends, now)
