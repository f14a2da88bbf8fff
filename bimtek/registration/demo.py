"""Demo registrations for the upcoming SPP2027 training: a full small class, a waiting list, a pending one.

Idempotent: people are looked up by e-mail first. No e-mails are queued by the seed.
"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from bimtek.accounts import services as accounts
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status
from bimtek.registration.numbering import format_registration_number
from bimtek.trainings.models import Training

BASE = datetime(2026, 1, 5, 2, 0, tzinfo=timezone.utc)
# (name, gender, jabatan, instansi, kabupaten, status)
PEOPLE = (
    ("Andi Pratama", "L", "Pengelola Perpustakaan Desa", "Perpustakaan Desa Kimak", "Bangka", Status.REGISTERED),
    ("Lestari Wulandari, S.Pd.", "P", "Pengelola TBM", "TBM Cahaya Sungailiat", "Bangka", Status.REGISTERED),
    ("Fajar Nugroho", "L", "Relawan Perpustakaan", "Perpustakaan Desa Membalong", "Belitung", Status.PENDING),
    ("Ratna Dewi", "P", "Pengelola Perpustakaan Desa", "Perpustakaan Desa Lalang", "Belitung Timur", Status.WAITING),
    ("Yusuf Hidayat, S.Sos.", "L", "Pengelola Perpustakaan", "Perpustakaan Desa Kelapa", "Bangka Barat",
     Status.WAITING),
)


def demo_email(name):
    """example.id addresses are never deliverable."""
    return name.split(",")[0].lower().replace(" ", ".") + "@example.id"


def seed_registrations():
    """Put demo people on SPP2027 (seats, pending, waiting list); returns how many were added."""
    training = db.session.scalar(sa.select(Training).where(Training.code == "SPP2027"))
    if training is None:
        return 0
    added = 0
    for index, (name, gender, jabatan, instansi, kabupaten, status) in enumerate(PEOPLE):
        email = demo_email(name)
        if db.session.scalar(sa.select(Registration.id).where(
                Registration.training_id == training.id, Registration.email == email)):
            continue
        seq = (db.session.scalar(sa.select(sa.func.max(Registration.seq))
                                 .where(Registration.training_id == training.id)) or 0) + 1
        user = accounts.get_or_create_participant(email, name)
        at = BASE + timedelta(hours=index)
        db.session.add(Registration(
            training_id=training.id, user_id=user.id, seq=seq, number=format_registration_number(training.code, seq),
            status=status.value, waitlist_at=at if status == Status.WAITING else None, nama_lengkap=name,
            jenis_kelamin=gender, jabatan=jabatan, instansi=instansi, kabupaten=kabupaten,
            provinsi="Kepulauan Bangka Belitung", email=email, phone=f"08127200{index:04d}", consent_at=at))
        db.session.flush()
        added += 1
    _fill_to_capacity(training)
    return added


def _fill_to_capacity(training):
    """Shrink the demo class so the waiting list is real: capacity = current seat holders."""
    taken = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.training_id == training.id,
        Registration.status.in_((Status.REGISTERED.value, Status.PENDING.value))))
    if training.capacity and training.capacity > taken and _has_waiting(training):
        training.capacity = taken
        db.session.flush()


def _has_waiting(training):
    return bool(db.session.scalar(sa.select(Registration.id).where(
        Registration.training_id == training.id, Registration.status == Status.WAITING.value).limit(1)))
