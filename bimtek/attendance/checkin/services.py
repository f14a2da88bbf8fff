"""Self check-in (presensi mandiri): the host's rotating code, a participant's masuk/keluar, the training's
policy (flush only). A completed pair recomputes the session, where it is one more identity of the registration.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bimtek.attendance.checkin import codes
from bimtek.attendance.checkin.models import Checkin, CheckinPolicy, CheckinSecret
from bimtek.attendance.services.compute import recompute_session
from bimtek.audit.services import record
from bimtek.core import dates
from bimtek.core.errors import DomainError
from bimtek.core.messages import N_, Message
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.trainings.models import Training, TrainingSession

KIND_LABELS = {codes.MASUK: "masuk", codes.KELUAR: "keluar"}


def secret_for(session: TrainingSession) -> str:
    """The session's code secret, created on first use."""
    row = db.session.get(CheckinSecret, session.id)
    if row is None:
        row = CheckinSecret(session_id=session.id, secret=codes.new_secret())
        db.session.add(row)
        db.session.flush()
    return row.secret


def own_registration(user: User, session: TrainingSession) -> Registration | None:
    """The user's registered registration in the session's training, or None."""
    return db.session.scalar(sa.select(Registration).where(
        Registration.training_id == session.training_id, Registration.user_id == user.id,
        Registration.status == Status.REGISTERED.value))


def checkins_of(registration: Registration, session: TrainingSession) -> dict[str, Checkin]:
    rows = db.session.scalars(sa.select(Checkin).where(Checkin.session_id == session.id,
                                                       Checkin.registration_id == registration.id)).all()
    return {row.kind: row for row in rows}


def check_window(session: TrainingSession, kind: str, now: datetime) -> None:
    opens, closes = codes.window(kind, session.starts_at, session.ends_at)
    if not opens <= now <= closes:
        zone = session.training.timezone
        raise DomainError(f"Presensi {KIND_LABELS[kind]} {session.label} hanya dapat dilakukan "
                          f"{dates.format_datetime(opens, zone)} sampai {dates.format_time(closes, zone)}; "
                          "sekarang di luar waktu itu.")


def check_in(registration: Registration, session: TrainingSession, kind: str, code: str, now: datetime) -> Checkin:
    """Record masuk or keluar; DomainError (Indonesian) for a closed window, a wrong/expired code, a repeat."""
    if kind not in (codes.MASUK, codes.KELUAR):
        raise DomainError("Pilih presensi masuk atau keluar.")
    check_window(session, kind, now)
    verdict = codes.check_code(secret_for(session), code, now)
    if verdict == codes.EXPIRED:
        raise DomainError("Kode sudah kedaluwarsa (kode berganti setiap 60 detik). Masukkan kode yang sedang "
                          "tampil di layar penyelenggara.")
    if verdict != codes.OK:
        raise DomainError("Kode salah. Masukkan 6 angka yang tampil di layar penyelenggara.")
    done = checkins_of(registration, session)
    if kind in done:
        raise DomainError(f"Anda sudah presensi {KIND_LABELS[kind]} untuk {session.label}.")
    if kind == codes.KELUAR and codes.MASUK not in done:
        raise DomainError("Presensi keluar memerlukan presensi masuk lebih dulu.")
    row = Checkin(training_id=session.training_id, session_id=session.id, registration_id=registration.id,
                  kind=kind, at=now)
    try:  # a double tap on a slow phone: the second request finds the first one's row here
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise DomainError(f"Anda sudah presensi {KIND_LABELS[kind]} untuk {session.label}.") from None
    record(None, f"attendance.checkin_{kind}", row, training_id=session.training_id,
           summary=Message(N_("Presensi mandiri %(kind)s %(number)s %(session)s"), kind=kind,
                           number=registration.number, session=session.label), session_id=session.id)
    if kind == codes.KELUAR:
        recompute_session(session)
    return row


def counts_alone(training: Training) -> bool:
    policy = db.session.get(CheckinPolicy, training.id)
    return bool(policy and policy.counts_alone)


def set_counts_alone(actor: User, training: Training, value: bool) -> None:
    """Change the training's policy and recompute the sessions that have check-ins (audited)."""
    from bimtek.attendance.services.compute import recompute_training  # compute reads check-ins: a cycle

    policy = db.session.get(CheckinPolicy, training.id)
    if policy is None:
        policy = CheckinPolicy(training_id=training.id)
        db.session.add(policy)
    policy.counts_alone = bool(value)
    db.session.flush()
    record(actor, "attendance.checkin_policy", None, training_id=training.id,
           summary=Message(N_("Presensi mandiri dihitung sendiri")) if value
           else Message(N_("Presensi mandiri dihitung hanya bersama baris log")))
    recompute_training(None, training)
