"""Mail from gunicorn (gunicorn.conf.py, preload_app): one sender process forked by the master delivers what
the workers queue (bimtek/mail/worker.py); if it is gone, the workers deliver with their own sender threads."""
import os
import signal
import subprocess  # nosec B404  # starts gunicorn from this venv with fixed arguments
import time
import uuid

import pytest
import requests
import sqlalchemy as sa

from tests.integration import processes
from tests.integration.registration_helpers import form
from tests.integration.test_identity_limits_workers import _database, _seed

pytestmark = pytest.mark.slow


def _register(base, training_id, email):
    session = requests.Session()
    page = session.get(f"{base}/pelatihan/{training_id}/daftar", timeout=30)
    token = processes.CSRF.search(page.text).group(1)
    response = session.post(f"{base}/pelatihan/{training_id}/daftar", data=form(email=email, csrf_token=token),
                            allow_redirects=False, timeout=30)
    assert response.status_code == 302


def _sent(engine, email):
    """Wait (guard: 60 s, not a threshold) until the outbox row to `email` is sent; its .eml path."""
    for _ in range(600):
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT status, eml_path FROM mail_outbox WHERE recipient = :r"),
                               {"r": email}).first()
        if row is not None and row.status == "sent":
            return row.eml_path
        time.sleep(0.1)
    raise AssertionError(f"mail to {email} was not delivered")


def test_sender_process_delivers_and_workers_take_over_when_it_is_gone(tmp_path):
    url, cleanup = _database(tmp_path)
    training_id = _seed(url, tmp_path / "data")
    port = processes.free_port()
    env = {**os.environ, "SECRET_KEY": "mail-worker-" + uuid.uuid4().hex, "DATABASE_URL": url,
           "BIMTEK_DATA_DIR": str(tmp_path / "data"), "BASE_URL": f"http://127.0.0.1:{port}", "MAIL_SERVER": ""}
    for name in ("REDIS_URL", "BIMTEK_DEMO"):
        env.pop(name, None)
    command = [str(processes.BIN / "gunicorn"), "-c", str(processes.ROOT / "gunicorn.conf.py"), "-w", "2",
               "-b", f"127.0.0.1:{port}", "--chdir", str(processes.ROOT), "wsgi:app"]  # the production recipe
    with open(tmp_path / "gunicorn.log", "ab") as log:
        server = subprocess.Popen(command, env=env, cwd=processes.ROOT, stdout=log,  # nosec B603
                                  stderr=subprocess.STDOUT, start_new_session=True)
    engine = sa.create_engine(url)
    try:
        processes.wait_http(port, server)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):  # guard, not a threshold: the second worker may still be booting
            children = processes._children().get(server.pid, [])
            if len(children) >= 3:
                break
            time.sleep(0.1)
        assert len(children) == 3  # two workers and the mail sender
        _register(base, training_id, "pertama@example.id")
        eml = _sent(engine, "pertama@example.id")
        with open(eml, "rb") as file:
            assert b"Pendaftaran" in file.read()
        # the sender is the child that is not a gunicorn worker: the oldest one (forked before the workers)
        sender = min(children)
        os.kill(sender, signal.SIGKILL)
        for _ in range(100):
            if sender not in processes._children().get(server.pid, []):
                break
            time.sleep(0.1)
        for n in range(3):  # every worker that serves one of these finds the pipe broken and sends by itself
            _register(base, training_id, f"kedua{n}@example.id")
        for n in range(3):
            assert os.path.exists(_sent(engine, f"kedua{n}@example.id"))
    finally:
        engine.dispose()
        processes.kill_group(server)
        cleanup()
