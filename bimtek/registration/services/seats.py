"""Registering and seats (flush only): register with seats + waiting list, promotion from the waiting list and
the organizer's status changes (`TRANSITIONS`). Every writer of a training's seats first takes
`lock_training_row`, so seat counts and sequence numbers are computed by one writer at a time.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.accounts import services as accounts
from bimtek.audit.services import record
from bimtek.core.database import lock_training_row
from bimtek.core.errors import DomainError, InvalidTransition, ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.registration.models import ACTIVE_STATUSES, Registration, Status
from bimtek.registration.numbering import format_registration_number
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
    existing_id, taken, last_seq = _seat_state(training.id, data["email"])
    if existing_id is not None:
        raise DuplicateRegistration(db.session.get(Registration, existing_id))
    status = _status_for(training, taken, moderated=training.requires_approval)
    registration = _new_registration(training, data, status, now, user_id=user_id, seq=last_seq + 1)
    registration.consent_at = now
    db.session.flush()
    if mail:
        send_status_mail(registration, "received")
    return registration


def _seat_state(training_id: int, email: str) -> tuple[int | None, int, int]:
    """(id of this e-mail's active registration or None, seats taken, highest sequence number) in one query
    (call with the training row locked): one round trip inside the lock instead of three."""
    holders = (Status.REGISTERED.value, Status.PENDING.value)
    active_mine = sa.and_(Registration.email == accounts.normalize_email(email),
                          Registration.status.in_(ACTIVE_STATUSES))
    row = db.session.execute(sa.select(
        sa.func.max(sa.case((active_mine, Registration.id))),
        sa.func.count(Registration.id).filter(Registration.status.in_(holders)),
        sa.func.coalesce(sa.func.max(Registration.seq), 0),
    ).where(Registration.training_id == training_id)).one()
    return row[0], row[1], row[2]


def _status_for(training: Training, taken: int, moderated: bool) -> str:
    """pending/registered while seats remain (pending holds a seat), else waiting."""
    if training.capacity is not None and taken >= training.capacity:
        return Status.WAITING.value
    return Status.PENDING.value if moderated else Status.REGISTERED.value


def _new_registration(training: Training, data: Mapping[str, Any], status: str, now: datetime,
                      user_id: int | None = None, seq: int | None = None) -> Registration:
    seq = seq or next_sequence(training.id)
    user_id = user_id or accounts.participant_id(data["email"], data["nama_lengkap"])
    registration = Registration(
        training_id=training.id, user_id=user_id, seq=seq, status=status,
        number=format_registration_number(training.code, seq),
        waitlist_at=now if status == Status.WAITING.value else None,
        **{k: data.get(k) for k in (*TEXT_FIELDS, "email", "phone", "nip", "pangkat")},
        jenis_kelamin=data.get("jenis_kelamin") or "")
    registration.training = training
    db.session.add(registration)
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
