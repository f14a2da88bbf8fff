"""The real bulk job for bench/certificates.py: a seeded training on a real database, the app's own job.

* `make_app` builds the app on a fresh SQLite file (or a private schema of a PostgreSQL database).
* `seed` inserts one training (6 sessions, computed attendance records and summaries, certificate settings
  with signature and stamp) and N eligible registrations plus about 10% who missed a session, in bulk
  through the app's models, so the job's eligibility check is the real one.
* `run_embedded` runs the job in a child process (`python bench/certificates_app.py run-job …`, the path a web
  process takes without Redis); `run_rq` starts K `flask --app bimtek run-worker` processes on Redis.
* `check` verifies what the job left: rows, files (SHA-256 of every file equals its row), numbers 1..N in
  registration order, e-mails queued, the audit record.
"""
import datetime as dt
import json
import os
import pathlib
import signal
import subprocess  # nosec B404  # starts this venv's python / flask with fixed arguments
import sys
import time
import uuid

import sqlalchemy as sa

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bimtek import create_app  # noqa: E402
from bimtek.config import Config  # noqa: E402

SESSIONS = 6
SIGNER = {"number_template": "800/{nomor}/DKPUS/{tahun}",
          "signer_jabatan": "Kepala Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung",
          "signer_name": "Dr. Asyraf Suryadin, S.Sos., M.Si.", "signer_pangkat": "Pembina Utama Muda (IV/c)",
          "signer_nip": "197001011990031001", "place": "Pangkalpinang", "issue_date": None, "design": "default"}


def private_database(url, work_dir):
    """(database URL for this process, URL for other processes, engine options, cleanup) of a fresh database."""
    if not url:
        sqlite = f"sqlite:///{work_dir / 'bench.sqlite3'}"
        return sqlite, sqlite, {"pool_pre_ping": True}, lambda: None
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()

    other = url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    return url, other, {"pool_pre_ping": True, "connect_args": {"options": f"-csearch_path={schema}"}}, drop


def make_app(database_url, engine_options, data_dir, **extra):
    """The production app (no TESTING) on the bench database; mail is queued, not delivered."""
    class BenchConfig(Config):
        SECRET_KEY = "bench-secret"  # nosec B105  # a throw-away database
        SQLALCHEMY_DATABASE_URI = database_url
        SQLALCHEMY_ENGINE_OPTIONS = engine_options
        DATA_DIR = str(data_dir)
        BASE_URL = "https://sertifikat.dkpus.babelprov.go.id"
        MAIL_BACKGROUND = False
        JOBS_WATCHDOG = False
        REDIS_URL = None

    for key, value in extra.items():
        setattr(BenchConfig, key, value)
    return create_app(BenchConfig)


def _png(size, color):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def _training(db):
    from bimtek.trainings.models import Materi, Training, TrainingSession

    training = Training(code="TPBIS24", name="Bimbingan Teknis Strategi Pengembangan Perpustakaan dan TIK "
                        "(SPP-TIK) Program TPBIS Tahun 2024",
                        organizer_unit="Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung",
                        organizer_short="DKPUS", city="Pangkalpinang", start_date=dt.date(2024, 7, 21),
                        end_date=dt.date(2024, 7, 23), is_published=True)
    db.session.add(training)
    for day in range(3):
        for start_hour, end_hour in ((1, 5), (6, 9)):  # 08.00–12.00 and 13.00–16.00 WIB
            base = dt.datetime(2024, 7, 21 + day, tzinfo=dt.timezone.utc)
            training.sessions.append(TrainingSession(starts_at=base + dt.timedelta(hours=start_hour),
                                                     ends_at=base + dt.timedelta(hours=end_hour)))
    for i, title in enumerate(("Kebijakan Transformasi Perpustakaan Berbasis Inklusi Sosial",
                               "Strategi Peningkatan Layanan Informasi", "Pelibatan Masyarakat",
                               "Advokasi dan Kemitraan", "Penyusunan Rencana Tindak Lanjut"), start=1):
        training.materi.append(Materi(title=title, trainer=f"Pemateri {i}", jp=6, position=i))
    db.session.flush()
    return training


def _people(db, training, count, now):
    """`count` registrations in registration order (bulk inserts of users and registrations)."""
    import random

    from bench.certificates import GELAR, INSTANSI, participants
    from bimtek.accounts.models import User
    from bimtek.registration.models import Registration

    people = list(participants(count, random.Random(2024)))
    emails = [f"peserta{i}@contoh.id" for i in range(count)]
    db.session.execute(sa.insert(User), [{"email": e, "name": p["name"], "role": "peserta", "created_at": now,
                                          "updated_at": now} for e, p in zip(emails, people)])
    users = dict(db.session.execute(sa.select(User.email, User.id).where(User.role == "peserta")).all())
    assert GELAR and INSTANSI
    db.session.execute(sa.insert(Registration), [{
        "training_id": training.id, "user_id": users[e], "seq": i + 1, "number": f"{training.code}-{i + 1:04d}",
        "status": "registered", "nama_lengkap": p["name"], "nip": p["nip"], "jenis_kelamin": "L",
        "instansi": p["instansi"], "kabupaten": "Bangka", "provinsi": "Kepulauan Bangka Belitung", "email": e,
        "consent_at": now} for i, (e, p) in enumerate(zip(emails, people))])
    return db.session.scalars(sa.select(Registration.id).where(Registration.training_id == training.id)
                              .order_by(Registration.seq)).all()


