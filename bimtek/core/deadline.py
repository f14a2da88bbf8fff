"""A soft deadline per request, so that a request that still runs too long ends with a message (WSGI, no Flask).

gunicorn's `timeout` kills a *sync* worker that has not finished its request in time (gthread workers keep
sending heartbeats from their main thread, so a stuck request thread is never stopped: finding 12.2). The
kill is abrupt: the user would see the proxy's "502". `RequestDeadline` fires first, a few seconds before the
kill: SIGALRM interrupts the request in the worker's main thread, the Flask request context is torn down
(the database transaction rolled back: views commit only at the end) and the user gets a 503 page in
Indonesian. Code that sits in one long C call does not see the signal; the hard kill remains for it.

gunicorn.conf.py installs it in every worker (`post_worker_init`).
"""

import signal
import sys
import threading
from html import escape

MESSAGE = ("Permintaan ini terlalu lama diproses (lebih dari {seconds} detik) sehingga dihentikan. "
           "Perubahan yang belum selesai tidak disimpan. Coba lagi dengan berkas yang lebih kecil atau "
           "pecah menjadi beberapa berkas; bila terus terjadi, hubungi admin.")
PAGE = ("<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Permintaan terlalu lama</title>"
        "</head><body><main><h1>Permintaan terlalu lama</h1><p>{message}</p><p><a href=\"javascript:history.back()\">"
        "Kembali</a></p></main></body></html>")


class RequestTooLong(BaseException):
    """Raised by SIGALRM inside a request; a BaseException so that `except Exception` blocks let it through."""


def soft_deadline(hard_timeout, margin=5):
    """Seconds after which a request is interrupted: `margin` seconds before gunicorn's hard timeout (at most
    10 % earlier for short timeouts), so the message is written before the arbiter kills the worker."""
    return max(hard_timeout - margin, hard_timeout * 0.9)


class RequestDeadline:
    """WSGI middleware: interrupt the wrapped app after `seconds` and answer 503 with MESSAGE."""

    def __init__(self, app, seconds):
        self.app = app
        self.seconds = seconds

    def __call__(self, environ, start_response):
        if threading.current_thread() is not threading.main_thread():
            return self.app(environ, start_response)  # signals reach only the main thread (sync workers)
        previous = signal.signal(signal.SIGALRM, _interrupt)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        try:
            # A streamed body (ZIP export) is produced after this returns: only the hard timeout covers it.
            return self.app(environ, start_response)
        except RequestTooLong:
            return self._too_long(start_response)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def _too_long(self, start_response):
        page = PAGE.format(message=escape(MESSAGE.format(seconds=int(self.seconds)))).encode("utf-8")
        start_response("503 Service Unavailable", [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(page))),
            ("Retry-After", "60"), ("Cache-Control", "no-store")], sys.exc_info())
        return [page]


def _interrupt(signum, frame):
    raise RequestTooLong()
