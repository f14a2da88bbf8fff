"""Background jobs: embedded thread runner with DB state, failure recording, resume, progress endpoint."""
import time

import pytest

from bimtek.accounts.models import Duty, Role
from bimtek.jobs import services
from bimtek.jobs.models import Job
from tests.factories import make_staff, make_training, make_user


def _count_to(job, progress):
    total = job.params["n"]
    for i in range(total):
        progress(i + 1, 0, total, f"item {i + 1}")
    return {"counted": total}


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
    services.run_job(job.id)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "failed" and "disk penuh" in job.message


def test_finished_jobs_are_not_run_twice_and_stale_ones_resume(app, db):
    training = make_training()
    job = services.enqueue("test.count", training_id=training.id, n=2)
    db.session.commit()
    services.run_job(job.id)
    services.run_job(job.id)
    assert db.session.get(Job, job.id).attempts == 1
    queued = services.enqueue("test.count", training_id=training.id, n=1)
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
    assert 'http-equiv="refresh"' in page and "<progress" in page