def _attendance(db, training, registration_ids, now):
    """Computed attendance: every 10th registrant missed the last session (not eligible), the rest attended."""
    from bimtek.attendance.models import AttendanceRecord, SessionSummary

    sessions = list(training.sessions)
    rows = []
    for index, registration_id in enumerate(registration_ids):
        for position, session in enumerate(sessions):
            missed = index % 10 == 9 and position == len(sessions) - 1
            rows.append({"training_id": training.id, "session_id": session.id, "registration_id": registration_id,
                         "attended_seconds": 0 if missed else session.duration_seconds, "rows": 1,
                         "match_method": "exact", "match_confidence": 1.0, "names": "",
                         "first_join": session.starts_at, "last_leave": session.ends_at})
    db.session.execute(sa.insert(AttendanceRecord), rows)
    db.session.execute(sa.insert(SessionSummary), [{"session_id": s.id, "training_id": training.id,
                                                    "format": "zoom", "warnings": [], "computed_at": now}
                                                   for s in sessions])


def seed(app, eligible):
    """One training with `eligible` eligible registrations (+1 in 9 not eligible); returns (training id, actor id,
    registration ids of the eligible ones in registration order, number of registrants)."""
    from bimtek.accounts import services as accounts
    from bimtek.accounts.models import Duty, Role, User
    from bimtek.action_plans.models import ActionPlanSettings
    from bimtek.certificates import services
    from bimtek.extensions import db

    now = dt.datetime.now(dt.timezone.utc)
    with app.app_context():
        db.create_all()
        training = _training(db)
        signer = User(email="penandatangan@dkpus.go.id", name="Penandatangan", role=Role.STAFF.value)
        db.session.add(signer)
        db.session.flush()
        accounts.assign_duty(training, signer, Duty.PENANDATANGAN)
        db.session.add(ActionPlanSettings(training_id=training.id, required_for_certificate=False,
                                          strategies=["A"], require_each_strategy=False))
        services.save_settings(signer, training, SIGNER, signature=_png((400, 200), (20, 30, 90)),
                               stamp=_png((300, 300), (60, 60, 170)))
        ids = _people(db, training, eligible + eligible // 9, now)
        _attendance(db, training, ids, now)
        db.session.commit()
        eligible_ids = [rid for index, rid in enumerate(ids) if index % 10 != 9]
        assert len(eligible_ids) == eligible, (len(eligible_ids), eligible)
        return training.id, signer.id, eligible_ids, len(ids)


def start_job(app, training_id, actor_id):
    """Queue the bulk job as the *Terbitkan semua* button does (commits); returns its id."""
    from bimtek.accounts.models import User
    from bimtek.certificates import tasks
    from bimtek.extensions import db
    from bimtek.trainings.models import Training

    with app.app_context():
        job, _ = tasks.start_bulk_issue(db.session.get(User, actor_id), db.session.get(Training, training_id))
        db.session.commit()
        return job.id


# Peak RSS is measured by a small launcher that forks the measured process and reaps it with wait4. Started
# straight from this process, a child's ru_maxrss would start at *this* process's high-water mark: Linux keeps
# the larger of it across the exec (vfork shares our memory until then), and ours grows with N (the seeded rows,
# the pure run). That is how earlier runs printed 318 MB "in the worker" at 8,000 while the worker, its
# work-horses and render processes never passed about 235 MB. A process forked by the launcher starts from the
# launcher's ~10 MB, and wait4 gives the largest peak of it and every descendant it reaped (work-horses, render
# processes).
_LAUNCHER = """
import json, os, signal, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGTERM))
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"peak_rss_kb": usage.ru_maxrss}), flush=True)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _measured(argv):
    """argv run under the peak-RSS launcher (its last stdout line is {"peak_rss_kb": …})."""
    return [sys.executable, "-c", _LAUNCHER, *argv]


def _peak_kb(stdout):
    return json.loads(stdout.strip().splitlines()[-1])["peak_rss_kb"]


def run_embedded(database_url, data_dir, job_id):
    """Run the job in a child process (as a web process's job thread would); returns (seconds, peak RSS MiB)."""
    out = subprocess.run(_measured([sys.executable, str(pathlib.Path(__file__).resolve()), "run-job",  # nosec
                                    database_url, str(data_dir), str(job_id)]),
                         capture_output=True, text=True, check=True, cwd=ROOT)
    seconds = json.loads(out.stdout.strip().splitlines()[-2])["seconds"]
    return seconds, _peak_kb(out.stdout) / 1024


def _run_job_here(database_url, data_dir, job_id):
    """Child side of run_embedded: build the app, run the job, print the seconds (the launcher prints the peak)."""
    options = {"pool_pre_ping": True}
    app = make_app(database_url, options, data_dir)
    from bimtek.jobs import services as jobs

    started = time.perf_counter()
    with app.app_context():
        jobs.run_job(int(job_id), app)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds}), flush=True)


