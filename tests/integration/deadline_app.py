"""A tiny Flask app for the request-deadline test, served by real gunicorn with the repo's gunicorn.conf.py."""

import signal
import time

from flask import Flask

app = Flask(__name__)
torn_down = []


@app.teardown_request
def _teardown(error):
    torn_down.append(type(error).__name__ if error else None)  # the request context is closed even then


@app.route("/ok")
def ok():
    return "ok"


@app.route("/lambat")
def slow():
    """Python code that never ends: the soft deadline interrupts it."""
    while True:
        sum(range(1000))


@app.route("/macet")
def stuck():
    """Deaf to SIGALRM (as a long C call is): only gunicorn's hard timeout stops it."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(600)
    return "never"
