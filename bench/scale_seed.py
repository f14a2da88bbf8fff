"""One training at TPBIS 2024 scale for bench/pages.py, seeded with bulk inserts (seconds, not minutes).

8,000 registrations (95% registered, the rest waiting/withdrawn), six sessions with realistic attendance
(most people stay, some leave early, some miss a session), one identity per attendance record, a review queue per
session, a few overrides, RTLs in every state and a valid certificate (with a frozen snapshot) for everyone who
passes. The rows look like what the app writes itself; the attendance engine is not run (bench/attendance.py
measures that).
"""
import hashlib
from datetime import datetime, timezone

import sqlalchemy as sa

from bimtek.accounts.models import Role, User
from bimtek.action_plans.models import ActionPlan, ActionPlanVersion
from bimtek.attendance.models import (
    FILE_APPLIED,
    AttendanceFile,
    AttendanceIdentity,
    AttendanceOverride,
    AttendanceRecord,
    SessionSummary,
    UnmatchedName,
)
from bimtek.certificates.models import Certificate, CertificateSettings
from bimtek.extensions import db
from bimtek.registration.models import Registration

FIRST = ("Ahmad", "Budi", "Siti", "Dewi", "Rizky", "Nur", "Agus", "Sri", "Putri", "Muhammad", "Andi", "Rina",
         "Hendra", "Yusuf", "Fitri", "Dimas", "Ayu", "Bambang", "Lestari", "Wahyu", "Zoë")
LAST = ("Santoso", "Wijaya", "Lestari", "Hidayat", "Saputra", "Rahmawati", "Kurniawan", "Pratama", "Nugroho",
        "Siregar", "Nasution", "Simanjuntak", "Harahap", "Syahputra", "Łukasiewicz Núñez")
GELAR = ("", "", "S.Sos.", "S.Kom.", "S.IPI.", "S.Pd.", "A.Md.", "M.Si.", "S.E., M.M.")
KABUPATEN = ("Bangka", "Bangka Barat", "Bangka Selatan", "Bangka Tengah", "Belitung", "Belitung Timur",
             "Pangkalpinang", "Kota Bandung", "Kabupaten Garut", "Kota Surabaya", "Kabupaten Sleman")
QUEUE_PER_SESSION = 150
STATES = ("draft", "diajukan", "perlu_revisi", "disetujui")
BATCH = 2000


def _bulk(model, rows):
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model), rows[start:start + BATCH])


def _person(rng, i):
    gelar = rng.choice(GELAR)
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}" + (f", {gelar}" if gelar else "")
    kabupaten = rng.choice(KABUPATEN)
    return {"nama_lengkap": name, "email": f"peserta{i:05d}@desa{i % 97}.example.id", "kabupaten": kabupaten,
            "instansi": f"Perpustakaan Desa {rng.choice(LAST)} {kabupaten}", "jabatan": "Pengelola Perpustakaan",
            "provinsi": "Kepulauan Bangka Belitung", "phone": f"0812{i:08d}", "jenis_kelamin": rng.choice("LP")}


def registrations(training, n, rng):
    """n registrations with participant accounts; returns [(id, number, name, email)] of the registered."""
    people = [_person(rng, i) for i in range(1, n + 1)]
    _bulk(User, [{"email": p["email"], "name": p["nama_lengkap"], "role": Role.PESERTA.value} for p in people])
    user_ids = dict(db.session.execute(sa.select(User.email, User.id).where(User.role == Role.PESERTA.value)).all())
    consent = datetime(2024, 7, 1, tzinfo=timezone.utc)
    rows = []
    for seq, person in enumerate(people, start=1):
        status = "registered" if seq % 20 else ("waiting" if seq % 40 else "withdrawn")
        rows.append({**person, "training_id": training.id, "user_id": user_ids[person["email"]], "seq": seq,
                     "number": f"{training.code}-{seq:04d}", "status": status, "consent_at": consent,
                     "waitlist_at": consent if status == "waiting" else None})
    _bulk(Registration, rows)
    return db.session.execute(sa.select(Registration.id, Registration.number, Registration.nama_lengkap,
                                        Registration.email).where(Registration.training_id == training.id,
                                                                  Registration.status == "registered")
                              .order_by(Registration.seq)).all()


def _share(rng, habit):
    """Share of one session a participant attended, given their habit (0 = always there … 3 = rarely)."""
    roll = rng.random()
    if habit == 0:
        return 1.0 if roll < 0.85 else rng.uniform(0.8, 1.0)
    if habit == 1:
        return 0.0 if roll < 0.2 else rng.uniform(0.55, 1.0)
    return 0.0 if roll < 0.6 else rng.uniform(0.1, 0.7)