def run_rq(app, worker_url, data_dir, job_id, redis_url, workers):
    """Dispatch on Redis and let K `run-worker` processes take the chunks; (seconds, peak RSS MiB of any process)."""
    from bimtek.jobs import services as jobs

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": worker_url, "BIMTEK_DATA_DIR": str(data_dir), "SECRET_KEY": "bench",
           "BASE_URL": app.config["BASE_URL"], "REDIS_URL": redis_url, "JOBS_QUEUE": queue, "FLASK_DEBUG": "0",
           "MAIL_SERVER": "", "JOBS_WATCHDOG": "0", "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(_measured([sys.executable, "-m", "flask", "--app", "bimtek", "run-worker"]),  # nosec
                              env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for _ in range(workers)]
    try:
        _wait_listening(redis_url, queue, workers)  # every worker has imported the app before the job is queued
        app.config.update(REDIS_URL=redis_url, JOBS_QUEUE=queue)
        started = time.perf_counter()
        with app.app_context():
            jobs.dispatch(app, job_id)
            _wait_done(job_id)
        seconds = time.perf_counter() - started
    finally:
        app.config.update(REDIS_URL=None, JOBS_QUEUE="bimtek")
        peak = _stop_workers(procs)
        from redis import Redis
        from rq import Queue

        Queue(queue, connection=Redis.from_url(redis_url)).delete(delete_jobs=True)
    return seconds, peak / 1024


def _wait_listening(redis_url, queue, count):
    from redis import Redis
    from rq import Queue, Worker

    deadline = time.monotonic() + 180
    while len(Worker.all(queue=Queue(queue, connection=Redis.from_url(redis_url)))) < count:
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.2)


def _wait_done(job_id):
    from bimtek.extensions import db
    from bimtek.jobs.models import Job

    while True:
        db.session.rollback()
        status = db.session.scalar(sa.select(Job.status).where(Job.id == job_id))
        if status in ("done", "failed"):
            return status
        time.sleep(0.1)


def _stop_workers(procs):
    """SIGTERM each worker (through its launcher): the largest peak RSS (KiB) of a worker or its children."""
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    return max(_peak_kb(proc.communicate()[0]) for proc in procs)


def check(app, training_id, expected_ids):
    """Integrity of what the job stored; returns a dict of counts (raises AssertionError on a problem)."""
    from bimtek.audit.models import AuditEntry
    from bimtek.certificates.models import Certificate, CertificateFile
    from bimtek.core.storage import app_storage, sha256_hex
    from bimtek.extensions import db
    from bimtek.jobs.models import Job
    from bimtek.mail.models import OutboxMessage

    with app.app_context():
        db.session.rollback()
        rows = db.session.execute(sa.select(Certificate.seq, Certificate.registration_id, Certificate.sha256)
                                  .where(Certificate.training_id == training_id).order_by(Certificate.seq)).all()
        assert [r.seq for r in rows] == list(range(1, len(expected_ids) + 1)), "numbers not contiguous 1..N"
        assert [r.registration_id for r in rows] == expected_ids, "numbers not in registration order"
        storage = app_storage()
        mismatches = sum(sha256_hex(storage.get(r.sha256)) != r.sha256 for r in rows)
        assert mismatches == 0, f"{mismatches} files differ from their rows"
        count = sa.select(sa.func.count())
        files = db.session.scalar(count.select_from(CertificateFile))
        mails = db.session.scalar(count.select_from(OutboxMessage)
                                  .where(OutboxMessage.template == "certificate_issued"))
        audit = db.session.scalar(count.select_from(AuditEntry).where(AuditEntry.action == "certificate.bulk_done"))
        job = db.session.scalar(sa.select(Job).where(Job.training_id == training_id).order_by(Job.id.desc()))
        assert job.status == "done" and job.result["issued"] == len(expected_ids), (job.status, job.message)
        assert files == mails == len(rows) and audit >= 1, (files, mails, audit)
        return {"rows": len(rows), "files": files, "mails": mails, "mismatches": mismatches}


if __name__ == "__main__" and sys.argv[1:2] == ["run-job"]:
    _run_job_here(*sys.argv[2:5])
