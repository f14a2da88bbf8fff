"""gunicorn with `preload_app` (gunicorn.conf.py): the app is built once in the master and forked into every
worker, so a worker that `max_requests` recycles starts in milliseconds instead of importing and building
the app again (about 2 s of CPU each, every ~1,000 requests per worker: 2 ms per request).

What must not be inherited across the fork is dealt with here: the master runs no job watchdog thread
(threads do not survive a fork; each worker starts its own) and keeps no database connection (a connection
shared by two processes corrupts both). The master also forks the mail sender process
(bimtek.mail.worker) before the workers, so their commits wake it instead of a sender thread each.
What should be inherited is prepared once: every template compiled
and the start-up heap frozen out of the cyclic collector's way (gc.freeze), which also keeps the shared
pages shared (copy-on-write).
"""
import gc

from bimtek import start_job_watchdog
from bimtek.extensions import db
from bimtek.jobs import watchdog
from bimtek.mail import worker as mail_worker


def is_bimtek(app):
    """True for the app built by bimtek.create_app (gunicorn.conf.py serves other apps too, e.g. the bench's
    bare endpoint)."""
    return getattr(app, "import_name", None) == "bimtek"


def before_fork(app):
    """In the master, after the app is loaded and before the first worker is forked."""
    watchdog.stop(app)
    env = app.jinja_env
    for name in env.list_templates(filter_func=lambda name: name.endswith((".html", ".txt"))):
        env.get_template(name)  # compiled once here, cached in every worker
    with app.app_context():
        db.engine.dispose()
    gc.collect()
    gc.freeze()
    # one mail sender beside the workers instead of a thread in each
    mail_worker.start(app)


def after_fork(app):
    """In each worker, right after the fork: a fresh connection pool, and this worker's job watchdog."""
    with app.app_context():
        db.engine.dispose(close=False)  # the master's pool objects are not this process's connections
    start_job_watchdog(app)
