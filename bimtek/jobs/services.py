"""Queue and run background jobs.

Embedded default: a daemon thread in the app's own process runs the job, with its state in
the database (so it keeps going when the browser closes, and a restarted server resumes
unfinished jobs). With REDIS_URL set, jobs go to an RQ queue served by separate worker
processes (`flask --app bimtek run-worker`).

A job function has the signature `fn(job, progress)`; it must be idempotent per item (a
re-run after a crash skips items already done) and call `progress(done, failed, total, message)`.
"""
import threading
from datetime import timedelta

import sqlalchemy as sa

from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.jobs.models import Job, JobStatus

JOB_FUNCTIONS = {}
QUEUE_NAME = "bimtek"
STALE_AFTER = timedelta(minutes=2)
MAX_ATTEMPTS = 3


def register_job(kind, function):
    """Make `function(job, progress)` runnable under the name `kind` (wired in create_app)."""
    JOB_FUNCTIONS[kind] = function


def enqueue(kind, actor=None, training_id=None, **params):
    """Create a queued job row (flush only); call dispatch(job.id) after the commit."""
    if kind not in JOB_FUNCTIONS:
        raise KeyError(f"unknown job kind {kind}")
    job = Job(kind=kind, training_id=training_id, created_by_id=getattr(actor, "id", None), params=params)
    db.session.add(job)
    db.session.flush()
    return job


def active_job(kind, training_id):
    """The queued or running job of this kind for a training, if any."""
    return db.session.scalar(sa.select(Job).where(
        Job.kind == kind, Job.training_id == training_id,
        Job.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value])).order_by(Job.id.desc()))


def latest_job(kind, training_id):
    """The newest job of this kind for a training."""
    return db.session.scalar(sa.select(Job).where(Job.kind == kind, Job.training_id == training_id)
                             .order_by(Job.id.desc()).limit(1))


def dispatch(app, job_id):
    """Start the job: on the RQ queue when REDIS_URL is set, else in a background thread."""
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        _rq_queue(redis_url).enqueue("bimtek.jobs.worker.run_job", job_id, job_timeout=3600)
        return
    if app.config.get("JOBS_SYNCHRONOUS"):
        run_job(job_id)
        return
    thread = threading.Thread(target=_run_in_app, args=(app, job_id), name=f"bimtek-job-{job_id}", daemon=True)
    thread.start()


def _run_in_app(app, job_id):
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def _rq_queue(redis_url):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))


def run_job(job_id):
    """Run one job to completion inside an app context; failures are recorded, never raised."""
    job = _claim(job_id)
    if job is None:
        return
    function = JOB_FUNCTIONS[job.kind]

    def progress(done, failed, total, message=""):
        job.done, job.failed, job.total, job.message = done, failed, total, message
        job.heartbeat_at = now_utc()
        db.session.commit()

    try:
        job.result = function(job, progress) or {}
        job.status, job.finished_at = JobStatus.DONE.value, now_utc()
        db.session.commit()
    except Exception as error:  # noqa: BLE001 — a job must record any failure, not crash the worker
        db.session.rollback()
        _mark_failed(job_id, error)


def _claim(job_id):
    """Move a queued (or stale running) job to running; None if someone else has it."""
    job = db.session.get(Job, job_id)
    if job is None or job.is_finished:
        return None
    if job.status == JobStatus.RUNNING.value and not _is_stale(job):
        return None
    job.status, job.attempts = JobStatus.RUNNING.value, job.attempts + 1
    job.started_at = job.started_at or now_utc()
    job.heartbeat_at = now_utc()
    db.session.commit()
    return job


def _is_stale(job):
    return job.heartbeat_at is None or now_utc() - job.heartbeat_at > STALE_AFTER


def _mark_failed(job_id, error):
    job = db.session.get(Job, job_id)
    job.status, job.finished_at = JobStatus.FAILED.value, now_utc()
    job.message = f"Pekerjaan gagal: {error}"
    db.session.commit()


def resume_unfinished(app):
    """Restart queued/stale jobs (after a server restart); returns how many were dispatched."""
    jobs = db.session.scalars(sa.select(Job).where(
        Job.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]))).all()
    resumable = [j for j in jobs if j.status == JobStatus.QUEUED.value or _is_stale(j)]
    for job in resumable:
        if job.attempts >= MAX_ATTEMPTS:
            _mark_failed(job.id, "terlalu banyak percobaan ulang")
            continue
        dispatch(app, job.id)
    return len(resumable)
