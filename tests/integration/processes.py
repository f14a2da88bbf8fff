"""Real server and worker processes for fault tests: gunicorn / `flask run-worker` on the test database,
staff login over HTTP, many registrations at once, and kill -9 of a whole process group."""
import os
import re
import signal
import socket
import subprocess  # nosec B404  # starts gunicorn/flask from this venv with fixed arguments
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import requests
import sqlalchemy as sa

from bimtek.accounts.models import User
from bimtek.extensions import db
from bimtek.registration.models import Registration

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def database_url(app):
    """The test database as a URL for another process (PostgreSQL: with the run's search_path)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {}).get("options")
    if options:
        url += ("&" if "?" in url else "?") + "options=" + options.replace("=", "%3D")
    return url


def process_env(app, **extra):
    """Environment for a server/worker process on the test database and file store (no TESTING)."""
    env = {**os.environ, "DATABASE_URL": database_url(app), "SECRET_KEY": "fault-test-secret",
           "BIMTEK_DATA_DIR": app.config["DATA_DIR"], "BASE_URL": "http://localhost", "FLASK_DEBUG": "0",
           "MAIL_SERVER": "", "REDIS_URL": "", "PYTHONPATH": str(ROOT)}
    env.update({key: str(value) for key, value in extra.items()})
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port, log_path, workers=2):
    """gunicorn with the production settings (gunicorn.conf.py: preload, deadlines, the mail sender process) in its
    own process group (so kill_group reaches its workers and render processes)."""
    cmd = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "-w", str(workers),
           "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT),
           "--log-level", "warning", "wsgi:app"]
    with open(log_path, "ab") as log:
        return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,  # nosec B603
                                start_new_session=True)


def start_worker(env, log_path):
    """`flask run-worker` (RQ) in its own process group."""
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "bimtek", "run-worker"],  # nosec B603
                                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_http(port, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert proc.poll() is None, "server exited early"
        try:
            requests.get(f"http://127.0.0.1:{port}/akun/masuk", timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def _children():
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return children


def _descendants(pid):
    """Every process below `pid` (from /proc; RQ's work-horse leaves the group with setsid)."""
    children = _children()
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_group(proc):
    """kill -9 the process, its group and every descendant (workers, render processes, RQ work-horse)."""
    victims = _descendants(proc.pid)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(30)


def freeze(proc):
    """SIGSTOP the process and every descendant (the RQ work-horse leaves the group): nothing it does can land
    while the caller looks at the database. Returns the pids for thaw()."""
    pids = [proc.pid] + _descendants(proc.pid)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGSTOP)
        except ProcessLookupError:
            pass
    return pids


def thaw(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass


def kill_job_process(proc):
    """kill -9 only the process running the job (the gunicorn worker or RQ work-horse that has render
    processes below it) and its render processes; the server or worker itself stays up."""
    deadline = time.time() + 15  # a bulk job has no render processes for a moment between two chunks
    while True:
        children = _children()
        busy = [pid for pid in children.get(proc.pid, []) if children.get(pid)]
        if busy or time.time() > deadline:
            break
        time.sleep(0.05)
    assert busy, "no process with render processes found"
    for pid in busy:
        for victim in [pid] + _descendants(pid):
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                pass


def stop_group(proc):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            kill_group(proc)


def login(port, email, password):
    """A requests.Session signed in as staff; returns (session, csrf token)."""
    session = requests.Session()
    page = session.get(f"http://127.0.0.1:{port}/akun/masuk", timeout=30).text
    token = CSRF.search(page).group(1)
    form = {"csrf_token": token, "email": email, "password": password}
    response = session.post(f"http://127.0.0.1:{port}/akun/masuk", data=form, allow_redirects=False, timeout=30)
    assert response.status_code == 302 and "/akun/masuk" not in response.headers["Location"], response.text[-500:]
    return session, token


def make_registrations(training, count):
    """`count` registered participants in registration order, inserted in bulk (fast for 1,500)."""
    now = datetime.now(timezone.utc)
    tag = uuid.uuid4().hex[:8]
    emails = [f"p{tag}-{i}@example.id" for i in range(count)]
    db.session.execute(sa.insert(User), [{"email": e, "name": f"Peserta {i}", "role": "peserta",
                                          "created_at": now, "updated_at": now} for i, e in enumerate(emails)])
    ids = dict(db.session.execute(sa.select(User.email, User.id).where(User.email.in_(emails))).all())
    db.session.execute(sa.insert(Registration), [{
        "training_id": training.id, "user_id": ids[e], "seq": i + 1, "number": f"{training.code}-{i + 1:04d}",
        "status": "registered", "nama_lengkap": f"Peserta Uji {i + 1}", "jenis_kelamin": "L",
        "instansi": "Perpustakaan Desa", "kabupaten": "Bangka", "provinsi": "Kepulauan Bangka Belitung",
        "email": e, "consent_at": now} for i, e in enumerate(emails)])
    db.session.commit()
    return db.session.scalars(sa.select(Registration.id).where(Registration.training_id == training.id)
                              .order_by(Registration.seq)).all()


def wait_for(predicate, timeout, step=0.25):
    """Poll `predicate()` (expiring the session each time) until truthy; returns the value or None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        db.session.expire_all()
        db.session.rollback()
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None
