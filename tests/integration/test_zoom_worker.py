"""The zoom_pull job in scale-out mode: queued on Redis (DB 14), run by a real `flask run-worker` process that
decrypts the stored secret with the shared BIMTEK_ENCRYPTION_KEY and pulls from the stand-in Zoom."""
import time
import uuid

import pytest

from bimtek.jobs.models import Job
from bimtek.zoom import tasks
from bimtek.zoom.models import PULL_DONE, ZoomSessionLink
from tests.integration import processes
from tests.integration.test_jobs_faults import REDIS_URL, _redis_available
from tests.integration.test_zoom_app import connect, records, setup, zoom_server  # noqa: F401 (fixtures)

KEY = "shared-encryption-key-for-web-and-workers"


@pytest.mark.skipif(not _redis_available(), reason="Redis at 127.0.0.1:6379 is not available")
def test_rq_worker_pulls_the_report(app, client, db, setup, zoom_server, monkeypatch, tmp_path):  # noqa: F811
    training, regs, _ = setup
    session = training.sessions[0]
    monkeypatch.setitem(app.config, "BIMTEK_ENCRYPTION_KEY", KEY)
    monkeypatch.setitem(app.config, "JOBS_SYNCHRONOUS", False)
    connect(client, training, zoom_server)
    queue = f"bimtek-zoom-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", queue)
    job = tasks.start_pull(app, None, training.id, [session.id])
    env = processes.process_env(app, REDIS_URL=REDIS_URL, JOBS_QUEUE=queue, BIMTEK_ENCRYPTION_KEY=KEY,
                                ZOOM_API_URL=zoom_server.api_url, ZOOM_OAUTH_URL=zoom_server.oauth_url)
    worker = processes.start_worker(env, tmp_path / "worker.log")
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            db.session.expire_all()
            if db.session.get(Job, job.id).is_finished:
                break
            time.sleep(0.5)
        finished = db.session.get(Job, job.id)
        assert finished.status == "done", (finished.message, (tmp_path / "worker.log").read_text()[-2000:])
        link = db.session.get(ZoomSessionLink, session.id)
        assert link.status == PULL_DONE and "2 pertemuan" in link.message
        assert records(db, session)[regs[0].id][0] == (90 + 25 + 108) * 60
        assert zoom_server.zoom.client_secret not in (tmp_path / "worker.log").read_text()
    finally:
        processes.stop_group(worker)
        from redis import Redis
        from rq import Queue

        Queue(queue, connection=Redis.from_url(REDIS_URL)).delete(delete_jobs=True)
