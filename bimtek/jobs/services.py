"""Queue and run background jobs.

Embedded default: a daemon thread in the app's own process runs the job, with its state in
the database (so it keeps going when the browser closes). With REDIS_URL set, jobs go to an RQ
queue served by separate worker processes (`flask --app bimtek run-worker`).

A running job holds a claim: its `attempts` number is the claim token and it refreshes
`heartbeat_at` while it works. A job whose heartbeat is older than JOBS_STALE_SECONDS is dead;
the watchdog of any process takes it over with a conditional UPDATE (only one taker wins), and
the old run, should it wake up, finds its token gone and stops (JobLost).

A job function has the signature `fn(job, progress)`; it must be idempotent per item (a
re-run after a crash skips items already done) and call `progress(done, failed, total, message)`.
`progress.hold()` checks the claim inside the caller's transaction (for work that must commit
only while the job is still ours).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app
from redis import Redis
from rq import Queue
from sqlalchemy.orm import aliased

from bimtek.core import forking
from bimtek.core.database import dialect_insert
from bimtek.core.errors import DomainError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.jobs.models import ACTIVE_STATUSES, Job, JobStatus

if TYPE_CHECKING:
    from flask import Flask

    from bimtek.accounts.models import User

log = logging.getLogger(__name__)
JOB_FUNCTIONS = {}
RESUMED = Message(N_("Dilanjutkan setelah gagal."))
QUEUE_NAME = "bimtek"
MAX_ATTEMPTS = 5


_process = {"label": None}  # set by `run-worker`; forked work-horses inherit it


def set_process_label(label: str | None) -> None:
    _process["label"] = label


def process_label() -> str:
    """Which process does this work: the RQ worker's label, else "pid <n>" (recorded in chunk results)."""
    return _process["label"] or f"pid {os.getpid()}"


class JobLost(Exception):
    """Another process took this job over (our heartbeat went stale); this run stops quietly."""


class JobFailure(Exception):
    """Raised by a job function with a complete Indonesian sentence for the job's page (recorded as it is)."""


def register_job(kind: str, function: Callable[[Job, Progress], dict[str, Any] | None]) -> None:
    """Make `function(job, progress)` runnable under the name `kind` (wired in create_app)."""
    JOB_FUNCTIONS[kind] = function


def enqueue(kind: str, actor: User | None = None, training_id: int | None = None, **params: Any) -> Job:
    """Create a queued job row (flush only); call dispatch(job.id) after the commit."""
    if kind not in JOB_FUNCTIONS:
        raise KeyError(f"unknown job kind {kind}")
    job = Job(kind=kind, training_id=training_id, created_by_id=getattr(actor, "id", None), params=params,
              heartbeat_at=now_utc())
    db.session.add(job)
    db.session.flush()
    return job


def enqueue_exclusive(kind: str, actor: User | None = None, training_id: int | None = None,
                      **params: Any) -> Job | None:
    """Create the one active job of `kind` for a training; None when one is already queued or running.

    INSERT … ON CONFLICT DO NOTHING on the partial unique index: of two simultaneous starts exactly
    one inserts, the other gets None without an error that would spoil its transaction.
    """
    if kind not in JOB_FUNCTIONS:
        raise KeyError(f"unknown job kind {kind}")
    insert = dialect_insert(db.session)
    active = Job.status.in_(ACTIVE_STATUSES)
    statement = (insert(Job).values(kind=kind, training_id=training_id, created_by_id=getattr(actor, "id", None),
                                    params=params, heartbeat_at=now_utc())
                 .on_conflict_do_nothing(index_elements=["kind", "training_id"], index_where=active)
                 .returning(Job.id))
    job_id = db.session.execute(statement).scalar()
    return db.session.get(Job, job_id) if job_id else None


def active_job(kind: str, training_id: int | None) -> Job | None:
    """The queued or running job of this kind for a training, if any."""
    return db.session.scalar(sa.select(Job).where(
        Job.kind == kind, Job.training_id == training_id,
        Job.status.in_(ACTIVE_STATUSES)).order_by(Job.id.desc()))


