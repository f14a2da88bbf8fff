"""Background pulls of Zoom reports: the `zoom_pull` job and the periodic look for sessions that are due.

Every watchdog look (server or RQ worker process) starts one `zoom_pull` job per training with sessions whose
end + ZOOM_PULL_DELAY_MINUTES has passed (Zoom finalises reports late); the job pulls them one by one and
commits after each, so a crash loses at most one session's pull (and pulling again is idempotent).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import current_app

from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.jobs import services as jobs, watchdog
from bimtek.trainings.models import TrainingSession
from bimtek.zoom.services import due_sessions, pull_session

if TYPE_CHECKING:
    from flask import Flask

    from bimtek.accounts.models import User
    from bimtek.jobs.models import Job
    from bimtek.jobs.services import Progress

JOB_KIND = "zoom_pull"


def register_jobs() -> None:
    jobs.register_job(JOB_KIND, run_pull_job)
    watchdog.register_periodic(start_due_pulls)


def run_pull_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Pull each session of `job.params["session_ids"]`; the result lists each session's outcome."""
    session_ids = list(job.params.get("session_ids") or [])
    outcome = {}
    for done, session_id in enumerate(session_ids):
        session = db.session.get(TrainingSession, session_id)
        if session is None:
            continue
        link = pull_session(None, session, current_app.config)
        outcome[str(session_id)] = {"status": link.status, "message": link.message}
        progress(done + 1, 0, len(session_ids), link.message)  # commits this session's pull
    return {"sessions": outcome}


def start_pull(app: Flask, actor: User | None, training_id: int, session_ids: Iterable[int]) -> Job | None:
    """Queue and dispatch a pull job for these sessions; None when one is already running for the training."""
    job = jobs.enqueue_exclusive(JOB_KIND, actor, training_id=training_id, session_ids=list(session_ids))
    if job is None:
        db.session.rollback()
        return None
    db.session.commit()
    jobs.dispatch(app, job.id)
    return job


def start_due_pulls(app: Flask, now: datetime | None = None) -> list[Job]:
    """One job per training with due sessions; returns the jobs started."""
    by_training = {}
    for session in due_sessions(now or now_utc(), int(app.config.get("ZOOM_PULL_DELAY_MINUTES", 30))):
        by_training.setdefault(session.training_id, []).append(session.id)
    db.session.rollback()
    started = []
    for training_id, session_ids in sorted(by_training.items()):
        job = start_pull(app, None, training_id, session_ids)
        if job is not None:
            started.append(job)
    return started
