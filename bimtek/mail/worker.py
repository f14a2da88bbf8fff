"""One mail sender process beside the gunicorn workers, instead of a sender thread in every worker.

With gunicorn.conf.py (preload_app) the master forks this process once the app is loaded, before the
workers (bimtek.prefork.before_fork). A worker that commits mail writes one byte to a pipe; the process wakes,
delivers what is due (services.deliver_due: batches of claimed messages) and otherwise looks every
POLL_SECONDS for retries. The request threads then no longer share their interpreter (GIL) and their
worker's CPU with delivery, and four senders no longer race for the same rows.

Nothing to set up: without gunicorn's preload (`flask run`, CLI commands, tests) and in a worker whose
sender process has gone (the pipe reports it: BrokenPipeError), services.wake_sender falls back to the
sender thread of that process, as before. The process ends when the master and every worker have closed the
pipe (gunicorn stopped) or when its parent changes. Messages it had claimed but not sent are retried after
services.LEASE; nothing is lost or sent twice by its death.
"""
from __future__ import annotations

import logging
import os
import select
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

from bimtek.extensions import db

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)
_KEY = "bimtek.mail_process"  # app.extensions: (pid, write end of the wake-up pipe)
_INHERITED_SIGNALS = ("SIGHUP", "SIGQUIT", "SIGINT", "SIGTERM", "SIGCHLD", "SIGUSR1", "SIGUSR2", "SIGWINCH",
                      "SIGTTIN", "SIGTTOU")


def start(app: Flask, deliver: Callable[[], bool], poll_seconds: float) -> int | None:
    """Fork the sender process (call in the gunicorn master, with no threads and no open database
    connections). `deliver()` sends a batch of due messages and says whether more are due. Returns the
    process's pid, or None when background delivery is off for this app."""
    background = app.config.get("MAIL_BACKGROUND")
    if not (background if background is not None else not app.testing):
        return None
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the sender process
        os.close(write_end)
        code = 0
        try:
            for name in _INHERITED_SIGNALS:  # the master's handlers are gunicorn's, not ours
                signal.signal(getattr(signal, name), signal.SIG_DFL)
            _serve(app, read_end, parent, deliver, poll_seconds)
        except BaseException:  # noqa: BLE001 - log and leave; the workers fall back to their own threads
            log.exception("mail sender process stopped")
            code = 1
        finally:
            os._exit(code)
    os.close(read_end)
    os.set_blocking(write_end, False)
    app.extensions[_KEY] = (pid, write_end)
    return pid


def wake(app: Flask) -> bool:
    """Wake the sender process; False when this app has none (or it is gone: the caller uses its thread)."""
    entry = app.extensions.get(_KEY)
    if entry is None:
        return False
    try:
        os.write(entry[1], b"\0")
    except BlockingIOError:  # the pipe is full: the process has plenty of wake-ups waiting already
        pass
    except OSError:  # BrokenPipeError: the process has ended
        app.extensions.pop(_KEY, None)
        log.warning("mail sender process %s has ended; this worker delivers mail itself", entry[0])
        return False
    return True


def running(app: Flask) -> bool:
    """True while this app's mail goes to a sender process (as far as this process knows)."""
    return _KEY in app.extensions


def _serve(app: Flask, read_end: int, parent: int, deliver: Callable[[], bool], poll_seconds: float) -> None:
    with app.app_context():
        db.engine.dispose(close=False)  # never the master's connections
    while os.getppid() == parent:
        ready, _, _ = select.select([read_end], [], [], poll_seconds)
        if ready and not os.read(read_end, 65536):
            return  # every writer has closed the pipe: gunicorn has stopped
        with app.app_context():
            try:
                while deliver():
                    pass  # more are due (a bulk job's mail): go on at once
            except Exception:  # noqa: BLE001 - the sender must survive a database hiccup
                log.exception("mail sender process: delivery failed")
                db.session.rollback()
            finally:
                db.session.remove()
