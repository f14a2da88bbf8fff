"""A watchdog thread per server or worker process: picks up jobs whose worker died, with no request needed.

Every JOBS_WATCHDOG_SECONDS (with jitter, so processes do not knock in step) it re-dispatches queued or
running jobs whose heartbeat is older than JOBS_STALE_SECONDS. Taking a job over is a conditional UPDATE,
so when every process of a deployment runs a watchdog, exactly one of them resumes each dead job.
"""
import logging
import os
import random
import threading

import click

from bimtek.core import forking
from bimtek.extensions import db
from bimtek.jobs.services import resume_unfinished

log = logging.getLogger(__name__)
PERIODIC = []  # fn(app) run inside an app context with every look (e.g. starting due Zoom pulls)
_started = {}
_lock = threading.Lock()


def should_start(app):
    """Start in server processes (gunicorn, `flask run`, plain WSGI), not in one-off CLI commands."""
    if not app.config.get("JOBS_WATCHDOG") or app.config.get("TESTING"):
        return False
    try:
        context = click.get_current_context(silent=True)
    except ImportError:  # pragma: no cover - click comes with Flask
        context = None
    return context is None or context.info_name == "run"


def start(app):
    """Start this process's watchdog for `app` once (a forked child starts its own); returns the thread."""
    key = (os.getpid(), id(app))
    with _lock:
        if key in _started and _started[key][0].is_alive():
            return _started[key][0]
        stopped = threading.Event()
        thread = threading.Thread(target=_loop, args=(app, stopped), name="bimtek-job-watchdog", daemon=True)
        _started[key] = (thread, stopped)
        thread.start()
        return thread


def stop(app):
    """Stop this process's watchdog for `app` (tests; servers simply exit)."""
    with _lock:
        found = _started.pop((os.getpid(), id(app)), None)
    if found:
        found[1].set()
        found[0].join(30)


def _loop(app, stopped):
    # The first look comes soon after start-up: a restarted server resumes a dead job without delay.
    stopped.wait(random.uniform(0.2, 1.0) * min(float(app.config.get("JOBS_WATCHDOG_SECONDS", 20)), 2.0))  # nosec B311
    while not stopped.is_set():
        scan(app)
        interval = float(app.config.get("JOBS_WATCHDOG_SECONDS", 20))
        stopped.wait(interval * random.uniform(0.8, 1.2))  # nosec B311  # jitter, not security


def register_periodic(function):
    """Run `function(app)` with every watchdog look (registered once from create_app)."""
    if function not in PERIODIC:
        PERIODIC.append(function)


def scan(app):
    """One look for dead jobs (and the periodic hooks); errors are logged (the next look tries again), never raised."""
    with forking.quiet_for_fork(), app.app_context():
        try:
            resumed = resume_unfinished(app)
            if resumed:
                log.warning("watchdog: %s pekerjaan yang terhenti dilanjutkan", resumed)
            for function in PERIODIC:
                function(app)
        except Exception:  # noqa: BLE001 - a database hiccup must not kill the watchdog
            db.session.rollback()
            log.exception("watchdog: pemeriksaan pekerjaan gagal")
        finally:
            db.session.remove()
