"""Personal data rights (UU PDP, flush only): a participant's data export, deletion requests, anonymising a
registration and purging registrations past the retention period.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.audit.services import record
from bimtek.core.errors import InvalidTransition
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.registration.services.seats import change_status
from bimtek.registration.services.self_service import registrations_of
from bimtek.registration.services.validation import TEXT_FIELDS
from bimtek.trainings.models import Training

if TYPE_CHECKING:
    from bimtek.accounts.models import User

# erase(training_id): drop stored copies of the training's personal data kept by domains above this one (the
# laporan kegiatan files); wired in create_app, called whenever a registration of the training is anonymised.
COPY_ERASERS: list[Callable[[int], None]] = []


def register_copy_eraser(eraser: Callable[[int], None]) -> None:
    """Call `eraser(training_id)` (flush only) whenever personal data of one of the training's registrations goes."""
    if eraser not in COPY_ERASERS:
        COPY_ERASERS.append(eraser)


def _erase_copies(training_ids: set[int]) -> None:
    for training_id in sorted(training_ids):
        for eraser in COPY_ERASERS:
            eraser(training_id)


def personal_data(user: User) -> dict[str, Any]:
    """Everything stored about a participant, as a JSON-serialisable dict (UU PDP access right)."""
    fields = (*TEXT_FIELDS, "jenis_kelamin", "email", "phone", "nip", "pangkat", "number", "status")
    stamps = ("created_at", "consent_at", "deletion_requested_at")
    return {
        "akun": {"nama": user.name, "email": user.email, "dibuat": user.created_at.isoformat()},
        "pendaftaran": [
            {"pelatihan": r.training.name, "kode_pelatihan": r.training.code,
             **{f: getattr(r, f) for f in fields}, "status_label": r.status_label,
             **{f: (getattr(r, f).isoformat() if getattr(r, f) else None) for f in stamps}}
            for r in registrations_of(user)],
    }


def request_deletion(user: User, registration: Registration, now: datetime | None = None) -> None:
    """Participant asks the organizer to erase this registration's data (flush only)."""
    if registration.user_id != user.id:
        raise InvalidTransition("Pendaftaran ini bukan milik Anda.")
    registration.deletion_requested_at = registration.deletion_requested_at or now or now_utc()
    db.session.flush()
    record(user, "registration.deletion_request", registration,
           summary=Message(N_("Permintaan hapus data %(number)s"), number=registration.number))


def anonymize(actor: User | None, registration: Registration, now: datetime | None = None,
              withdraw: bool = True, copies: bool = True) -> None:
    """Erase personal data of a registration (withdrawing it first if active); keeps number and status.

    `copies=False`: the caller erases the stored copies (reports) itself, once per training."""
    now = now or now_utc()
    if withdraw and registration.is_active:
        change_status(actor, registration, "withdraw", "Data dihapus atas permintaan peserta")
    for name in TEXT_FIELDS:
        setattr(registration, name, "")
    registration.nama_lengkap = "(data dihapus)"
    registration.email = f"dihapus-{registration.id}@anonim.invalid"
    registration.phone, registration.nip, registration.pangkat, registration.jenis_kelamin = "", None, None, ""
    registration.user_id, registration.anonymized_at = None, now
    db.session.flush()
    if copies:
        _erase_copies({registration.training_id})
    record(actor, "registration.anonymize", registration,
           summary=Message(N_("Menghapus data pribadi %(number)s"), number=registration.number))


def purge_expired(retention_days: int, now: datetime | None = None) -> int:
    """Anonymise registrations of trainings that ended more than `retention_days` ago; return the count."""
    now = now or now_utc()
    cutoff = (now - timedelta(days=retention_days)).date()
    registrations = db.session.scalars(sa.select(Registration).join(Training).where(
        Training.end_date < cutoff, Registration.anonymized_at.is_(None))).all()
    for registration in registrations:
        anonymize(None, registration, now, withdraw=False, copies=False)
    _erase_copies({registration.training_id for registration in registrations})
    return len(registrations)
