"""RQ entry points: the worker process builds one app and runs jobs inside its context."""
import os

from redis import Redis
from rq import Queue, Worker

from bimtek.extensions import db
from bimtek.jobs import services, watchdog

_app = None
_engine_pid = None


def _get_app():
    # The app is handed over by run_worker (started as `flask --app bimtek run-worker`); forked work-horses
    # inherit it. Building it here would make the jobs domain import the whole application.
    if _app is None:
        raise RuntimeError("Pekerja RQ harus dijalankan dengan `flask --app bimtek run-worker`.")
    return _app


def _fresh_connections_after_fork():
    """RQ runs each job in a forked work-horse: never reuse the parent's pooled connections."""
    global _engine_pid

    if _engine_pid not in (None, os.getpid()):
        db.engine.dispose(close=False)
    _engine_pid = os.getpid()


def run_job(job_id):
    """Called by RQ in a worker process."""
    app = _get_app()
    with app.app_context():
        _fresh_connections_after_fork()

        try:
            services.run_job(job_id, app)
        finally:
            db.session.remove()


def run_worker(app, burst=False):
    """Serve the bimtek queue on REDIS_URL (blocking; burst=True stops when the queue is empty).

    The worker process also runs the job watchdog: a job whose worker was killed is put back on the
    queue by the next worker that is alive, without a web request.
    """
    global _app, _engine_pid
    _app, _engine_pid = app, os.getpid()
    services.set_process_label(f"worker {os.getpid()}")
    connection = Redis.from_url(app.config["REDIS_URL"])
    if app.config.get("JOBS_WATCHDOG") and not burst:
        watchdog.start(app)
    worker = Worker([Queue(services.queue_name(app), connection=connection)], connection=connection)
    worker.work(burst=burst, with_scheduler=False)