def latest_job(kind: str, training_id: int | None) -> Job | None:
    """The newest job of this kind for a training."""
    return db.session.scalar(sa.select(Job).where(Job.kind == kind, Job.training_id == training_id)
                             .order_by(Job.id.desc()).limit(1))


def stale_after(app: Flask) -> timedelta:
    return timedelta(seconds=float(app.config.get("JOBS_STALE_SECONDS", 60)))


def queue_name(app: Flask) -> str:
    return app.config.get("JOBS_QUEUE") or QUEUE_NAME


def dispatch(app: Flask, job_id: int) -> None:
    """Start the job: on the RQ queue when REDIS_URL is set, else in a background thread."""
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        _rq_queue(redis_url, queue_name(app)).enqueue("bimtek.jobs.worker.run_job", job_id, job_timeout=3600)
        return
    if app.config.get("JOBS_SYNCHRONOUS"):
        run_job(job_id, app)
        return
    thread = threading.Thread(target=_run_in_app, args=(app, job_id), name=f"bimtek-job-{job_id}", daemon=True)
    thread.start()


def _run_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run_job(job_id, app)
        finally:
            db.session.remove()


def _rq_queue(redis_url: str, name: str = QUEUE_NAME) -> Queue:
    return Queue(name, connection=Redis.from_url(redis_url))


