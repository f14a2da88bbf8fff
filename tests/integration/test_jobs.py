"""Background jobs: embedded thread runner with DB state, failure recording, resume, progress endpoint."""
import io
import logging
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bimtek.accounts.models import Duty, Role
from bimtek.core.errors import DomainError
from bimtek.core.models import now_utc
from bimtek.jobs import services, watchdog
from bimtek.jobs.models import Job
from tests.concurrency import run_at_once
from tests.factories import make_staff, make_training, make_user


def _count_to(job, progress):
    total = job.params["n"]
    for i in range(total):
        progress(i + 1, 0, total, f"item {i + 1}")
    return {"counted": total}


def _refused(job, progress):
    raise DomainError("Layanan tidak dapat dihubungi.")


def _boom(job, progress):
    progress(0, 0, 2, "mulai")
    raise RuntimeError("disk penuh")


@pytest.fixture(autouse=True)
def registered_jobs():
    services.register_job("test.count", _count_to)
    services.register_job("test.boom", _boom)
    yield
    services.JOB_FUNCTIONS.pop("test.count", None)
    services.JOB_FUNCTIONS.pop("test.boom", None)


def _wait(db, job_id, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        if job.is_finished:
            return job
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_job_runs_in_a_background_thread_and_records_progress(app, db):
    training = make_training()
    job = services.enqueue("test.count", training_id=training.id, n=5)
    db.session.commit()
    services.dispatch(app, job.id)
    job = _wait(db, job.id)
    assert (job.status, job.done, job.total, job.percent) == ("done", 5, 5, 100)
    assert job.result == {"counted": 5}


def test_failure_is_recorded_not_raised(app, db):
    training = make_training()
    job = services.enqueue("test.boom", training_id=training.id)
    db.session.commit()
    logged = io.StringIO()
    handler = logging.StreamHandler(logged)
    logging.getLogger(services.__name__).addHandler(handler)  # (whatever an earlier test did to propagation)
    try:
        services.run_job(job.id)
    finally:
        logging.getLogger(services.__name__).removeHandler(handler)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    # the error's own text may name server paths or settings: the page names its kind, the log keeps the rest
    assert job.status == "failed" and "(RuntimeError)" in job.message and "disk penuh" not in job.message
    assert "disk penuh" in logged.getvalue() and "Traceback" in logged.getvalue()


def test_a_domain_error_is_shown_as_it_is(app, db):
    """Expected, user-facing failures (DomainError) say what happened, as the job function worded it."""
    training = make_training()
    services.register_job("test.domain", _refused)
    try:
        job = services.enqueue("test.domain", training_id=training.id)
        db.session.commit()
        services.run_job(job.id)
    finally:
        services.JOB_FUNCTIONS.pop("test.domain", None)
    db.session.expire_all()
    assert db.session.get(Job, job.id).message == "Pekerjaan gagal: Layanan tidak dapat dihubungi."


def test_job_messages_are_shown_in_the_readers_language(app, db, client, login_as):
    training = make_training()
    login_as(make_staff(training, "panitia"))
    counted = services.enqueue("test.count", training_id=training.id, n=1)
    failed = services.enqueue("test.boom", training_id=training.id)
    db.session.commit()
    services.run_job(counted.id)
    services.run_job(failed.id)
    page = client.get(f"/kelola/pekerjaan/{failed.id}").get_data(as_text=True)
    assert "Pekerjaan gagal karena kesalahan yang tidak terduga (RuntimeError)" in page
    client.post("/bahasa/en", data={"next": "/"})
    page = client.get(f"/kelola/pekerjaan/{failed.id}").get_data(as_text=True)
    assert "The job failed on an unexpected error (RuntimeError)" in page and "Pekerjaan gagal" not in page
    status = client.get(f"/kelola/pekerjaan/{failed.id}.json").get_json()
    assert status["message"].startswith("The job failed on an unexpected error (RuntimeError)")
    assert client.get(f"/kelola/pekerjaan/{counted.id}.json").get_json()["message"] == "item 1"  # plain text as is


def test_finished_jobs_are_not_run_twice_and_stale_ones_resume(app, db):
    training = make_training()
    job = services.enqueue("test.count", training_id=training.id, n=2)
    db.session.commit()
    services.run_job(job.id)
    services.run_job(job.id)
    assert db.session.get(Job, job.id).attempts == 1
    queued = services.enqueue("test.count", training_id=training.id, n=1)
    db.session.commit()
    assert services.resume_unfinished(app) == 0  # freshly queued: its own dispatch will run it
    queued.heartbeat_at = now_utc() - timedelta(minutes=5)  # the process that queued it died
    db.session.commit()
    app.config["JOBS_SYNCHRONOUS"] = True
    try:
        assert services.resume_unfinished(app) == 1
    finally:
        app.config["JOBS_SYNCHRONOUS"] = False
    db.session.expire_all()
    assert db.session.get(Job, queued.id).status == "done"


def test_progress_endpoint_is_limited_to_the_trainings_staff(app, client, login_as, db):
    mine, other = make_training(), make_training()
    job = services.enqueue("test.count", training_id=mine.id, n=1)
    db.session.commit()
    login_as(make_staff(other, Duty.PENANDATANGAN))
    assert client.get(f"/kelola/pekerjaan/{job.id}.json").status_code == 403
    login_as(make_user(Role.ADMIN))
    response = client.get(f"/kelola/pekerjaan/{job.id}.json")
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[-900:])
    data = response.get_json()
    assert data["status"] == "queued" and data["status_label"] == "Menunggu giliran"
    page = client.get(f"/kelola/pekerjaan/{job.id}").get_data(as_text=True)
    assert 'data-reload-when-done' in page and "<progress" in page and 'http-equiv="refresh"' not in page


