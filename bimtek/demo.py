"""Demo data: the virtual Bimtek SPP & TIK of DKPUS Provinsi Kepulauan Bangka Belitung, July 2020.

Every step looks its objects up first, so `seed()` can run any number of times.
"""
from datetime import date, datetime, time, timezone

import sqlalchemy as sa

from bimtek.accounts import services as accounts
from bimtek.accounts.models import Duty, Role
from bimtek.action_plans.demo import seed_plans as seed_action_plans
from bimtek.attendance.demo import seed as seed_attendance
from bimtek.certificates.demo import seed as seed_certificates
from bimtek.evaluation.demo import seed as seed_evaluation
from bimtek.extensions import db
from bimtek.registration.demo import seed_registrations
from bimtek.registration.models import Registration
from bimtek.reports.demo import seed as seed_report
from bimtek.trainings.models import Materi, Training, TrainingSession
from bimtek.trainings.schedule import Slot, generate_sessions

UNIT = "Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung"
STAFF = (
    ("admin@dkpus.example.id", "admin"),
    ("panitia@dkpus.example.id", "panitia"),
    ("reviewer@dkpus.example.id", "reviewer"),
    ("ttd@dkpus.example.id", "penandatangan"),
)
STAFF_NAMES = {
    "admin": "Admin DKPUS Babel",
    "panitia": "Rina Marlina, S.IP.",
    "reviewer": "Drs. Hendra Saputra, M.Si.",
    "penandatangan": "Dr. Asyraf Suryadin, M.Si.",
}
MATERI = (
    ("Kebijakan Transformasi Perpustakaan Berbasis Inklusi Sosial", "Perpustakaan Nasional RI", 2),
    ("Strategi Pengembangan Perpustakaan", "Master Trainer TPBIS", 3),
    ("Peningkatan Layanan Informasi", "Master Trainer TPBIS", 3),
    ("Pelibatan Masyarakat", "Master Trainer TPBIS", 3),
    ("Advokasi dan Kemitraan", "Master Trainer TPBIS", 3),
    ("Pemanfaatan TIK untuk Layanan Perpustakaan", "Pelatih Ahli TIK", 4),
    ("Literasi Digital dan Internet Sehat", "Pelatih Ahli TIK", 3),
    ("Manajemen Kegiatan Berbasis Inklusi Sosial", "Master Trainer TPBIS", 3),
    ("Monitoring dan Evaluasi Program", "Perpustakaan Nasional RI", 3),
    ("Penyusunan Rencana Tindak Lanjut (RTL)", "Fasilitator Provinsi", 3),
)
# (number, name, gender, jabatan, instansi, kabupaten, nip or None, pangkat or None)
PARTICIPANTS = (
    ("SPP2020-0001", "Siti Aminah, S.IP.", "P", "Pustakawan Ahli Pertama",
     "Dinas Perpustakaan dan Kearsipan Kabupaten Bangka Barat", "Bangka Barat", "198609262015052001", "III/a"),
    ("SPP2020-0002", "Budi Santoso", "L", "Pengelola Perpustakaan Desa",
     "Perpustakaan Desa Air Gantang", "Bangka Barat", None, None),
    ("SPP2020-0003", "Dewi Lestari, A.Md.", "P", "Pengelola Perpustakaan",
     "Perpustakaan Desa Kundi", "Bangka Barat", None, None),
    ("SPP2020-0004", "Ahmad Fauzi, S.Sos.", "L", "Kepala Seksi Layanan",
     "Dinas Perpustakaan Kabupaten Bangka Selatan", "Bangka Selatan", "197803142005011002", "III/d"),
    ("SPP2020-0005", "Nurhayati", "P", "Pengelola TBM",
     "TBM Pelangi Toboali", "Bangka Selatan", None, None),
    ("SPP2020-0006", "Rudi Hartono, S.Kom.", "L", "Pranata Komputer",
     "Dinas Perpustakaan Kabupaten Bangka Selatan", "Bangka Selatan", "199001202019031004", "III/a"),
    ("SPP2020-0007", "Yuliana Sari", "P", "Pengelola Perpustakaan Desa",
     "Perpustakaan Desa Namang", "Bangka Tengah", None, None),
    ("SPP2020-0008", "Hendra Gunawan, S.IP., M.Hum.", "L", "Pustakawan Ahli Muda",
     "Dinas Perpustakaan dan Kearsipan Kabupaten Bangka Tengah", "Bangka Tengah", "198203112008011003", "III/c"),
    ("SPP2020-0009", "Maria Ulfa", "P", "Relawan Perpustakaan",
     "Perpustakaan Desa Lubuk Besar", "Bangka Tengah", None, None),
    ("SPP2020-0010", "Dr. Ir. Bambang Wijayakusuma Adiningrat Purnomosidi, M.Sc.", "L", "Kepala Bidang Perpustakaan",
     UNIT, "Pangkalpinang", "196807221994031005", "IV/b"),
)


def participant_email(index):
    """Demo participants use example.id addresses (never deliverable)."""
    local = PARTICIPANTS[index][1].split(",")[0].replace("Dr. Ir. ", "").lower().replace(" ", ".")
    return f"{local}@example.id"


