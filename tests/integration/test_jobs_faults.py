"""Findings 4 and 5 with real processes.

* Two (eight) simultaneous "Terbitkan semua" over HTTP against gunicorn with 2 workers create one job.
* kill -9 of gunicorn and its render processes mid-way through a bulk issue, then a restart and no request:
  the watchdog resumes the job; all certificates are issued, numbers contiguous in registration order, every
  stored file's SHA-256 equals its row. The same with the RQ worker on Redis (DB 14, a queue of its own).

BIMTEK_FAULT_TEST_COUNT sets the number of participants (CI default 300; run once with 1500 for the record).
The stale/watchdog intervals are shortened through the config (the defaults keep "within two minutes").
"""
import hashlib
import os
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from bimtek.certificates import services, tasks
from bimtek.certificates.models import Certificate
from bimtek.jobs import services as jobs
from bimtek.jobs.models import Job
from tests.factories import PASSWORD
from tests.integration import processes
from tests.integration.certificate_helpers import certificate_training

COUNT = int(os.environ.get("BIMTEK_FAULT_TEST_COUNT", "300"))
# Small batches and chunks, so that "a quarter issued" comes well before the end and the RQ run has several chunks.
FAST = {"JOBS_STALE_SECONDS": 4, "JOBS_WATCHDOG_SECONDS": 1, "CERTIFICATES_BULK_BATCH": 25,
        "CERTIFICATES_BULK_CHUNK": 100}
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
RECOVERY_LIMIT = 120  # seconds: the promise of the issue ("within two minutes")


def _redis_available():
    try:
        from redis import Redis

        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001
        return False


def _start_url(training):
    return f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan-semua"


def _certificate_count(db, training):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)
                             .where(Certificate.training_id == training.id))


def _assert_all_issued_in_order(db, app, training, registration_ids):
    certs = db.session.scalars(sa.select(Certificate).where(Certificate.training_id == training.id)
                               .order_by(Certificate.seq)).all()
    assert [c.seq for c in certs] == list(range(1, len(registration_ids) + 1))
    assert [c.registration_id for c in certs] == registration_ids
    files = Path(app.config["DATA_DIR"]) / "files"
    for cert in certs:
        assert hashlib.sha256((files / cert.sha256[:2] / cert.sha256).read_bytes()).hexdigest() == cert.sha256
    assert services.settings_for(training).last_seq == len(registration_ids)


def test_simultaneous_starts_over_http_create_exactly_one_job(app, db, tmp_path):
    training, signer = certificate_training(everyone_passes=True)
    processes.make_registrations(training, 5)
    port = processes.free_port()
    server = processes.start_gunicorn(processes.process_env(app), port, tmp_path / "gunicorn.log", workers=3)
    try:
        processes.wait_http(port, server)
        session, token = processes.login(port, signer.email, PASSWORD)
        barrier, statuses = threading.Barrier(8), []

        def click():
            barrier.wait()
            response = session.post(f"http://127.0.0.1:{port}{_start_url(training)}", data={"csrf_token": token},
                                    allow_redirects=False, timeout=60)
            statuses.append(response.status_code)

        threads = [threading.Thread(target=click) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        assert statuses == [302] * 8
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)
                                 .where(Job.training_id == training.id)) == 1
        job = processes.wait_for(lambda: db.session.scalar(sa.select(Job).where(
            Job.training_id == training.id, Job.status == "done")), 60)
        assert job is not None and job.result["issued"] == 5
        assert db.session.scalars(sa.select(Certificate.seq).order_by(Certificate.seq)).all() == [1, 2, 3, 4, 5]
    finally:
        processes.stop_group(server)