def _stall(job, progress):
    """Stands for a worker that dies mid-way: records progress, then waits until told to go on."""
    progress(1, 0, 3, "satu")
    if threading.current_thread().name == "zombie":
        job_gate.wait(20)
    progress(2, 0, 3, "dua")
    return {"finished_by": threading.current_thread().name}


job_gate = threading.Event()


def _stale(db, job_id, seconds=600):
    db.session.execute(sa.update(Job).where(Job.id == job_id)
                       .values(heartbeat_at=now_utc() - timedelta(seconds=seconds)))
    db.session.commit()


def test_only_one_of_many_simultaneous_claims_wins(app, db):
    training = make_training()
    job = services.enqueue("test.count", training_id=training.id, n=1)
    db.session.commit()
    job_id = job.id  # read here: the threads must not load the main session's expired object
    tokens, errors = run_at_once(app, db, lambda: services.claim(job_id, timedelta(seconds=60)), count=6)
    assert errors == [] and sorted(tokens, key=str) == [1] + [None] * 5


def test_a_dead_runs_job_is_taken_over_and_the_old_run_stops_quietly(app, db):
    """The zombie (old claim) wakes up after the takeover: its progress is refused, the new run's result stays."""
    services.register_job("test.stall", _stall)
    job_gate.clear()
    training = make_training()
    job = services.enqueue("test.stall", training_id=training.id)
    db.session.commit()
    zombie = threading.Thread(target=services._run_in_app, args=(app, job.id), name="zombie")
    zombie.start()
    deadline = time.time() + 10
    while db.session.get(Job, job.id).done != 1 and time.time() < deadline:
        time.sleep(0.05)
        db.session.expire_all()
    _stale(db, job.id)
    watchdog_app_sync(app)  # the taker runs through (synchronously); then the zombie wakes up
    job_gate.set()
    zombie.join(20)
    db.session.expire_all()
    done = db.session.get(Job, job.id)
    assert done.status == "done" and done.attempts == 2 and done.result == {"finished_by": "MainThread"}
    services.JOB_FUNCTIONS.pop("test.stall", None)


def watchdog_app_sync(app):
    app.config["JOBS_SYNCHRONOUS"] = True
    try:
        watchdog.scan(app)
    finally:
        app.config["JOBS_SYNCHRONOUS"] = False


def test_the_watchdog_thread_resumes_a_stale_job_without_any_request(app, db):
    training = make_training()
    job = services.enqueue("test.count", training_id=training.id, n=3)
    db.session.commit()
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(status="running", attempts=1))
    _stale(db, job.id)
    app.config.update(JOBS_WATCHDOG_SECONDS=0.2)
    try:
        watchdog.start(app)
        finished = _wait(db, job.id, timeout=20)
    finally:
        watchdog.stop(app)
        app.config.update(JOBS_WATCHDOG_SECONDS=20)
    assert finished.status == "done" and finished.attempts == 2 and finished.result == {"counted": 3}


def test_a_job_that_keeps_dying_is_failed_and_blocks_nothing(app, db):
    training = make_training()
    job = services.enqueue("test.count", training_id=training.id, n=1)
    db.session.commit()
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(status="running",
                                                                     attempts=services.MAX_ATTEMPTS))
    _stale(db, job.id)
    services.run_job(job.id)
    db.session.expire_all()
    failed = db.session.get(Job, job.id)
    assert failed.status == "failed" and "terlalu banyak percobaan" in failed.message
    assert services.enqueue_exclusive("test.count", training_id=training.id, n=1) is not None


def test_the_database_refuses_a_second_active_job_of_a_kind_for_a_training(app, db):
    training = make_training()
    first = services.enqueue_exclusive("test.count", training_id=training.id, n=1)
    assert first is not None
    assert services.enqueue_exclusive("test.count", training_id=training.id, n=1) is None
    assert services.enqueue_exclusive("test.boom", training_id=training.id) is not None  # other kind: fine
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):  # also a plain insert, whatever the code path
        services.enqueue("test.count", training_id=training.id, n=2)
    db.session.rollback()


def test_the_watchdog_starts_in_servers_but_not_in_one_off_commands():
    import click

    server = type("App", (), {"config": {"JOBS_WATCHDOG": True}})()
    assert watchdog.should_start(server)  # gunicorn / plain WSGI: no click context
    with click.Context(click.Command("run"), info_name="run"):
        assert watchdog.should_start(server)
    with click.Context(click.Command("backup"), info_name="backup"):
        assert not watchdog.should_start(server)
    server.config["JOBS_WATCHDOG"] = False
    assert not watchdog.should_start(server)