def seed(password):
    """Create (or find) everything; return a one-line summary."""
    users = _staff(password)
    training = _training(users["admin"])
    upcoming = _upcoming_training(users["admin"])
    _duties(training, users)  # after both trainings exist, so the first run assigns the same duties as later runs
    count = _participants(training)
    seed_registrations()
    seed_action_plans()
    seed_attendance(training, users["panitia"])
    seed_evaluation(training, users["admin"])
    seed_certificates(users["penandatangan"])
    seed_report(training, users["admin"])
    db.session.flush()
    return (f"{training.name} ({training.dates_text}), {len(training.sessions)} sesi, "
            f"{training.total_jp} JP, {count} peserta; pelatihan berikutnya: {upcoming.code}")


def _staff(password):
    users = {}
    for email, role in STAFF:
        user = accounts.find_by_email(email)
        if user is None:
            kind = Role.ADMIN if role == "admin" else Role.STAFF
            user = accounts.create_user(email, STAFF_NAMES[role], kind, password)
        users[role] = user
    return users


def _training(admin):
    return _ensure_training(
        admin, code="SPP2020",
        name=("Bimtek Strategi Pengembangan Perpustakaan (SPP) dan TIK — "
              "Transformasi Perpustakaan Berbasis Inklusi Sosial"),
        description=("Bimbingan teknis daring bagi pengelola perpustakaan kabupaten dan desa di Provinsi Kepulauan "
                     "Bangka Belitung untuk menyusun rencana kegiatan TPBIS dalam situasi kenormalan baru."),
        meeting_url="https://zoom.us/j/93012345678", start_date=date(2020, 7, 21), end_date=date(2020, 7, 23),
        capacity=40, registration_opens_at=datetime(2020, 7, 1, 1, 0, tzinfo=timezone.utc),
        registration_closes_at=datetime(2020, 7, 20, 10, 0, tzinfo=timezone.utc))


def _upcoming_training(admin):
    """A second, future training whose registration is open, so the demo can register people."""
    return _ensure_training(
        admin, code="SPP2027", name="Bimtek SPP dan TIK Angkatan II — Pengelola Perpustakaan Desa",
        description="Angkatan lanjutan untuk pengelola perpustakaan desa dan TBM yang belum mengikuti angkatan I.",
        meeting_url="https://zoom.us/j/93087654321", start_date=date(2027, 2, 9), end_date=date(2027, 2, 11),
        capacity=30, registration_opens_at=datetime(2026, 1, 1, 1, 0, tzinfo=timezone.utc),
        registration_closes_at=datetime(2027, 2, 5, 10, 0, tzinfo=timezone.utc))


def _ensure_training(admin, code, **fields):
    """The demo training with this code (created once: two sessions a day and the TPBIS materi)."""
    training = db.session.scalar(sa.select(Training).where(Training.code == code))
    if training is not None:
        return training
    training = Training(code=code, program="TPBIS", organizer_unit=UNIT, organizer_short="DKPUS", mode="daring",
                        city="Pangkalpinang", timezone="Asia/Jakarta", is_published=True, created_by_id=admin.id,
                        **fields)
    db.session.add(training)
    for times in generate_sessions(training.start_date, training.end_date,
                                   [Slot(time(8), time(12)), Slot(time(13), time(16, 30))], "Asia/Jakarta"):
        training.sessions.append(TrainingSession(starts_at=times.start, ends_at=times.end))
    for position, (title, trainer, jp) in enumerate(MATERI, start=1):
        training.materi.append(Materi(title=title, trainer=trainer, jp=jp, position=position))
    db.session.flush()
    return training


def _duties(training, users):
    for role in ("panitia", "reviewer", "penandatangan"):
        accounts.assign_duty(training, users[role], Duty(role))
    upcoming = db.session.scalar(sa.select(Training).where(Training.code == "SPP2027"))
    if upcoming is not None:
        accounts.assign_duty(upcoming, users["panitia"], Duty.PANITIA)


def _participants(training):
    for index, (number, name, gender, jabatan, instansi, kab, nip, pangkat) in enumerate(PARTICIPANTS):
        exists = db.session.scalar(sa.select(Registration.id).where(
            Registration.training_id == training.id, Registration.number == number))
        if exists:
            continue
        email = participant_email(index)
        user = accounts.get_or_create_participant(email, name)
        db.session.add(Registration(
            training_id=training.id, user_id=user.id, seq=index + 1, number=number, status="registered",
            nama_lengkap=name, jenis_kelamin=gender, jabatan=jabatan, instansi=instansi, kabupaten=kab,
            provinsi="Kepulauan Bangka Belitung", email=email, phone=f"08127100{index:04d}", nip=nip,
            pangkat=pangkat, consent_at=datetime(2020, 7, 10, 2, 0, tzinfo=timezone.utc)))
    db.session.flush()
    return db.session.scalar(sa.select(sa.func.count(Registration.id)).where(Registration.training_id == training.id))
