"""Scale-out of the bulk issue on Redis with real `flask run-worker` processes.

On SQLite and on PostgreSQL:
* Two workers share the chunks of one bulk issue: both issue some of them, numbers stay contiguous in
  registration order, one progress bar (the parent job's row) ends at the total.
* kill -9 of a worker (and its work-horse and render processes) mid-way, as a second one starts: the second takes
  over what the dead one held and finishes; no duplicate rows, every file matches.
"""
import hashlib
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from bimtek.certificates import services, tasks
from bimtek.certificates.models import Certificate, CertificateFile
from bimtek.jobs import services as jobs
from bimtek.jobs.models import Job
from bimtek.mail.models import OutboxMessage
from tests.integration import processes
from tests.integration.certificate_helpers import certificate_training

REDIS_URL = "redis://127.0.0.1:6379/11"
FAST = {"JOBS_STALE_SECONDS": 4, "JOBS_WATCHDOG_SECONDS": 1, "CERTIFICATES_BULK_BATCH": 10,
        "CERTIFICATES_BULK_CHUNK": 30}


def _redis_available():
    try:
        from redis import Redis

        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001
        return False


pytestmark = [
    pytest.mark.skipif(not _redis_available(), reason="Redis at 127.0.0.1:6379 is not available"),
]


@pytest.fixture
def queue():
    from redis import Redis
    from rq import Queue

    name = f"bimtek-scale-{uuid.uuid4().hex[:8]}"
    yield name
    Queue(name, connection=Redis.from_url(REDIS_URL)).delete(delete_jobs=True)


def _start_workers(app, tmp_path, queue, count):
    """`count` run-worker processes, returned once each of them listens on the queue."""
    from redis import Redis
    from rq import Queue, Worker

    env = processes.process_env(app, REDIS_URL=REDIS_URL, JOBS_QUEUE=queue, **FAST)
    workers = [processes.start_worker(env, tmp_path / f"worker{i}.log") for i in range(count)]
    listening = processes.wait_for(lambda: len(Worker.all(queue=Queue(queue, connection=Redis.from_url(REDIS_URL))))
                                   >= count, 60)
    assert listening, (tmp_path / "worker0.log").read_text()[-3000:]
    return workers


def _start_on_redis(app, db, queue, count):
    training, signer = certificate_training(everyone_passes=True)
    registration_ids = processes.make_registrations(training, count)
    app.config.update(REDIS_URL=REDIS_URL, JOBS_QUEUE=queue)
    try:
        job, _ = tasks.start_bulk_issue(signer, training)
        db.session.commit()
        jobs.dispatch(app, job.id)
    finally:
        app.config.update(REDIS_URL=None, JOBS_QUEUE="bimtek")
    return training, registration_ids, job.id


def _finished(db, job_id, timeout):
    return processes.wait_for(lambda: db.session.scalar(sa.select(Job).where(
        Job.id == job_id, Job.status.in_(["done", "failed"]))), timeout)


def _assert_issued_once_in_order(app, db, training, registration_ids):
    certs = db.session.execute(sa.select(Certificate.id, Certificate.seq, Certificate.registration_id,
                                         Certificate.sha256).where(Certificate.training_id == training.id)
                               .order_by(Certificate.seq)).all()
    assert [c.seq for c in certs] == list(range(1, len(registration_ids) + 1))
    assert [c.registration_id for c in certs] == registration_ids
    file_rows = db.session.scalars(sa.select(CertificateFile.certificate_id)).all()
    assert sorted(file_rows) == sorted(c.id for c in certs)  # exactly one file row per certificate
    files = Path(app.config["DATA_DIR"]) / "files"
    for cert in certs:
        assert hashlib.sha256((files / cert.sha256[:2] / cert.sha256).read_bytes()).hexdigest() == cert.sha256
    mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.template == "certificate_issued"))
    assert mails == len(registration_ids)
    assert services.settings_for(training).last_seq == len(registration_ids)


