"""The columnar engine's people (groups, owners, flags, order, shown times) equal the per-row engine's, also on
the paths the usual log does not take."""

import random

import pytest

from bimtek.attendance import engine_columnar
from bimtek.attendance.columnar import read_columns
from tests.unit.attendance.test_columnar import START, TZ, assert_same, both, registrations, zoom_csv


@pytest.mark.parametrize("roster", [True, False])
def test_times_not_formatted_in_bulk(roster, monkeypatch):
    """When `iso_texts` declines (a zone whose offset changes inside an hour), the times are written one by one."""
    monkeypatch.setattr(engine_columnar, "iso_texts", lambda micros, zone: None)
    data = zoom_csv(random.Random(11), 250)
    assert read_columns("s.csv", data, TZ, START, None) is not None
    assert_same(*both([("s.csv", data)], registrations() if roster else None, monkeypatch))


@pytest.mark.parametrize("seed", range(4))
def test_registrants_with_several_identities(seed, monkeypatch):
    """Registrants matched by several log people (e-mail and name groups), absent ones and unmatched people."""
    rng = random.Random(100 + seed)
    data = zoom_csv(rng, rng.randint(50, 400))
    assert_same(*both([("s.csv", data)], registrations(), monkeypatch))
