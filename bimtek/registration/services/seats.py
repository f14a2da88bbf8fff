"""Registering and seats (flush only): register with seats + waiting list, promotion from the waiting list and
the organizer's status changes (`TRANSITIONS`). Every writer of a training's seats first takes
`lock_training_row`, so seat counts and sequence numbers are computed by one writer at a time.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from bimtek.accounts import services as accounts
from bimtek.audit.services import record
from bimtek.core.database import lock_training_row
from bimtek.core.errors import DomainError, InvalidTransition, ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.registration.models import ACTIVE_STATUSES, Registration, Status
from bimtek.registration.numbering import (
    MAX_SEQUENCE,
    SEQUENCE_WIDTH,
    format_registration_number,
    normalize_training_code,
)
from bimtek.registration.services.notifications import send_status_mail
from bimtek.registration.services.validation import TEXT_FIELDS
from bimtek.trainings.models import Training

if TYPE_CHECKING:
    from bimtek.accounts.models import User

# organizer action -> (allowed from, to)
TRANSITIONS = {
    "approve": ((Status.PENDING.value,), Status.REGISTERED.value),
    "reject": (ACTIVE_STATUSES, Status.REJECTED.value),
    "withdraw": (ACTIVE_STATUSES, Status.WITHDRAWN.value),
}
ACTION_LABELS = {"approve": "menyetujui", "reject": "menolak", "withdraw": "membatalkan"}
AUDIT_SUMMARIES = {"approve": N_("Menyetujui pendaftaran %(number)s"), "reject": N_("Menolak pendaftaran %(number)s"),
                   "withdraw": N_("Membatalkan pendaftaran %(number)s")}
ACTION_PASSIVE = {"approve": "disetujui", "reject": "ditolak", "withdraw": "dibatalkan"}


class DuplicateRegistration(DomainError):
    """This e-mail already holds an active registration in the training."""

    def __init__(self, registration: Registration) -> None:
        super().__init__("Email ini sudah terdaftar pada pelatihan ini.", registration_id=registration.id)
        self.registration = registration


def register(training: Training, data: Mapping[str, Any], now: datetime | None = None,
             mail: bool = True) -> Registration:
    """Register one person (validated values); seat, pending or waiting list. Raises DuplicateRegistration.
    mail=False leaves the "received" e-mail to the caller (send_status_mail), e.g. after committing the seat."""
    now = now or now_utc()
    if not training.registration_is_open(now):
        raise ValidationError("Pendaftaran pelatihan ini sedang tidak dibuka.")
    # the account does not depend on seats: made before the lock, which is held until the commit
    user_id = accounts.participant_id(data["email"], data["nama_lengkap"])
    if mail:  # the e-mail lists the sessions (loaded above) and, with the .ics, the materi: read before the lock
        training.materi  # noqa: B018  (loads the lazy relationship)
    lock_training_row(db.session, Training, training.id)
    registration = _insert_registration(training, data, user_id, now)
    if mail:
        send_status_mail(registration, "received")
    return registration


def _number_sql(sequence: Any) -> Any:
    """format_registration_number in SQL (SQLite and PostgreSQL): code, dash, the sequence zero-padded to
    SEQUENCE_WIDTH digits and never cut."""
    padding = sa.case(*((sequence < 10 ** digits, "0" * (SEQUENCE_WIDTH - digits))
                        for digits in range(1, SEQUENCE_WIDTH)), else_="")
    return sa.bindparam("code", type_=sa.String) + "-" + padding + sa.cast(sequence, sa.String)


_NEXT_SEQ = sa.func.coalesce(sa.func.max(Registration.seq), 0) + 1
# No seat left: pending and registered hold one each (a NULL capacity has no limit).
_FULL = sa.and_(sa.bindparam("capacity", type_=sa.Integer).is_not(None),
                sa.func.count(Registration.id).filter(Registration.status.in_(
                    (Status.REGISTERED.value, Status.PENDING.value))) >= sa.bindparam("capacity", type_=sa.Integer))
_COPIED = (*TEXT_FIELDS, "email", "phone", "nip", "pangkat", "jenis_kelamin")


def _column_value(name: str) -> Any:
    return sa.bindparam(name, type_=Registration.__table__.c[name].type)


# The next sequence number, the status (a seat while one is free, else the waiting list) and the duplicate check
# come from the training's registrations in the statement that writes the row: one round trip under the training
# lock and no unit of work. Built once; only the parameters change.
_INSERT = sa.insert(Registration).from_select(
    ["training_id", "user_id", "seq", "number", "status", "waitlist_at", "consent_at", "status_reason",
     "created_at", "updated_at", *_COPIED],
    sa.select(
        sa.bindparam("training_id", type_=sa.Integer), sa.bindparam("user_id", type_=sa.Integer), _NEXT_SEQ,
        _number_sql(_NEXT_SEQ),
        sa.case((_FULL, Status.WAITING.value), else_=sa.bindparam("seat_status", type_=sa.String)),
        sa.case((_FULL, _column_value("waitlist_at")), else_=None),
        _column_value("consent_at"), sa.literal(""), _column_value("created_at"), _column_value("updated_at"),
        *(_column_value(name) for name in _COPIED),
    ).where(Registration.training_id == sa.bindparam("training_id", type_=sa.Integer)).having(sa.and_(
        # no active registration of this e-mail yet, and the sequence stays within its six digits
        sa.func.coalesce(sa.func.max(sa.case((sa.and_(
            Registration.email == sa.bindparam("email", type_=sa.String),
            Registration.status.in_(ACTIVE_STATUSES)), 1), else_=0)), 0) == 0,
        sa.func.coalesce(sa.func.max(Registration.seq), 0) < MAX_SEQUENCE)),
).returning(*Registration.__table__.columns)
_INSERT_AND_LOAD = sa.select(Registration).from_statement(_INSERT)  # the written row as a Registration


def _insert_registration(training: Training, data: Mapping[str, Any], user_id: int, now: datetime) -> Registration:
    """Write the registration (call with the training row locked); raise DuplicateRegistration when the e-mail
    already holds an active registration in the training."""
    values = {name: data.get(name) for name in _COPIED}
    values.update(email=accounts.normalize_email(data["email"]), jenis_kelamin=data.get("jenis_kelamin") or "",
                  training_id=training.id, user_id=user_id, code=normalize_training_code(training.code),
                  capacity=training.capacity, waitlist_at=now, consent_at=now, created_at=now, updated_at=now,
                  seat_status=Status.PENDING.value if training.requires_approval else Status.REGISTERED.value)
    registration = db.session.scalars(_INSERT_AND_LOAD, values).first()
    if registration is None:  # nothing written: a duplicate, or the training used up its sequence numbers
        existing = find_active(training.id, data["email"])
        if existing is not None:
            raise DuplicateRegistration(existing)
        format_registration_number(training.code, next_sequence(training.id))  # raises the ValidationError
    set_committed_value(registration, "training", training)
    return registration


def seats_taken(training_id: int) -> int:
    """Registrations holding a seat (registered + pending approval)."""
    query = Registration.seat_holders(training_id).with_only_columns(sa.func.count(Registration.id))
    return db.session.scalar(query)


def next_sequence(training_id: int) -> int:
    """Next per-training sequence number (call with the training row locked)."""
    query = sa.select(sa.func.max(Registration.seq)).where(Registration.training_id == training_id)
    return (db.session.scalar(query) or 0) + 1


def find_active(training_id: int, email: str) -> Registration | None:
    """The active registration of an e-mail in a training, or None."""
    return db.session.scalar(Registration.active_in(training_id).where(
        Registration.email == accounts.normalize_email(email)))


def fill_free_seats(actor: User, training: Training) -> list[Registration]:
    """Promote waiting people into free seats (e.g. after the capacity was raised), under the training lock."""
    lock_training_row(db.session, Training, training.id)
    return promote_waiting(training, actor)


def promote_waiting(training: Training, actor: User | None = None) -> list[Registration]:
    """Fill free seats from the waiting list in order; e-mail each promoted person. Lock held by caller."""
    promoted = []
    query = Registration.waiting_list(training.id)
    if training.capacity is not None:
        query = query.limit(max(training.capacity - seats_taken(training.id), 0))
    for registration in db.session.scalars(query):
        registration.status = Status.PENDING.value if training.requires_approval else Status.REGISTERED.value
        registration.waitlist_at = None
        promoted.append(registration)
    db.session.flush()
    for registration in promoted:
        record(actor, "registration.promote", registration,
               summary=Message(N_("%(number)s naik dari daftar tunggu"), number=registration.number),
               status=registration.status)
        send_status_mail(registration, "promoted")
    return promoted


def change_status(actor: User, registration: Registration, action: str, reason: str = "") -> Registration:
    """Organizer action approve/reject/withdraw (reason kept); frees seats go to the waiting list."""
    allowed, target = TRANSITIONS[action]
    if registration.status not in allowed:
        raise InvalidTransition(
            f"{registration.number}: pendaftaran berstatus {registration.status_label} tidak dapat "
            f"{ACTION_PASSIVE[action]}.",
            number=registration.number)
    if action == "reject" and not (reason or "").strip():
        raise ValidationError("Alasan penolakan wajib diisi.", field="reason")
    training = registration.training
    lock_training_row(db.session, Training, training.id)
    old = registration.status
    registration.status, registration.status_reason = target, (reason or "").strip()
    db.session.flush()
    record(actor, f"registration.{action}", registration,
           summary=Message(AUDIT_SUMMARIES[action], number=registration.number),
           old=old, new=target, reason=registration.status_reason)
    send_status_mail(registration, {"approve": "approved", "reject": "rejected"}.get(action, "withdrawn"))
    if old != Status.WAITING.value and target != Status.REGISTERED.value:
        promote_waiting(training, actor)
    return registration


def bulk_change(actor: User, training: Training, ids: Iterable[int], action: str,
                reason: str = "") -> tuple[list[Registration], list[str]]:
    """Apply one action to several registrations of a training; return (done, skipped messages)."""
    registrations = db.session.scalars(sa.select(Registration).where(
        Registration.training_id == training.id, Registration.id.in_(ids)).order_by(Registration.seq)).all()
    done, skipped = [], []
    for registration in registrations:
        try:
            change_status(actor, registration, action, reason)
            done.append(registration)
        except InvalidTransition as error:
            skipped.append(error.message)
    return done, skipped