def attendance(training, people, rng):
    """Files, summaries, records + identities, a review queue per session and a few overrides."""
    habits = {p.id: (0 if rng.random() < 0.86 else 1 if rng.random() < 0.7 else 2) for p in people}
    for no, session in enumerate(training.sessions, start=1):
        digest = hashlib.sha256(f"{training.code}-{no}".encode()).hexdigest()
        db.session.add(AttendanceFile(training_id=training.id, session_id=session.id, sha256=digest,
                                      filename=f"zoom-sesi-{no}.csv", size=2_500_000, format="Zoom (peserta)",
                                      rows=len(people) + QUEUE_PER_SESSION, status=FILE_APPLIED))
        db.session.add(SessionSummary(session_id=session.id, training_id=training.id, format="Zoom (peserta)",
                                      warnings=[]))
        _session_records(training, session, people, habits, rng)
        _bulk(UnmatchedName, [_queue_item(training, session, people, rng, k) for k in range(QUEUE_PER_SESSION)])
    statuses = ("hadir", "sebagian", "tidak_hadir")
    overrides = [{"training_id": training.id, "session_id": training.sessions[k % 6].id,
                  "registration_id": people[k * 37].id, "status": statuses[k % 3],
                  "reason": "Surat tugas dinas luar; hadir lewat ruang bersama"}
                 for k in range(60) if k * 37 < len(people)]
    _bulk(AttendanceOverride, overrides)


def _session_records(training, session, people, habits, rng):
    duration = int((session.ends_at - session.starts_at).total_seconds())
    start = int(session.starts_at.timestamp())
    records, identities = [], []
    for person in people:
        seconds = int(duration * _share(rng, habits[person.id]))
        if not seconds:
            continue
        method = rng.choice(("number", "email", "email", "exact", "fuzzy"))
        common = {"training_id": training.id, "session_id": session.id, "registration_id": person.id,
                  "attended_seconds": seconds, "rows": 1 + (seconds < duration)}
        records.append({**common, "match_method": method, "match_confidence": 1.0, "names": person.nama_lengkap,
                        "first_join": session.starts_at, "last_leave": session.ends_at, "flags": ""})
        identities.append({**common, "key": f"email:{person.email}", "name": person.nama_lengkap,
                           "names": [person.nama_lengkap], "email": person.email, "method": method,
                           "confidence": 1.0, "spans": [[start, start + seconds]], "totals": 0})
    _bulk(AttendanceRecord, records)
    _bulk(AttendanceIdentity, identities)


def _queue_item(training, session, people, rng, k):
    guesses = rng.sample(people, 3)
    name = rng.choice(("HP Samsung A12", "iPhone", "Ruang Rapat Dinas", "Galaxy A52")) + f" {k}"
    return {"training_id": training.id, "session_id": session.id, "name": name, "names": [name], "email": "",
            "role": "", "reason": "Tidak ada nama terdaftar yang cukup mirip", "attended_seconds": 5400,
            "rows": 2, "key": f"name:{name.lower()}", "spans": [[0, 5400]], "totals": 0,
            "suggestions": [{"registration": g.number, "name": g.nama_lengkap, "score": 70 + 9 * i}
                            for i, g in enumerate(guesses)]}


def action_plans(training, people, rng):
    """RTLs for 80% of the registered: drafts, submitted, sent back and approved (with one version each)."""
    plan_rows = [{"key": str(k), "strategi": "Peningkatan Layanan", "kegiatan": f"Kelas literasi digital {k}",
                  "tujuan": "Warga desa terampil memakai internet", "sasaran": "Ibu rumah tangga dan pemuda",
                  "waktu_pelaksanaan": "Agustus 2024", "penanggung_jawab": "Kepala Perpustakaan Desa",
                  "indikator_keberhasilan": "30 warga ikut kelas", "sumber_dana": "Dana Desa", "mitra": ""}
                 for k in (1, 2, 3)]
    now = datetime(2024, 7, 25, tzinfo=timezone.utc)
    plans = []
    for person in people:
        if rng.random() < 0.8:
            state = rng.choice(STATES)
            plans.append({"registration_id": person.id, "training_id": training.id, "status": state,
                          "rows": plan_rows, "review_note": "", "row_notes": {}, "submitted_at":
                          None if state == "draft" else now, "decided_at": now if state == "disetujui" else None})
    _bulk(ActionPlan, plans)
    submitted = db.session.execute(sa.select(ActionPlan.id).where(
        ActionPlan.training_id == training.id, ActionPlan.status != "draft")).scalars().all()
    _bulk(ActionPlanVersion, [{"plan_id": pid, "number": 1, "rows": plan_rows} for pid in submitted])


