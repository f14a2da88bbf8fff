"""The soft request deadline (bimtek.core.deadline) without gunicorn: SIGALRM interrupts the app in the main
thread and the client gets the Indonesian 503 page; quick requests pass untouched and leave no timer behind."""

import signal
import threading

from bimtek.core.deadline import RequestDeadline, RequestTooLong, soft_deadline


def _call(app, seconds=0.2):
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(RequestDeadline(app, seconds)({}, start_response))
    return seen["status"], body.decode("utf-8")


def test_endless_app_is_interrupted_with_the_message():
    def endless(environ, start_response):
        while True:
            sum(range(100))

    status, body = _call(endless)
    assert status.startswith("503") and "terlalu lama diproses" in body and 'lang="id"' in body
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_except_exception_cannot_swallow_the_interrupt():
    def stubborn(environ, start_response):
        while True:
            try:
                sum(range(100))
            except Exception:  # noqa: BLE001 - what careless code does
                pass

    assert _call(stubborn)[0].startswith("503") and not issubclass(RequestTooLong, Exception)


def test_quick_app_is_untouched_and_the_previous_handler_is_back():
    def quick(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    before = signal.getsignal(signal.SIGALRM)
    assert _call(quick) == ("200 OK", "ok")
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_worker_threads_are_left_alone():
    result = {}

    def quick(environ, start_response):
        start_response("200 OK", [])
        return [b"t"]

    thread = threading.Thread(target=lambda: result.update(answer=_call(quick)))
    thread.start()
    thread.join()
    assert result["answer"] == ("200 OK", "t")


def test_soft_deadline_comes_before_the_hard_timeout():
    assert soft_deadline(60) == 55 and soft_deadline(6) == 5.4 and soft_deadline(1) == 0.9
