"""A report job whose RQ work-horse is killed (kill -9) while it lays out the PDF is resumed by the worker's
watchdog, with no request, and stores exactly one file (real processes, Redis DB 14 on a queue of its own)."""
import os
import signal
import uuid

import pytest
import sqlalchemy as sa

from bimtek.core.storage import app_storage
from bimtek.jobs import services as jobs
from bimtek.jobs.models import Job
from bimtek.reports import tasks
from bimtek.reports.models import ReportFile
from tests.factories import make_staff, make_training
from tests.integration import processes

FAST = {"JOBS_STALE_SECONDS": 4, "JOBS_WATCHDOG_SECONDS": 1}
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
RECOVERY_LIMIT = 120  # seconds, as for every job ("within two minutes")
PEOPLE = 150  # × 6 sessions = 900 daftar hadir rows: seconds of PDF layout, time enough to kill it mid-way


def _redis_available():
    try:
        from redis import Redis  # only where Redis is used

        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means: no Redis here
        return False


def _kill_work_horse(worker):
    """kill -9 the process RQ forked to run the job (the worker itself lives on)."""
    horses = processes._children().get(worker.pid, [])
    assert horses, "no work-horse running"
    for pid in horses:
        for victim in [pid] + processes._descendants(pid):
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.mark.skipif(not _redis_available(), reason="Redis at 127.0.0.1:6379 is not available")
def test_a_killed_report_job_is_resumed_by_the_watchdog(app, db, tmp_path):
    queue = f"bimtek-report-faults-{uuid.uuid4().hex[:8]}"
    training = make_training(materi_jp=(3,))
    processes.make_registrations(training, PEOPLE)
    app.config.update(REDIS_URL=REDIS_URL, JOBS_QUEUE=queue)
    try:
        job = tasks.start_build(make_staff(training, "panitia"), training, "pdf")
        db.session.commit()
        jobs.dispatch(app, job.id)
    finally:
        app.config.update(REDIS_URL=None, JOBS_QUEUE="bimtek")
    env = processes.process_env(app, REDIS_URL=REDIS_URL, JOBS_QUEUE=queue, **FAST)
    worker = processes.start_worker(env, tmp_path / "worker.log")
    try:
        laying_out = processes.wait_for(lambda: db.session.scalar(sa.select(Job).where(
            Job.id == job.id, Job.message == "Menyusun berkas PDF…")), 120)
        assert laying_out, (tmp_path / "worker.log").read_text()[-3000:]
        _kill_work_horse(worker)
        finished = processes.wait_for(lambda: db.session.scalar(sa.select(Job).where(
            Job.id == job.id, Job.status.in_(["done", "failed"]))), RECOVERY_LIMIT)
        assert finished is not None, (tmp_path / "worker.log").read_text()[-3000:]
        assert finished.status == "done" and finished.attempts >= 2, finished.message
        rows = db.session.scalars(sa.select(ReportFile).where(ReportFile.training_id == training.id)).all()
        assert len(rows) == 1 and rows[0].job_id == job.id
        assert app_storage().get(rows[0].sha256).startswith(b"%PDF")
    finally:
        processes.stop_group(worker)
        from redis import Redis  # only where Redis is available
        from rq import Queue

        Queue(queue, connection=Redis.from_url(REDIS_URL)).delete(delete_jobs=True)
