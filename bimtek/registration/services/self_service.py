"""Participant self-service (flush only): their registrations, withdrawing before the training starts,
correcting their own data.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time, timezone
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.audit.services import record
from bimtek.core.database import lock_training_row
from bimtek.core.dates import get_zone
from bimtek.core.errors import InvalidTransition
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status
from bimtek.registration.services.seats import promote_waiting
from bimtek.registration.services.validation import TEXT_FIELDS
from bimtek.trainings.models import Training

if TYPE_CHECKING:
    from bimtek.accounts.models import User


def can_withdraw(registration: Registration, now: datetime | None = None) -> bool:
    """A participant may withdraw an active registration until the training starts."""
    return registration.is_active and (now or now_utc()) < training_starts_at(registration.training)


def training_starts_at(training: Training) -> datetime:
    """First session start, else midnight of the start date in the training's zone (UTC)."""
    if training.sessions:
        return min(s.starts_at for s in training.sessions)
    local = datetime.combine(training.start_date, time(0), tzinfo=get_zone(training.timezone))
    return local.astimezone(timezone.utc)


def withdraw_self(user: User, registration: Registration, now: datetime | None = None) -> Registration:
    """The participant withdraws their own registration (before the training starts)."""
    if registration.user_id != user.id:
        raise InvalidTransition("Pendaftaran ini bukan milik Anda.")
    if not can_withdraw(registration, now):
        raise InvalidTransition("Pendaftaran tidak dapat dibatalkan lagi: "
                                "pelatihan sudah dimulai atau status tidak aktif.")
    lock_training_row(db.session, Training, registration.training_id)
    was_waiting = registration.status == Status.WAITING.value
    registration.status, registration.status_reason = Status.WITHDRAWN.value, "Dibatalkan oleh peserta"
    db.session.flush()
    record(user, "registration.withdraw_self", registration,
           summary=Message(N_("Peserta membatalkan %(number)s"), number=registration.number))
    if not was_waiting:
        promote_waiting(registration.training, user)
    return registration


def registrations_of(user: User) -> Sequence[Registration]:
    """A participant's registrations with trainings and sessions loaded, newest training first."""
    return db.session.scalars(sa.select(Registration).join(Training).where(Registration.user_id == user.id)
                              .options(orm.contains_eager(Registration.training).selectinload(Training.sessions))
                              .order_by(Training.start_date.desc(), Registration.id)).all()


def update_details(actor: User, registration: Registration, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Correct personal data (already cleaned); the e-mail stays the sign-in identity."""
    changed = {}
    for name in (*TEXT_FIELDS, "phone", "nip", "pangkat", "jenis_kelamin"):
        if getattr(registration, name) != values.get(name):
            changed[name] = [getattr(registration, name), values.get(name)]
            setattr(registration, name, values.get(name) if values.get(name) is not None else None)
    db.session.flush()
    if changed:
        record(actor, "registration.update", registration,
               summary=Message(N_("Mengubah data %(number)s"), number=registration.number),
               fields=sorted(changed))
    return changed
