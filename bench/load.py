"""Load benchmark: gunicorn on loopback, a fresh database with the demo seed, `wrk` as the load generator.

wrk (Debian package `wrk`, see `make system-deps`) runs in its own process, so the clients do not compete with
the server for the interpreter. Endpoints: a bare Flask endpoint served by the same gunicorn settings (the
reference), /sehat, the public training page, the public certificate verification page, and registration (GET
form + POST with its CSRF token and session cookie, more registrants than seats; bench/wrk/register.lua). Both
servers run with gunicorn.conf.py (the production settings). The verify page's throughput is printed as a ratio
to the bare endpoint, measured before and again after it in the same run; the load average is printed with it.
Afterwards the database is checked: registered == capacity, the rest waiting, numbers unique and gapless,
registrations == successful POSTs (plus at most one request in flight per connection when wrk stopped),
verification log rows == verify hits (same allowance).

    .venv/bin/python bench/load.py [--database sqlite|postgresql] [--workers 4] [--connections 16] [--seconds 10]

PostgreSQL: a fresh database is created on PG_URL (default postgresql://postgres@127.0.0.1:5432/test's server)
and dropped afterwards. Clients come through a trusted proxy hop (TRUSTED_PROXIES=1, a different
X-Forwarded-For per simulated visitor), as in production behind nginx, so the per-address rate limits apply per
visitor, not to the bench.
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess  # nosec B404  # starts gunicorn/flask/wrk from this venv with fixed arguments
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WRK_SCRIPTS = Path(__file__).resolve().parent / "wrk"
CAPACITY = 100
PG_URL = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def bare():
    """gunicorn factory for the baseline: the smallest Flask app with one endpoint."""
    from flask import Flask

    app = Flask("bare")
    app.add_url_rule("/", "ok", lambda: "ok")
    return app


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port, path, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited early (see its log)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def _gunicorn(app_spec, port, env, workers, log, chdir=ROOT):
    """gunicorn with the production settings (gunicorn.conf.py: sync workers, preload_app, max_requests …) for
    both the app and the bare endpoint; only the address, the worker count and the log level differ."""
    cmd = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "-w", str(workers),
           "-b", f"127.0.0.1:{port}", "--chdir", str(chdir), "--log-level", "warning", "--backlog", "2048", app_spec]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # nosec B603


SETUP = r"""
import sys
from datetime import datetime, timedelta, timezone
from bimtek import create_app
from bimtek.extensions import db
from bimtek.trainings.models import Training
from tests.factories import make_training
app = create_app()
with app.app_context():
    now = datetime.now(timezone.utc)
    training = make_training(code="LOAD", name="Bimtek Uji Beban", capacity=%(capacity)d,
                             registration_opens_at=now - timedelta(days=1),
                             registration_closes_at=now + timedelta(days=7))
    from bimtek.certificates.models import Certificate
    cert = db.session.scalars(db.select(Certificate).where(Certificate.status == "valid")).first()
    if cert is None:  # older seeds without certificates: issue one through the services
        from tests.security.test_idor import issue_test_certificate
        from bimtek.registration.models import Registration
        reg = db.session.scalars(db.select(Registration).order_by(Registration.id)).first()
        cert = issue_test_certificate(reg, pdf=b"%%PDF-1.4 load bench")
    before = db.session.scalar(db.text("SELECT count(*) FROM certificate_verifications WHERE certificate_id = :c"),
                               {"c": cert.id})
    print(training.id, cert.code, cert.id, before)
"""


def _setup(env):
    """Fresh DB: migrations, demo seed, an open training with CAPACITY seats, one certificate to verify."""
    flask = [sys.executable, "-m", "flask"]
    for args in (["db", "upgrade"], ["seed-demo", "--password", "demo-bimtek-2020"]):
        subprocess.run(flask + args, env=env, cwd=ROOT, check=True, capture_output=True)  # nosec B603
    out = subprocess.run([sys.executable, "-c", SETUP % {"capacity": CAPACITY}], env=env, cwd=ROOT,  # nosec B603
                         check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), out[1], int(out[2]), int(out[3])


def run_wrk(port, path, seconds, connections, script="visitor.lua", threads=None):
    """wrk against one path; its Lua script's JSON summary (+ req/s)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk not found: install it with `make system-deps` (Debian package wrk)")
    threads = threads or min(connections, 4)
    cmd = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
           "-s", str(WRK_SCRIPTS / script), f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout  # nosec B603
    summary = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    summary["rps"] = summary["requests"] / summary["seconds"]
    summary["ok"] = summary["requests"] - summary["non2xx"] - summary["errors"]
    return summary


def _query(database_url, sql, params):
    """Rows of one query on the bench database (sqlite3 or psycopg, no app import)."""
    if database_url.startswith("sqlite:///"):
        con = sqlite3.connect(database_url[len("sqlite:///"):])
        try:
            return con.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            con.close()
    import psycopg
    with psycopg.connect(database_url) as con:
        return con.execute(sql, params).fetchall()


