"""Builders for test data. Each commits, as a view would, so the rows are visible to other connections
(the app under test, threads, worker processes); the `db` fixture cleans up after the test."""
import itertools
from datetime import date, datetime, time, timezone

from bimtek.accounts import services as accounts
from bimtek.accounts.models import Role
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.trainings.models import Materi, Training, TrainingSession
from bimtek.trainings.schedule import Slot, generate_sessions

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_user(role=Role.STAFF, email=None, name=None, password=PASSWORD):
    """A user of the given global role (admin/staff/peserta)."""
    n = next(_counter)
    role = Role(role)
    user = accounts.create_user(email or f"{role.value}{n}@example.id", name or f"Pengguna {n}", role,
                                password if role != Role.PESERTA else None)
    db.session.commit()
    return user


def sign_in(client, user):
    """Sign the test client in as `user` through a real server-side session (as the login views do)."""
    from bimtek.accounts import sessions

    token = sessions.create(user)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return user


def make_training(code=None, days=3, slots=((8, 0, 12, 0), (13, 0, 16, 30)), materi_jp=(3,) * 10,
                  start=date(2020, 7, 21), tz="Asia/Jakarta", **fields):
    """A published training with days × slots sessions and materi (default 10 × 3 JP = 30 JP)."""
    n = next(_counter)
    training = Training(code=code or f"T{n}", name=fields.pop("name", f"Pelatihan {n}"),
                        organizer_unit=fields.pop("organizer_unit", "Dinas Perpustakaan"),
                        start_date=start, end_date=date.fromordinal(start.toordinal() + days - 1), timezone=tz,
                        is_published=fields.pop("is_published", True), **fields)
    db.session.add(training)
    slot_values = [Slot(time(a, b), time(c, d)) for a, b, c, d in slots]
    for t in generate_sessions(training.start_date, training.end_date, slot_values, tz) if slot_values else ():
        training.sessions.append(TrainingSession(starts_at=t.start, ends_at=t.end))
    for i, jp in enumerate(materi_jp, start=1):
        training.materi.append(Materi(title=f"Materi {i}", trainer=f"Pemateri {i}", jp=jp, position=i))
    db.session.commit()
    return training


def make_staff(training, duty, **kwargs):
    """A staff account holding `duty` in `training`."""
    user = make_user(Role.STAFF, **kwargs)
    accounts.assign_duty(training, user, duty)
    db.session.commit()
    return user


def make_registration(training, status="registered", email=None, name=None, **fields):
    """A registration with a participant account; numbers follow the training code."""
    seq = (db.session.query(db.func.max(Registration.seq)).filter_by(training_id=training.id).scalar() or 0) + 1
    email = (email or f"peserta{next(_counter)}@example.id").lower()
    user = accounts.get_or_create_participant(email, name or f"Peserta {seq}")
    reg = Registration(training_id=training.id, user_id=user.id, seq=seq, number=f"{training.code}-{seq:04d}",
                       status=status, nama_lengkap=name or f"Peserta {seq}",
                       jenis_kelamin=fields.pop("jenis_kelamin", "L"),
                       instansi=fields.pop("instansi", "Perpustakaan Desa"),
                       kabupaten=fields.pop("kabupaten", "Bangka"),
                       provinsi=fields.pop("provinsi", "Kepulauan Bangka Belitung"), email=email,
                       consent_at=datetime(2020, 7, 1, tzinfo=timezone.utc), **fields)
    db.session.add(reg)
    db.session.commit()
    return reg
