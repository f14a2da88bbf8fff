"""Load baseline: gunicorn on loopback, a fresh SQLite database with the demo seed, concurrent clients.

Endpoints: the public training page, the public certificate verification page, and registration (GET form +
POST with its CSRF token, more registrants than seats). The verify page's throughput is also given as a ratio to
a bare Flask endpoint served by the same gunicorn settings in the same run. Afterwards the database is checked:
registrations == successful POSTs, registered == capacity, the rest waiting, numbers unique and gapless,
verification log rows == verify hits.

    .venv/bin/python bench/load.py [--workers 4] [--threads 16] [--requests 1500] [--registrations 300]

Clients come through a trusted proxy hop (TRUSTED_PROXIES=1, a different X-Forwarded-For per simulated
visitor), as in production behind nginx, so the per-address rate limits apply per visitor, not to the bench.
"""
import argparse
import http.client
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess  # nosec B404  # starts gunicorn/flask from this venv with fixed arguments
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CAPACITY = 100


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
    cmd = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--chdir", str(chdir),
           "--log-level", "warning", "--backlog", "2048", app_spec]
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


class Client:
    """One keep-alive connection per thread; a different X-Forwarded-For per simulated visitor."""

    _local = threading.local()

    def __init__(self, port):
        self.port = port

    def conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "port", None) != self.port:
            conn = self._local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self._local.port = self.port
        return conn

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            try:
                conn = self.conn()
                conn.request(method, path, body=body, headers=headers or {})
                response = conn.getresponse()
                return response.status, response.getheaders(), response.read()
            except (http.client.HTTPException, OSError):
                self._local.conn = None
                if attempt == 2:
                    raise


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run_gets(port, path, count, threads):
    client = Client(port)

    def one(i):
        return _timed(lambda: client.request("GET", path, headers={"X-Forwarded-For": f"10.1.{i // 250}.{i % 250}"}))

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, range(count)))
    wall = time.perf_counter() - start
    ok = sum(1 for _, (status, _, _) in results if status == 200)
    return _stats(path, [t for t, _ in results], wall, ok, count)