class Progress:
    """The `progress` callable handed to a job function: records progress and renews the claim.

    `companion`: the Progress of a parent job working on this child in the same process; every renewal of the
    child's claim renews the parent's heartbeat too (so the parent does not look dead while it works).
    """

    def __init__(self, job_id: int, token: int, companion: Progress | None = None) -> None:
        self.job_id, self.token, self.companion = job_id, token, companion

    def touch(self) -> None:
        """Renew only the heartbeat, if the job is still ours (no error when it is not; no commit)."""
        db.session.execute(self._owned().values(heartbeat_at=now_utc()).execution_options(synchronize_session=False))

    def _owned(self) -> sa.Update:
        return sa.update(Job).where(Job.id == self.job_id, Job.attempts == self.token,
                                    Job.status == JobStatus.RUNNING.value)

    def hold(self, **values: Any) -> None:
        """Renew the heartbeat in the current transaction (no commit); JobLost if the job is no longer ours."""
        result = db.session.execute(self._owned().values(heartbeat_at=now_utc(), **values)
                                    .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            db.session.rollback()
            raise JobLost(self.job_id)
        if self.companion is not None:
            self.companion.touch()

    def __call__(self, done: int, failed: int, total: int, message: str = "") -> None:
        self.hold(done=done, failed=failed, total=total, **message_values(message))
        db.session.commit()

    def finish(self, result: dict[str, Any]) -> None:
        self.hold(status=JobStatus.DONE.value, finished_at=now_utc(), result=result)
        db.session.commit()


@contextmanager
def keep_alive(progress: Progress, app: Flask) -> Iterator[None]:
    """Renew the claim from a helper thread (own session) while the caller takes one long step that cannot report
    progress itself (e.g. one big render); stops renewing as soon as the job is no longer ours."""
    stop = threading.Event()
    interval = max(0.5, stale_after(app).total_seconds() / 4)

    def beat() -> None:
        with app.app_context():
            try:
                while not stop.wait(interval):
                    with forking.quiet_for_fork():
                        touched = db.session.execute(progress._owned().values(heartbeat_at=now_utc())
                                                     .execution_options(synchronize_session=False)).rowcount
                        db.session.commit()
                    if touched != 1:
                        return
            finally:
                db.session.remove()

    thread = threading.Thread(target=beat, name=f"bimtek-job-{progress.job_id}-alive", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run_job(job_id: int, app: Flask | None = None, companion: Progress | None = None) -> None:
    """Run one job to completion inside an app context; failures are recorded, never raised."""
    app = app or current_app._get_current_object()
    token = claim(job_id, stale_after(app))
    if token is None:
        return
    progress = Progress(job_id, token, companion)
    job = db.session.get(Job, job_id)
    try:
        result = JOB_FUNCTIONS[job.kind](job, progress) or {}
        progress.finish(result)
    except JobLost:
        db.session.rollback()
    except Exception as error:  # noqa: BLE001 — a job must record any failure, not crash the worker
        db.session.rollback()
        _mark_failed(job_id, error, token)


def claim(job_id: int, stale: timedelta) -> int | None:
    """Atomically take a queued or stale running job; return the claim token, or None if not ours to run."""
    db.session.rollback()  # a fresh transaction: read what other processes committed
    cutoff = now_utc() - stale
    takeable = sa.or_(Job.status == JobStatus.QUEUED.value,
                      sa.and_(Job.status == JobStatus.RUNNING.value,
                              sa.or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff)))
    now = now_utc()
    result = db.session.execute(
        sa.update(Job).where(Job.id == job_id, takeable, Job.attempts < MAX_ATTEMPTS)
        .values(status=JobStatus.RUNNING.value, attempts=Job.attempts + 1, heartbeat_at=now,
                started_at=sa.func.coalesce(Job.started_at, now))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        _fail_if_exhausted(job_id, takeable)
        return None
    token = db.session.scalar(sa.select(Job.attempts).where(Job.id == job_id))
    db.session.commit()
    db.session.expire_all()
    return token


def _fail_if_exhausted(job_id: int, takeable: sa.ColumnElement[bool]) -> bool:
    """A takeable job that already used every attempt is marked failed (so it blocks nothing)."""
    result = db.session.execute(
        sa.update(Job).where(Job.id == job_id, takeable, Job.attempts >= MAX_ATTEMPTS)
        .values(status=JobStatus.FAILED.value, finished_at=now_utc(),
                **message_values(Message(N_("Pekerjaan gagal: terlalu banyak percobaan ulang setelah proses "
                                            "terhenti."))))
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def message_values(message: str) -> dict[str, Any]:
    """The job's `message` and `message_data` columns for a Message (translatable where shown) or plain text."""
    data = message.to_data() if isinstance(message, Message) else None
    return {"message": str(message), "message_data": data}


def _mark_failed(job_id: int, error: BaseException, token: int) -> None:
    if isinstance(error, JobFailure) and error.args:
        message = error.args[0]
    elif isinstance(error, DomainError):  # an expected failure, worded for the user by the job
        message = Message(N_("Pekerjaan gagal: %(why)s"), why=error.message)
    else:  # its own text may name server paths or settings: the page names its kind, the log keeps the rest
        log.error("job %s failed", job_id, exc_info=error)
        message = Message(N_("Pekerjaan gagal karena kesalahan yang tidak terduga (%(kind)s). Coba lagi; bila "
                             "terulang, hubungi admin."), kind=type(error).__name__)
    db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.attempts == token, Job.status == JobStatus.RUNNING.value)
        .values(status=JobStatus.FAILED.value, finished_at=now_utc(), **message_values(message))
        .execution_options(synchronize_session=False))
    db.session.commit()


def is_stale(job: Job, stale: timedelta) -> bool:
    return job.heartbeat_at is None or now_utc() - job.heartbeat_at > stale


def requeue_if_stale(job_id: int, stale: timedelta) -> bool:
    """Put a job whose worker died back to 'queued' with a fresh heartbeat (flush only); True if we did.

    Conditional on the heartbeat still being stale, so of several watchdogs only one re-dispatches it.
    """
    cutoff = now_utc() - stale
    result = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.status.in_(ACTIVE_STATUSES),
                             sa.or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff))
        .values(status=JobStatus.QUEUED.value, heartbeat_at=now_utc())
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def retry_failed(job_id: int) -> bool:
    """Put a failed job back to 'queued' with fresh attempts (flush only); False when another job of its kind is
    active for the training or someone else retried it first (conditional UPDATE, the unique index holds)."""
    other = aliased(Job)
    busy = sa.exists().where(other.kind == Job.kind, other.training_id == Job.training_id,
                             other.status.in_(ACTIVE_STATUSES))
    result = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.status == JobStatus.FAILED.value, ~busy)
        .values(status=JobStatus.QUEUED.value, attempts=0, heartbeat_at=now_utc(), finished_at=None,
                **message_values(RESUMED))
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def resume_unfinished(app: Flask) -> int:
    """Re-dispatch every queued or running job whose heartbeat is stale; returns how many were dispatched."""
    stale = stale_after(app)
    cutoff = now_utc() - stale
    ids = db.session.scalars(sa.select(Job.id).where(
        Job.status.in_(ACTIVE_STATUSES), sa.or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < cutoff))
        .order_by(Job.id)).all()
    resumed = 0
    for job_id in ids:
        if not requeue_if_stale(job_id, stale):
            db.session.rollback()
            continue
        db.session.commit()
        dispatch(app, job_id)
        resumed += 1
    return resumed


