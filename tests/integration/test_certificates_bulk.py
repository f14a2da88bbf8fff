"""Numbering under concurrency (real threads), the bulk job in-process and on a real RQ worker."""
import os
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa

from bimtek.certificates import services
from bimtek.certificates.models import Certificate
from bimtek.core.errors import DomainError
from bimtek.extensions import db as _db
from bimtek.jobs.models import Job
from bimtek.mail.models import OutboxMessage
from bimtek.registration.models import Registration
from tests.factories import make_registration
from tests.integration.certificate_helpers import certificate_training, pdf_text

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _issue_in_threads(app, signer_id, registration_ids):
    """Issue each registration's certificate from its own thread (own session); return errors."""
    barrier, errors = threading.Barrier(len(registration_ids)), []

    def work(registration_id):
        with app.app_context():
            try:
                barrier.wait()
                from bimtek.accounts.models import User

                services.issue_certificate(_db.session.get(User, signer_id),
                                           _db.session.get(Registration, registration_id))
                _db.session.commit()
            except DomainError as error:
                _db.session.rollback()
                errors.append(error.message)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=work, args=(rid,)) for rid in registration_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return errors


def test_concurrent_issuers_never_share_a_number(app, db):
    training, signer = certificate_training(everyone_passes=True)
    ids = [make_registration(training).id for _ in range(8)]
    assert _issue_in_threads(app, signer.id, ids) == []
    db.session.expire_all()
    certs = db.session.scalars(sa.select(Certificate).order_by(Certificate.seq)).all()
    assert [c.seq for c in certs] == list(range(1, 9))
    assert len({c.number for c in certs}) == 8 and len({c.registration_id for c in certs}) == 8
    assert services.settings_for(training).last_seq == 8


def test_two_issuers_of_the_same_participant_give_one_certificate(app, db):
    training, signer = certificate_training(everyone_passes=True)
    registration_id = make_registration(training).id
    errors = _issue_in_threads(app, signer.id, [registration_id, registration_id])
    assert errors == ["Peserta ini sudah memiliki sertifikat yang sah."]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


def _start_bulk(client, login_as, training, signer):
    login_as(signer)
    response = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan-semua")
    assert response.status_code == 302
    return _db.session.scalar(sa.select(Job).order_by(Job.id.desc()))


def test_bulk_job_issues_everyone_eligible_once_with_mail(app, db, client, login_as):
    training, signer = certificate_training(everyone_passes=True)
    regs = [make_registration(training) for _ in range(70)]  # > 2 chunks: the 2-process pool is used
    make_registration(training, status="waiting")
    app.config["JOBS_SYNCHRONOUS"] = True
    try:
        job = _start_bulk(client, login_as, training, signer)
        db.session.expire_all()
        assert job.status == "done" and job.result["issued"] == 70 and job.failed == 0
        certs = db.session.scalars(sa.select(Certificate).order_by(Certificate.seq)).all()
        assert [c.seq for c in certs] == list(range(1, 71))
        assert {c.registration_id for c in certs} == {r.id for r in regs}
        sample = services.app_storage().get(certs[-1].sha256)
        assert certs[-1].number in pdf_text(sample) and certs[-1].name in pdf_text(sample)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.template == "certificate_issued")) == 70
        page = client.get(f"/kelola/pelatihan/{training.id}/sertifikat").get_data(as_text=True)
        assert "job-progress" in page and "Unduh semua PDF (ZIP)" in page
        again = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan-semua", follow_redirects=True)
        assert "Tidak ada peserta yang memenuhi syarat" in again.get_data(as_text=True)  # a re-run is refused
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 70
    finally:
        app.config["JOBS_SYNCHRONOUS"] = False


def test_bulk_job_runs_in_a_background_thread(app, db, client, login_as):
    training, signer = certificate_training(everyone_passes=True)
    for _ in range(3):
        make_registration(training)
    job = _start_bulk(client, login_as, training, signer)
    deadline = time.time() + 60
    while time.time() < deadline:
        db.session.expire_all()
        if db.session.get(Job, job.id).is_finished:
            break
        time.sleep(0.1)
    assert db.session.get(Job, job.id).status == "done"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 3


def _redis_url():
    try:
        from redis import Redis

        url = "redis://127.0.0.1:6379/14"
        Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except Exception:  # noqa: BLE001
        return None


def _worker_database_url(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {}).get("options")
    if options:  # PostgreSQL test schema: hand the search_path to the worker through the URL
        url += ("&" if "?" in url else "?") + "options=" + options.replace("=", "%3D")
    return url


@pytest.mark.skipif(_redis_url() is None, reason="Redis at 127.0.0.1:6379 is not available")
def test_bulk_job_runs_on_a_real_rq_worker(app, db, client, login_as):
    from redis import Redis
    from rq import Queue

    url, queue = _redis_url(), f"bimtek-bulk-{os.getpid()}-{time.monotonic_ns()}"  # never share a queue
    training, signer = certificate_training(everyone_passes=True)
    for _ in range(5):
        make_registration(training)
    app.config.update(REDIS_URL=url, JOBS_QUEUE=queue)
    try:
        job = _start_bulk(client, login_as, training, signer)
    finally:
        app.config.update(REDIS_URL=None, JOBS_QUEUE="bimtek")
    assert job.status == "queued"
    env = {**os.environ, "REDIS_URL": url, "DATABASE_URL": _worker_database_url(app), "SECRET_KEY": "worker-test",
           "BIMTEK_DATA_DIR": app.config["DATA_DIR"], "BASE_URL": "http://localhost", "FLASK_DEBUG": "0",
           "JOBS_QUEUE": queue}
    run = subprocess.run([sys.executable, "-m", "flask", "--app", "bimtek", "run-worker", "--burst"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    db.session.expire_all()
    done = db.session.get(Job, job.id)
    assert done.status == "done", (done.message, run.stderr[-2000:])
    certs = db.session.scalars(sa.select(Certificate)).all()
    assert len(certs) == 5 and all(services.app_storage().exists(c.sha256) for c in certs)
    assert all(c.snapshot["verify_url"] == f"http://localhost/v/{c.code}" for c in certs)
    Queue(queue, connection=Redis.from_url(url)).delete(delete_jobs=True)


def test_bulk_job_can_issue_only_the_selected_participants(app, db, client, login_as):
    training, signer = certificate_training(everyone_passes=True)
    regs = [make_registration(training) for _ in range(4)]
    chosen = [regs[1].id, regs[3].id]
    app.config["JOBS_SYNCHRONOUS"] = True
    try:
        login_as(signer)
        page = client.get(f"/kelola/pelatihan/{training.id}/sertifikat").get_data(as_text=True)
        assert 'form="issue-selected"' in page and "Terbitkan yang dicentang" in page
        nothing = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan-semua",
                              data={"pilihan": "1"}, follow_redirects=True)
        assert "Centang minimal satu peserta" in nothing.get_data(as_text=True)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0
        response = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan-semua",
                               data={"pilihan": "1", "registration_id": [str(i) for i in chosen]})
        assert response.status_code == 302
        db.session.expire_all()
        issued = set(db.session.scalars(sa.select(Certificate.registration_id)))
        assert issued == set(chosen)
        job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
        assert job.params["registration_ids"] == sorted(chosen) and job.result["issued"] == 2
    finally:
        app.config["JOBS_SYNCHRONOUS"] = False
