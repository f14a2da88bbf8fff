"""Background delivery of the outbox: one sender process beside the gunicorn workers, else a sender thread per
process.

With gunicorn.conf.py (preload_app) the master forks this process once the app is loaded, before the
workers (bimtek.prefork.before_fork). A worker that commits mail writes one byte to a pipe; the process wakes,
delivers what is due (services.deliver_due: batches of claimed messages) and otherwise looks every
POLL_SECONDS for retries. The request threads then no longer share their interpreter (GIL) and their
worker's CPU with delivery, and four senders no longer race for the same rows.

Nothing to set up: without gunicorn's preload (`flask run`, CLI commands, tests) and in a worker whose
sender process has gone (the pipe reports it: BrokenPipeError), wake_sender falls back to the sender thread of
that process. The process ends when the master and every worker have closed the
pipe (gunicorn stopped) or when its parent changes. Messages it had claimed but not sent are retried after
services.LEASE; nothing is lost or sent twice by its death.
"""
from __future__ import annotations

import logging
import os
import select
import signal
import threading
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.orm import Session

from bimtek.core import forking
from bimtek.extensions import db
from bimtek.mail.services import DELIVERY_BATCH, POLL_SECONDS, SESSION_FLAG, deliver_due

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)
_KEY = "bimtek.mail_process"  # app.extensions: (pid, write end of the wake-up pipe)
_INHERITED_SIGNALS = ("SIGHUP", "SIGQUIT", "SIGINT", "SIGTERM", "SIGCHLD", "SIGUSR1", "SIGUSR2", "SIGWINCH",
                      "SIGTTIN", "SIGTTOU")


def deliver_batch() -> bool:
    """One look of a sender: deliver a batch of due messages; True when more are due (a bulk job's mail)."""
    sent, failed = deliver_due(limit=DELIVERY_BATCH)
    return sent + failed >= DELIVERY_BATCH


def start(app: Flask) -> int | None:
    """Fork the sender process (call in the gunicorn master, with no threads and no open database
    connections). Returns the process's pid, or None when background delivery is off for this app."""
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
            _serve(app, read_end, parent)
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


def _serve(app: Flask, read_end: int, parent: int) -> None:
    with app.app_context():
        db.engine.dispose(close=False)  # never the master's connections
    while os.getppid() == parent:
        ready, _, _ = select.select([read_end], [], [], POLL_SECONDS)
        if ready and not os.read(read_end, 65536):
            return  # every writer has closed the pipe: gunicorn has stopped
        with app.app_context():
            try:
                while deliver_batch():
                    pass  # more are due (a bulk job's mail): go on at once
            except Exception:  # noqa: BLE001 - the sender must survive a database hiccup
                log.exception("mail sender process: delivery failed")
                db.session.rollback()
            finally:
                db.session.remove()


# --- sender thread (when there is no sender process) ---------------------------------------------

class _Sender(threading.Thread):
    """One daemon thread per app and process: wakes after commits that queued mail, polls for retries."""

    def __init__(self, app: Flask) -> None:
        super().__init__(name="bimtek-mail", daemon=True)
        self.app, self.wake = app, threading.Event()

    def run(self) -> None:
        while True:
            self.wake.wait(POLL_SECONDS)
            self.wake.clear()
            with forking.quiet_for_fork(), self.app.app_context():
                try:
                    if deliver_batch():  # more are due: go on at once
                        self.wake.set()
                except Exception:  # noqa: BLE001 - the sender must survive a database hiccup
                    log.exception("mail sender loop failed")
                    db.session.rollback()
                finally:
                    db.session.remove()


_senders = {}
_senders_lock = threading.Lock()


def wake_sender(app: Flask) -> None:
    """Wake the sender process (gunicorn, see above) or start (once) and wake this process's sender
    thread, unless MAIL_BACKGROUND is off."""
    background = app.config.get("MAIL_BACKGROUND")
    if not (background if background is not None else not app.testing) or wake(app):
        return
    with _senders_lock:
        sender = _senders.get(id(app))
        if sender is None or not sender.is_alive():
            sender = _senders[id(app)] = _Sender(app)
            sender.start()
    sender.wake.set()


def _after_commit(session: Session) -> None:
    app = session.info.pop(SESSION_FLAG, None)
    if app is not None:
        wake_sender(app)


def _after_rollback(session: Session) -> None:
    session.info.pop(SESSION_FLAG, None)


def init_app(app: Flask) -> None:
    """Hook the sender into commits (once per process; listeners are global on Session).

    The first request of a process also starts the sender, so mail queued by CLI commands or
    left pending by a previous process is delivered without waiting for a new commit.
    """
    @app.before_request
    def _ensure_sender() -> None:
        sender = _senders.get(id(app))
        if (sender is None or not sender.is_alive()) and not running(app):
            wake_sender(app)

    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