def _kill_mid_way_then_wait(db, training, kill, restart):
    """Wait until about a quarter is issued, kill -9, restart with no request; return the finished job."""
    assert processes.wait_for(lambda: _certificate_count(db, training) >= COUNT // 4, 300), "no progress"
    kill()
    issued_at_kill = _certificate_count(db, training)
    job = db.session.scalar(sa.select(Job).where(Job.training_id == training.id))
    assert job.status == "running" and issued_at_kill < COUNT, "the job finished before the kill"
    restarted, started = restart(), time.monotonic()
    finished = processes.wait_for(lambda: db.session.scalar(sa.select(Job).where(
        Job.training_id == training.id, Job.status.in_(["done", "failed"]))), RECOVERY_LIMIT)
    print(f"killed at {issued_at_kill}/{COUNT}; all done {time.monotonic() - started:.1f} s after the kill")
    return restarted, finished, issued_at_kill


@pytest.mark.parametrize("fault", ["server", "job worker only"])
def test_kill_9_mid_way_is_recovered_without_a_request_embedded(app, db, tmp_path, fault):
    """'server': kill -9 gunicorn, its workers and render processes, start it again, no request.
    'job worker only': kill -9 the gunicorn worker running the job and its render processes; no restart."""
    training, signer = certificate_training(everyone_passes=True)
    registration_ids = processes.make_registrations(training, COUNT)
    env, port = processes.process_env(app, **FAST), processes.free_port()
    servers = [processes.start_gunicorn(env, port, tmp_path / "gunicorn.log")]
    try:
        processes.wait_http(port, servers[0])
        session, token = processes.login(port, signer.email, PASSWORD)
        session.post(f"http://127.0.0.1:{port}{_start_url(training)}", data={"csrf_token": token}, timeout=60)

        def restart():  # and make no request to it
            if fault == "server":
                servers.append(processes.start_gunicorn(env, processes.free_port(), tmp_path / "gunicorn.log"))

        kill = processes.kill_group if fault == "server" else processes.kill_job_process
        _, finished, at_kill = _kill_mid_way_then_wait(db, training, lambda: kill(servers[0]), restart)
        assert finished is not None, (f"not recovered within {RECOVERY_LIMIT} s",
                                      (tmp_path / "gunicorn.log").read_text()[-3000:])
        assert finished.status == "done" and finished.attempts >= 2, finished.message
        assert finished.result["issued"] == COUNT and finished.result["skipped"] == []
        _assert_all_issued_in_order(db, app, training, registration_ids)
        print(f"embedded ({fault}): killed at {at_kill}/{COUNT}, resumed and finished")
    finally:
        for server in servers:
            processes.stop_group(server)


@pytest.mark.skipif(not _redis_available(), reason="Redis at 127.0.0.1:6379 is not available")
@pytest.mark.parametrize("fault", ["worker", "work-horse only"])
def test_kill_9_mid_way_is_recovered_without_a_request_rq(app, db, tmp_path, fault):
    """'worker': kill -9 the RQ worker, its work-horse and render processes, start it again.
    'work-horse only': kill -9 the work-horse and its render processes; the worker lives on, no restart."""
    queue = f"bimtek-faults-{uuid.uuid4().hex[:8]}"
    training, signer = certificate_training(everyone_passes=True)
    registration_ids = processes.make_registrations(training, COUNT)
    app.config.update(REDIS_URL=REDIS_URL, JOBS_QUEUE=queue)
    try:
        job, _ = tasks.start_bulk_issue(signer, training)
        db.session.commit()
        jobs.dispatch(app, job.id)
    finally:
        app.config.update(REDIS_URL=None, JOBS_QUEUE="bimtek")
    env = processes.process_env(app, REDIS_URL=REDIS_URL, JOBS_QUEUE=queue, **FAST)
    workers = [processes.start_worker(env, tmp_path / "worker.log")]
    try:
        def restart():
            if fault == "worker":
                workers.append(processes.start_worker(env, tmp_path / "worker.log"))

        kill = processes.kill_group if fault == "worker" else processes.kill_job_process
        _, finished, at_kill = _kill_mid_way_then_wait(db, training, lambda: kill(workers[0]), restart)
        assert finished is not None, (f"not recovered within {RECOVERY_LIMIT} s",
                                      (tmp_path / "worker.log").read_text()[-3000:])
        assert finished.status == "done" and finished.attempts >= 2, finished.message
        assert finished.result["issued"] == COUNT and finished.result["skipped"] == []
        _assert_all_issued_in_order(db, app, training, registration_ids)
        print(f"rq ({fault}): killed at {at_kill}/{COUNT}, resumed and finished")
    finally:
        for worker in workers:
            processes.stop_group(worker)
        from redis import Redis
        from rq import Queue

        Queue(queue, connection=Redis.from_url(REDIS_URL)).delete(delete_jobs=True)


def test_flask_run_also_resumes_a_dead_job_without_a_request(app, db, tmp_path):
    """The embedded watchdog also runs under `flask run` (and not in one-off CLI commands)."""
    training, signer = certificate_training(everyone_passes=True)
    registration_ids = processes.make_registrations(training, 5)
    job, _ = tasks.start_bulk_issue(signer, training)
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(status="running", attempts=1))
    db.session.commit()  # as a server killed right after claiming it would leave it
    env = processes.process_env(app, **FAST)
    with open(tmp_path / "flask.log", "ab") as log:
        server = processes.subprocess.Popen(  # nosec B603
            [processes.sys.executable, "-m", "flask", "--app", "bimtek", "run", "--port", str(processes.free_port())],
            env=env, cwd=processes.ROOT, stdout=log, stderr=processes.subprocess.STDOUT, start_new_session=True)
    try:
        finished = processes.wait_for(lambda: db.session.scalar(sa.select(Job).where(
            Job.id == job.id, Job.status == "done")), RECOVERY_LIMIT)
        assert finished is not None, (tmp_path / "flask.log").read_text()[-3000:]
        _assert_all_issued_in_order(db, app, training, registration_ids)
    finally:
        processes.stop_group(server)