# --- child jobs: one job split into parts that any number of worker processes take in parallel -------------

def enqueue_children(parent: Job, kind: str, params_list: Iterable[dict[str, Any]]) -> list[int]:
    """Queued child jobs of `parent`, one per params dict (flush only); returns their ids in order.

    Children have no training_id, so the one-active-job-per-training index does not count them; each is
    claimed, heartbeaten, taken over after a crash and retried exactly like any job (its params name the parent).
    """
    if kind not in JOB_FUNCTIONS:
        raise KeyError(f"unknown job kind {kind}")
    now = now_utc()
    children = [Job(kind=kind, created_by_id=parent.created_by_id, params={"parent": parent.id, **params},
                    heartbeat_at=now) for params in params_list]
    db.session.add_all(children)
    db.session.flush()
    return [child.id for child in children]


def reopen_children(child_ids: Sequence[int]) -> Sequence[int]:
    """Put failed children back to 'queued' with fresh attempts (flush only); returns the unfinished ids."""
    db.session.execute(
        sa.update(Job).where(Job.id.in_(child_ids), Job.status == JobStatus.FAILED.value)
        .values(status=JobStatus.QUEUED.value, attempts=0, heartbeat_at=now_utc(), finished_at=None,
                **message_values(RESUMED)).execution_options(synchronize_session=False))
    return db.session.scalars(sa.select(Job.id).where(Job.id.in_(child_ids), Job.status.in_(ACTIVE_STATUSES))
                              .order_by(Job.id)).all()


def work_on_children(app: Flask, progress: Progress, child_ids: Sequence[int],
                     report: Callable[[], tuple[int, int, int, str]], pause: float = 0.5) -> Sequence[sa.Row[Any]]:
    """Take part in a job's children until every one has finished; returns their rows (id, status, result, message).

    This process runs each child that is queued or whose worker died (one running elsewhere is left alone:
    claims are conditional UPDATEs), keeps the parent's claim and its queued children's heartbeats fresh (a
    child waiting in the queue is not dead while its parent lives) and records report() — (done, failed, total,
    message) over all children — as the parent's progress, so the whole job is still one progress bar.
    """
    waiting = list(child_ids)
    while True:
        for child_id in waiting:
            run_job(child_id, app, companion=progress)
            progress(*report())
        rows = db.session.execute(sa.select(Job.id, Job.status, Job.result, Job.message, Job.message_data)
                                  .where(Job.id.in_(child_ids)).order_by(Job.id)).all()
        waiting = [row.id for row in rows if row.status in ACTIVE_STATUSES]
        if not waiting:
            return rows
        db.session.execute(sa.update(Job).where(Job.id.in_(waiting), Job.status == JobStatus.QUEUED.value)
                           .values(heartbeat_at=now_utc()).execution_options(synchronize_session=False))
        progress(*report())  # commits; JobLost when another process has taken the parent over
        time.sleep(pause)
