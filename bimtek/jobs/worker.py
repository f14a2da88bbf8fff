"""RQ entry points: the worker process builds one app and runs jobs inside its context."""
from bimtek.jobs import services

_app = None


def _get_app():
    global _app
    if _app is None:
        from bimtek import create_app

        _app = create_app()
    return _app


def run_job(job_id):
    """Called by RQ in a worker process."""
    app = _get_app()
    with app.app_context():
        services.run_job(job_id)
        from bimtek.extensions import db

        db.session.remove()


def run_worker(app, burst=False):
    """Serve the bimtek queue on REDIS_URL (blocking; burst=True stops when the queue is empty)."""
    from redis import Redis
    from rq import Queue, Worker

    global _app
    _app = app
    connection = Redis.from_url(app.config["REDIS_URL"])
    worker = Worker([Queue(services.QUEUE_NAME, connection=connection)], connection=connection)
    worker.work(burst=burst, with_scheduler=False)