def certificates(training, passed, rng):
    """A valid certificate (snapshot as the issuing service freezes it) for each registration that passed."""
    issued = datetime(2024, 7, 26, tzinfo=timezone.utc)
    shared = {"design": "default", "training_name": training.name, "unit_name": training.organizer_unit,
              "dates_text": "21–23 Juli 2024", "place_date": "Pangkalpinang, 23 Juli 2024",
              "materi": [[f"Materi {i}", 3] for i in range(1, 11)], "signer": {
                  "jabatan": "Kepala Dinas Kearsipan dan Perpustakaan", "name": "Dr. Asyraf Suryadin, M.Si.",
                  "pangkat": "Pembina Utama Muda (IV/c)", "nip": "197001011990031001"},
              "signature_sha256": "a" * 64, "stamp_sha256": "b" * 64, "total_jp": 30,
              "training": {"name": training.name, "dates_text": "21–23 Juli 2024", "total_jp": 30}}
    rows = []
    for seq, person in enumerate(passed, start=1):
        number = f"800/{seq:04d}/DKPUS/2024"
        code = hashlib.sha256(f"{training.code}{seq}{rng.random()}".encode()).hexdigest()[:32]
        rows.append({"training_id": training.id, "registration_id": person.id, "seq": seq, "number": number,
                     "code": code, "status": "valid", "name": person.nama_lengkap, "sha256": code * 2,
                     "original_sha256": code * 2, "size": 180_000, "issued_at": issued,
                     "snapshot": {**shared, "person": {"name": person.nama_lengkap, "number": person.number},
                                  "seq": seq, "number": number, "verify_url": f"http://127.0.0.1/v/{code}"}})
    _bulk(Certificate, rows)
    db.session.add(CertificateSettings(training_id=training.id, last_seq=len(rows), signer_name="Dr. Asyraf",
                                       signer_jabatan="Kepala Dinas", place="Pangkalpinang"))


def evaluation(training, people, rng, admin):
    """The demo ten-question bank, a submitted pre- and post-test (with answers) for 90% of the registered and the
    questionnaire submitted by 70% of them (anonymous answers, as the service writes them)."""
    from bimtek.evaluation import demo, services
    from bimtek.evaluation.models import SurveyAnswer, SurveyResponse, TestAnswer, TestAttempt
    from bimtek.evaluation.services import surveys
    services.save_settings(admin, training, 5, 20, 30, False, False)
    services.replace_bank(admin, training, list(demo.BANK))
    questions = services.questions_of(training)
    first, last = training.sessions[0].starts_at, training.sessions[-1].starts_at
    takers = [p for p in people if rng.random() < 0.9]
    attempts, rights = [], []
    for person in takers:
        for kind, at, skill in (("pre", first, 0.45), ("post", last, 0.75)):
            right = sum(rng.random() < skill for _ in questions)
            rights.append(right)
            attempts.append({"training_id": training.id, "registration_id": person.id, "kind": kind, "number": 1,
                             "started_at": at, "submitted_at": at, "correct_count": right,
                             "question_count": len(questions), "score": round(100 * right / len(questions), 2),
                             "created_at": at, "updated_at": at})
    _bulk(TestAttempt, attempts)
    attempt_ids = db.session.scalars(sa.select(TestAttempt.id).where(TestAttempt.training_id == training.id)
                                     .order_by(TestAttempt.id)).all()
    answers = []
    for attempt_id, right in zip(attempt_ids, rights, strict=True):
        for index, question in enumerate(questions):
            choice = question.correct_index if index < right else (question.correct_index + 1) % len(question.options)
            answers.append({"attempt_id": attempt_id, "question_id": question.id, "choice": choice})
    _bulk(TestAnswer, answers)
    survey = surveys.questions_of(training)
    respondents = [p for p in takers if rng.random() < 0.7]
    day = last.replace(hour=0, minute=0, second=0, microsecond=0)
    _bulk(SurveyResponse, [{"training_id": training.id, "registration_id": p.id, "draft": {}, "submitted_at": day,
                            "created_at": day, "updated_at": day} for p in respondents])
    rows = []
    for k, _person in enumerate(respondents):
        key = f"{k:032x}"
        for question in survey:
            if question.kind == "likert":
                rows.append({"training_id": training.id, "question_id": question.id, "submission_key": key,
                             "value": rng.choice((3, 4, 4, 5, 5)), "text": ""})
            elif rng.random() < 0.3:
                rows.append({"training_id": training.id, "question_id": question.id, "submission_key": key,
                             "value": None, "text": rng.choice(demo.OPEN_ANSWERS)})
    _bulk(SurveyAnswer, rows)


def announcements(training, people, admin):
    """Three announcements to every registered participant (recipient rows, no mail sent)."""
    from bimtek.announcements.models import Announcement, AnnouncementRecipient
    for k in range(3):
        announcement = Announcement(training_id=training.id, subject=f"Informasi pelatihan {k + 1}",
                                    body="Yth. peserta, jadwal sesi berikutnya terlampir.", audience={},
                                    audience_text="Semua peserta terdaftar", created_by_id=admin.id)
        db.session.add(announcement)
        db.session.flush()
        _bulk(AnnouncementRecipient, [{"announcement_id": announcement.id, "registration_id": p.id}
                                      for p in people])