def _children(db, job_id):
    return db.session.scalars(sa.select(Job).where(Job.kind == tasks.JOB_ISSUE_CHUNK)
                              .where(Job.params["parent"].as_integer() == job_id).order_by(Job.id)).all()


def _frozen_mid_job(db, queue, worker, timeout=120):
    """The bimtek job id a lone worker is inside of, with the worker frozen (SIGSTOP) before it finished.

    Frozen first, looked at second: a worker caught between two jobs or just as it finished would leave nothing to
    take over. Alone on the queue, its current job is the parent, which runs every chunk itself, so the whole bulk
    issue (not a sub-second slice of it, as with two racing workers on a fast machine) is the window."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(REDIS_URL)
    deadline = time.time() + timeout
    while time.time() < deadline:
        for rq_worker in Worker.all(queue=Queue(queue, connection=connection)):
            if rq_worker.pid != worker.pid or rq_worker.get_current_job_id() is None:
                continue
            frozen = processes.freeze(worker)
            current = rq_worker.get_current_job()
            db.session.expire_all()
            job = db.session.get(Job, current.args[0]) if current is not None else None
            if job is not None and job.status == "running" and job.attempts == 1 and job.done < job.total:
                return job.id
            processes.thaw(frozen)
        time.sleep(0.02)
    raise AssertionError("the worker was never caught inside the bulk job")


def test_two_workers_share_the_chunks_of_one_bulk_issue(app, db, tmp_path, queue):
    workers = _start_workers(app, tmp_path, queue, 2)
    try:
        training, registration_ids, job_id = _start_on_redis(app, db, queue, 180)
        finished = _finished(db, job_id, 240)
        assert finished is not None and finished.status == "done", (
            finished and (finished.status, finished.message, [(c.id, c.status, c.attempts, c.message)
                                                              for c in _children(db, job_id)]),
            (tmp_path / "worker0.log").read_text()[-1500:], (tmp_path / "worker1.log").read_text()[-1500:])
        assert (finished.done, finished.total, finished.result["issued"]) == (180, 180, 180)
        children = _children(db, job_id)
        assert len(children) == 6 and all(c.status == "done" for c in children)
        assert sum(c.result["issued"] for c in children) == 180
        assert len({c.result["worker"] for c in children}) == 2, [c.result["worker"] for c in children]
        _assert_issued_once_in_order(app, db, training, registration_ids)
    finally:
        for worker in workers:
            processes.stop_group(worker)


def test_a_killed_worker_leaves_its_chunk_to_the_other(app, db, tmp_path, queue):
    count = 600
    victim, = _start_workers(app, tmp_path, queue, 1)
    workers = [victim]
    try:
        training, registration_ids, job_id = _start_on_redis(app, db, queue, count)
        issued = sa.select(sa.func.count()).select_from(Certificate)
        assert processes.wait_for(lambda: db.session.scalar(issued), 300), (tmp_path / "worker0.log").read_text()[-999:]
        held = _frozen_mid_job(db, queue, victim)
        at_kill = db.session.scalar(issued)
        assert at_kill < count, "the job finished before the kill"
        survivor = processes.start_worker(processes.process_env(app, REDIS_URL=REDIS_URL, JOBS_QUEUE=queue, **FAST),
                                          tmp_path / "worker1.log")
        workers.append(survivor)
        processes.kill_group(victim)  # the worker, its work-horse and render processes: mid-chunk
        finished = _finished(db, job_id, 240)
        log = tmp_path / "worker1.log"
        assert finished is not None and finished.status == "done", log.read_text()[-3000:]
        assert finished.result["issued"] == count and finished.result["skipped"] == []
        db.session.expire_all()
        taken_over = db.session.get(Job, held)
        assert taken_over.status == "done" and taken_over.attempts >= 2, "the killed worker's job was not taken over"
        _assert_issued_once_in_order(app, db, training, registration_ids)
        print(f"killed the worker at {at_kill}/{count}; taken over: job {held}")
    finally:
        for worker in workers:
            processes.stop_group(worker)