def _stats(label, latencies, wall, ok, count):
    latencies = sorted(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {"label": label, "rps": count / wall, "p50": statistics.median(latencies) * 1000, "p99": p99 * 1000,
            "ok": ok, "count": count}


CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def register_one(port, training_id, i):
    """A visitor opens the form and submits it (own cookie jar, own address). Returns (seconds, ok)."""
    client = Client(port)
    ip = {"X-Forwarded-For": f"10.2.{i // 250}.{i % 250}"}
    start = time.perf_counter()
    status, headers, body = client.request("GET", f"/pelatihan/{training_id}/daftar", headers=ip)
    cookie = "; ".join(v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie")
    match = CSRF.search(body)
    token = (match.group(1) or match.group(2)).decode()
    form = {"csrf_token": token, "nama_lengkap": f"Peserta Beban {i:04d}", "jenis_kelamin": "P" if i % 2 else "L",
            "phone": f"0812{i:08d}", "email": f"beban{i:04d}@example.id", "jabatan": "Pustakawan",
            "instansi": "Perpustakaan Desa", "kabupaten": "Bangka", "provinsi": "Kepulauan Bangka Belitung",
            "consent": "y"}
    status, headers, _ = client.request("POST", f"/pelatihan/{training_id}/daftar", body=urlencode(form),
                                        headers={**ip, "Cookie": cookie,
                                                 "Content-Type": "application/x-www-form-urlencoded"})
    location = dict((k.lower(), v) for k, v in headers).get("location", "")
    return time.perf_counter() - start, status == 302 and location.endswith("/daftar/selesai")


def run_registrations(port, training_id, count, threads):
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(lambda i: register_one(port, training_id, i), range(count)))
    wall = time.perf_counter() - start
    ok = sum(1 for _, good in results if good)
    return _stats("registration (GET form + POST)", [t for t, _ in results], wall, ok, count), ok


def check_database(db_path, training_id, cert_id, successful_posts, verify_hits):
    con = sqlite3.connect(db_path)
    rows = con.execute("SELECT status, seq, number FROM registrations WHERE training_id = ?", (training_id,)).fetchall()
    logged = con.execute("SELECT count(*) FROM certificate_verifications WHERE certificate_id = ?",
                         (cert_id,)).fetchone()[0]
    con.close()
    by_status = {}
    for status, _, _ in rows:
        by_status[status] = by_status.get(status, 0) + 1
    seqs = sorted(seq for _, seq, _ in rows)
    checks = [
        ("registrations == successful POSTs", len(rows) == successful_posts, f"{len(rows)} vs {successful_posts}"),
        ("registered == capacity", by_status.get("registered", 0) == min(CAPACITY, successful_posts), str(by_status)),
        ("the rest on the waiting list", by_status.get("waiting", 0) == max(0, successful_posts - CAPACITY),
         str(by_status)),
        ("numbers unique", len({n for _, _, n in rows}) == len(rows), ""),
        ("numbers gapless 1..n", seqs == list(range(1, len(rows) + 1)), f"{seqs[:3]}…{seqs[-3:]}" if seqs else ""),
        ("verification log == verify hits", logged == verify_hits, f"{logged} vs {verify_hits}"),
    ]
    return checks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--requests", type=int, default=1500, help="GET requests per endpoint")
    parser.add_argument("--registrations", type=int, default=300)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bimtek-load-"))
    port, bare_port = _free_port(), _free_port()
    db_path = tmp / "load.sqlite3"
    env = dict(os.environ, FLASK_APP="bimtek", DATABASE_URL=f"sqlite:///{db_path}", BIMTEK_DATA_DIR=str(tmp / "data"),
               SECRET_KEY="load-bench-secret", BASE_URL=f"http://127.0.0.1:{port}", TRUSTED_PROXIES="1",
               PYTHONPATH=str(ROOT))
    env.pop("REDIS_URL", None)
    print(f"setting up {tmp} …", flush=True)
    training_id, code, cert_id, seeded_hits = _setup(env)
    log = open(tmp / "gunicorn.log", "w")
    servers = [_gunicorn("wsgi:app", port, env, args.workers, log),
               _gunicorn("load:bare()", bare_port, env, args.workers, log, chdir=ROOT / "bench")]
    try:
        _wait(port, "/sehat", servers[0])
        _wait(bare_port, "/", servers[1])
        for p, path in ((port, f"/pelatihan/{training_id}"), (port, f"/v/{code}"), (bare_port, "/")):
            run_gets(p, path, 50, 4)  # warm-up (imports, template cache, connections)
        warm_verify = 50
        results = [run_gets(bare_port, "/", args.requests, args.threads),
                   run_gets(port, "/sehat", args.requests, args.threads),
                   run_gets(port, f"/pelatihan/{training_id}", args.requests, args.threads),
                   run_gets(port, f"/v/{code}", args.requests, args.threads)]
        results[0]["label"] = "bare Flask endpoint (same gunicorn)"
        results[1]["label"] = "/sehat (app + SELECT 1)"
        results[2]["label"] = "public training page"
        results[3]["label"] = "verify page /v/<code>"
        reg_stats, ok_posts = run_registrations(port, training_id, args.registrations, args.threads)
        results.append(reg_stats)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)
        log.close()

    print(f"\ngunicorn -w {args.workers}, {args.threads} concurrent clients, SQLite (WAL), loopback\n")
    print(f"{'endpoint':40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ok':>11}")
    for r in results:
        print(f"{r['label']:40} {r['rps']:9.1f} {r['p50']:8.1f} {r['p99']:8.1f} {r['ok']:>5}/{r['count']:<5}")
    print(f"\nverify page throughput = {results[3]['rps'] / results[0]['rps']:.2f} × the bare Flask endpoint")

    checks = check_database(db_path, training_id, cert_id, ok_posts, seeded_hits + args.requests + warm_verify)
    print("\ndatabase after the run:")
    for name, good, detail in checks:
        print(f"  {'OK  ' if good else 'FAIL'} {name} {detail}")
    failed = [r for r in results if r["ok"] != r["count"]]
    for r in failed:
        print(f"  FAIL {r['label']}: {r['count'] - r['ok']} requests did not succeed")
    return 1 if failed or not all(good for _, good, _ in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
