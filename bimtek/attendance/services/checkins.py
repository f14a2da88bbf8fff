"""Self check-ins as one more source of a session's log (read only; used by the computation)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bimtek.attendance.checkin import codes, log
from bimtek.attendance.checkin.models import Checkin, CheckinPolicy
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status

if TYPE_CHECKING:
    from bimtek.trainings.models import TrainingSession


def counts_alone(training_id: int) -> bool:
    policy = db.session.get(CheckinPolicy, training_id)
    return bool(policy and policy.counts_alone)


def pairs(session: TrainingSession) -> list[tuple[str, str, datetime, datetime]]:
    """[(number, name, masuk, keluar)] of registered participants with both check-ins in the session."""
    rows = db.session.execute(sa.select(Checkin, Registration).join(
        Registration, Registration.id == Checkin.registration_id).where(
        Checkin.session_id == session.id, Registration.status == Status.REGISTERED.value)).all()
    found = {}
    for checkin, registration in rows:
        found.setdefault(registration.id, [registration, None, None])
        found[registration.id][1 if checkin.kind == codes.MASUK else 2] = checkin.at
    return [(r.number, r.nama_lengkap, masuk, keluar) for r, masuk, keluar in found.values() if masuk and keluar]


def sessions_with_checkins(training_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(Checkin.session_id).where(Checkin.training_id == training_id)))


def has_pairs(session: TrainingSession) -> bool:
    return bool(pairs(session))


def session_log(session: TrainingSession, logged_numbers: Callable[[], set[str]]) -> list[tuple[str, bytes]]:
    """[(file name, bytes)] of the check-in pairs that count: all of them when the training lets check-ins count
    alone, else only those of registrations with a log row (`logged_numbers()` → set of registration numbers)."""
    found = pairs(session)
    if not found:
        return []
    if not counts_alone(session.training_id):
        numbers = logged_numbers()
        found = [pair for pair in found if pair[0] in numbers]
    data = log.document(found)
    return [(log.FILENAME, data)] if data else []
