"""Issue 12, finding 2: a request that runs too long is stopped by the server. Real gunicorn with the committed
gunicorn.conf.py (sync workers) on a free loopback port; a short --timeout keeps the test quick."""

import http.client
import os
import socket
import subprocess  # nosec B404  # starts gunicorn from this venv with fixed arguments
import sys
import time
from pathlib import Path

import pytest

from tests.integration.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 6  # gunicorn --timeout for this test; the soft deadline fires at 5.4 s


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--workers", "1",
               "--timeout", str(TIMEOUT), "--bind", f"127.0.0.1:{port}", "tests.integration.deadline_app:app"]
    # gunicorn.conf.py checks bimtek's settings in the master before any worker starts.
    env = {**os.environ, "SECRET_KEY": "deadline-test", "BIMTEK_DATA_DIR": str(tmp_path_factory.mktemp("deadline"))}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,  # nosec B603
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10 * TIMEOUT)  # guard, not a threshold
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def test_gunicorn_conf_uses_workers_that_the_timeout_stops():
    namespace = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # nosec B102  # our own config file
    assert namespace["worker_class"] == "sync" and namespace["timeout"] > 0 and namespace["max_requests"] > 0


def test_endless_request_gets_an_indonesian_503(server):
    status, body = _get(server, "/lambat")
    assert status == 503
    assert "terlalu lama diproses" in body and "tidak disimpan" in body
    assert _get(server, "/ok") == (200, "ok")  # the same worker goes on serving


def test_request_deaf_to_the_soft_deadline_is_stopped_by_the_hard_timeout_with_the_message(server):
    status, body = _get(server, "/macet")  # the arbiter aborts the worker; its last act is the message
    assert status == 503 and "terlalu lama diproses" in body
    assert _get(server, "/ok") == (200, "ok")  # a fresh worker answers