def check_database(database_url, training_id, cert_id, registered_ok, verify_hits, in_flight):
    """Seats exact, numbers gapless, every successful POST and verify hit has its row (in_flight: requests wrk
    may have left unanswered when it stopped, which the server still completed)."""
    rows = _query(database_url, "SELECT status, seq, number FROM registrations WHERE training_id = %s",
                  (training_id,))
    logged = _query(database_url, "SELECT count(*) FROM certificate_verifications WHERE certificate_id = %s",
                    (cert_id,))[0][0]
    by_status = {}
    for status, _, _ in rows:
        by_status[status] = by_status.get(status, 0) + 1
    seqs = sorted(seq for _, seq, _ in rows)
    return [
        ("registrations == successful POSTs (+ in flight)", 0 <= len(rows) - registered_ok <= in_flight,
         f"{len(rows)} vs {registered_ok}"),
        ("registered == capacity", by_status.get("registered", 0) == min(CAPACITY, len(rows)), str(by_status)),
        ("the rest on the waiting list", by_status.get("waiting", 0) == max(0, len(rows) - CAPACITY),
         str(by_status)),
        ("numbers unique", len({n for _, _, n in rows}) == len(rows), ""),
        ("numbers gapless 1..n", seqs == list(range(1, len(rows) + 1)), f"{seqs[:3]}…{seqs[-3:]}" if seqs else ""),
        ("verification log == verify hits (+ in flight)", 0 <= logged - verify_hits <= in_flight,
         f"{logged} vs {verify_hits}"),
    ]


def _database(kind, tmp):
    """(DATABASE_URL, cleanup) for a fresh database of the given kind."""
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'load.sqlite3'}", lambda: None
    import psycopg
    name = f"bimtek_load_{uuid.uuid4().hex[:10]}"
    server = PG_URL.rsplit("/", 1)[0]
    with psycopg.connect(PG_URL, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')  # nosec B608  # generated name, not user input

    def drop():
        with psycopg.connect(PG_URL, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # nosec B608
    return f"{server}/{name}", drop


def _pages(port, bare_port, training_id, code):
    return [(bare_port, "/", "bare Flask endpoint (same gunicorn)"), (port, "/sehat", "/sehat (app + SELECT 1)"),
            (port, f"/pelatihan/{training_id}", "public training page"), (port, f"/v/{code}", "verify page /v/<code>")]


def _measure(args, pages, port, training_id):
    """wrk runs, in order: bare, /sehat, training page, verify page, bare again, registration. The verify page
    is compared with the mean of the two bare runs around it (the shared machine's load drifts)."""
    results = []
    for p, path, label in pages + pages[:1]:
        results.append({**run_wrk(p, path, args.seconds, args.connections), "label": label})
    results[-1]["label"] += ", again"
    reg = run_wrk(port, f"/pelatihan/{training_id}/daftar", args.seconds, args.connections, "register.lua",
                  threads=args.connections)
    reg["label"] = "registration (GET form + POST)"
    return results, reg


def _load():
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def _report(args, results, reg, load_before):
    print(f"\ngunicorn -c gunicorn.conf.py -w {args.workers} (sync, preload), wrk -c {args.connections} for "
          f"{args.seconds} s, {args.database}, loopback, {os.cpu_count()} cores, load average (1/5/15 min) "
          f"{load_before} before, {_load()} after\n")
    print(f"{'endpoint':40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ok':>15}")
    for r in results + [reg]:
        print(f"{r['label']:40} {r['rps']:9.1f} {r['p50']:8.1f} {r['p99']:8.1f} {r['ok']:>7}/{r['requests']:<7}")
    bare = (results[0]["rps"] + results[-1]["rps"]) / 2
    print(f"\nverify page throughput = {results[3]['rps'] / bare:.2f} × the bare Flask endpoint (mean of its two "
          "runs; goal >= 0.5)")
    per_second = reg["registered"] / reg["seconds"]
    print(f"registration: {reg['rps']:.0f} HTTP req/s (GET + POST), {per_second:.0f} registrations/s, "
          f"p99 {reg['p99']:.0f} ms (goal >= 200 req/s, p99 <= 300 ms on PostgreSQL)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bimtek-load-"))
    port, bare_port = _free_port(), _free_port()
    database_url, drop = _database(args.database, tmp)
    env = dict(os.environ, FLASK_APP="bimtek", DATABASE_URL=database_url, BIMTEK_DATA_DIR=str(tmp / "data"),
               SECRET_KEY="load-bench-secret", BASE_URL=f"http://127.0.0.1:{port}", TRUSTED_PROXIES="1",
               PYTHONPATH=str(ROOT))
    env.pop("REDIS_URL", None)
    print(f"setting up {tmp} ({args.database}) …", flush=True)
    try:
        training_id, code, cert_id, _ = _setup(env)
        log = open(tmp / "gunicorn.log", "w")
        servers = [_gunicorn("wsgi:app", port, env, args.workers, log),
                   _gunicorn("load:bare()", bare_port, env, args.workers, log, chdir=ROOT / "bench")]
        try:
            _wait(port, "/sehat", servers[0])
            _wait(bare_port, "/", servers[1])
            pages = _pages(port, bare_port, training_id, code)
            for page_port, path, _ in pages:
                run_wrk(page_port, path, 2, 4)  # warm-up: imports, template cache, connections
            before = _query(database_url, "SELECT count(*) FROM certificate_verifications WHERE certificate_id = %s",
                            (cert_id,))[0][0]
            load_before = _load()
            results, reg = _measure(args, pages, port, training_id)
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
            for server in servers:
                server.wait(timeout=30)
            log.close()
        _report(args, results, reg, load_before)
        in_flight = args.connections + 4  # the measured run's connections + the warm-up's
        checks = check_database(database_url, training_id, cert_id, reg["registered"],
                                before + results[3]["ok"], in_flight)
    finally:
        drop()
    print("\ndatabase after the run:")
    for name, good, detail in checks:
        print(f"  {'OK  ' if good else 'FAIL'} {name} {detail}")
    failed = [r for r in results + [reg] if r["ok"] != r["requests"] or r.get("failed")]
    for r in failed:
        print(f"  FAIL {r['label']}: {r['requests'] - r['ok'] + r.get('failed', 0)} requests did not succeed")
    return 1 if failed or not all(good for _, good, _ in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
