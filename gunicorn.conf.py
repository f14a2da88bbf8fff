"""Production gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app` (behind a buffering proxy, e.g. nginx).

Sync workers, because gunicorn's `timeout` really stops them: a sync worker that has not finished its request
within `timeout` seconds is killed and replaced. A gthread worker keeps sending heartbeats from its main thread
while a request thread is stuck, so `--timeout` never fires for it (issue 12: a roster import ran for 300 s and
4 GB under `--timeout 120`). A few seconds before the kill, bimtek.core.deadline interrupts the request and the
user gets a 503 page in Indonesian instead of a broken connection.

Slow clients would hold a sync worker: the proxy in front buffers requests and responses (nginx does by
default). Override any setting on the command line, e.g. `--workers 8 --timeout 90`.

The app is loaded once in the master and forked into the workers (`preload_app`, see bimtek/prefork.py): a
worker recycled by `max_requests` is ready at once instead of importing and building the app again.

Settings are checked once in the master (on_starting), so a missing SECRET_KEY stops gunicorn with one Indonesian
line and exit status 1 instead of workers failing (and being restarted) with tracebacks.
"""
import sys

bind = "127.0.0.1:8000"
workers = 4                 # ~ 2 x cores; each worker holds at most one request (uploads are parsed in it)
worker_class = "sync"       # the only worker type that gunicorn's timeout kills mid-request
timeout = 60                # hard limit per request (seconds): the arbiter kills the worker
graceful_timeout = 30       # on restart/reload, requests in flight get this long to finish
keepalive = 2
max_requests = 1000         # recycle workers now and then: memory a big parse fragmented goes back to the OS
max_requests_jitter = 100   # ... not all at the same moment
preload_app = True          # build the app once in the master; workers (and recycled workers) fork from it
limit_request_line = 8190
limit_request_fields = 100
# Access logs: the proxy in front keeps them (add `--access-logfile -` to log here too).


def when_ready(server):
    """Master, app loaded, before the first fork: nothing to inherit that must not be (bimtek.prefork)."""
    app = server.app.wsgi() if server.cfg.preload_app else None
    from bimtek import prefork

    if app is not None and prefork.is_bimtek(app):
        prefork.before_fork(app)


def post_fork(server, worker):
    """Worker, right after the fork: its own connection pool and job watchdog (bimtek.prefork)."""
    app = server.app.wsgi() if server.cfg.preload_app else None
    from bimtek import prefork

    if app is not None and prefork.is_bimtek(app):
        prefork.after_fork(app)


def post_worker_init(worker):
    """Interrupt a request shortly before the hard timeout, with a message (see bimtek.core.deadline)."""
    from bimtek.core.deadline import RequestDeadline, soft_deadline

    worker.wsgi = RequestDeadline(worker.wsgi, soft_deadline(worker.cfg.timeout))


def worker_abort(worker):
    """The arbiter is killing this worker (hard timeout, SIGABRT): the request in flight still gets the
    Indonesian 503 page from bimtek.core.deadline before the worker exits. A worker stuck in one long C call
    runs no signal handler; the arbiter's SIGKILL follows and the proxy answers for it."""
    from bimtek.core.deadline import RequestTooLong

    raise RequestTooLong()


def on_starting(server):
    from bimtek import config

    try:
        config.validate_config(vars_of(config.default_config()))
    except config.ConfigError as error:
        error.show()
        sys.exit(error.exit_code)


def vars_of(config_class):
    """The upper-case settings of a config class as a mapping."""
    return {name: getattr(config_class, name) for name in dir(config_class) if name.isupper()}
