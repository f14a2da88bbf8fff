"""Benchmark: the laporan kegiatan as a background job, at 8,000 participants and at the in-request limit.

Seeds the big training of bench/pages.py (bench/scale_seed.py) and a small one of REPORT_INLINE_MAX_ROWS daftar
hadir rows, then through the app (Flask test client, signed in as admin; jobs in the app's own thread, as without
REDIS_URL): the POST that starts the big report's job (it must answer at once), the job itself (polled like
static/js/progress.js; the steps it reports), the download of the stored file, the report page with the stored
file's staleness check, and the small training's POST that builds the file inside the request.

    .venv/bin/python bench/report_job.py [--n 8000] [--database-url postgresql://…/test]

Wall and CPU seconds of this process (the job's thread included; on SQLite the database's work too).
"""
import argparse
import pathlib
import sys
import tempfile
import time
from datetime import date

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pages  # noqa: E402

from bimtek.accounts.models import User  # noqa: E402
from bimtek.extensions import db  # noqa: E402
from bimtek.jobs.models import Job  # noqa: E402
from bimtek.reports.fingerprint import report_fingerprint  # noqa: E402
from bimtek.reports.services import content  # noqa: E402
from bimtek.trainings.models import Training  # noqa: E402
from tests.factories import make_registration, make_training, sign_in  # noqa: E402


def clock():
    return time.perf_counter(), time.process_time()


def since(start):
    wall, cpu = clock()
    return f"wall {wall - start[0]:6.2f} s, cpu {cpu - start[1]:6.2f} s"


def small_training(app, rows):
    """A training of `rows` daftar hadir rows (six sessions; nobody attended, which prints the same rows)."""
    with app.app_context():
        training = make_training(code="KECIL24", name="Bimtek kecil", start=date(2024, 7, 21))
        for _ in range(rows // len(training.sessions)):
            make_registration(training)
        return training.id


def follow(app, job_id):
    """Poll the job until it ends; returns (status, [messages seen])."""
    seen = []
    while True:
        with app.app_context():
            job = db.session.get(Job, job_id)
            if not seen or seen[-1] != job.message:
                seen.append(job.message)
            if job.is_finished:
                return job.status, seen
        time.sleep(0.2)


def run(app, ids, small_id):
    client = app.test_client()
    with app.app_context():
        sign_in(client, db.session.get(User, ids["admin"]))
    base = f"/kelola/pelatihan/{ids['training']}/laporan"
    for fmt in ("docx", "pdf"):
        start = clock()
        response = client.post(f"{base}/{fmt}/buat")
        print(f"{fmt}: POST buat → {response.status_code} {response.headers['Location']}  {since(start)}", flush=True)
        job_id = int(response.headers["Location"].rsplit("/", 1)[1])
        status, seen = follow(app, job_id)
        print(f"{fmt}: job {status}  {since(start)}; steps: {' | '.join(seen)}", flush=True)
        start = clock()
        file = client.get(f"{base}/{fmt}/berkas")
        print(f"{fmt}: download {file.status_code}, {len(file.data):,} bytes  {since(start)}", flush=True)
    start = clock()
    page = client.get(base).get_data(as_text=True)
    print(f"report page with the staleness check: {since(start)}; stale: {'Tidak terkini' in page}", flush=True)
    with app.test_request_context():
        report = content.build_report(db.session.get(Training, ids["training"]), sheets=False)
        start = clock()
        report_fingerprint(report)
        print(f"the staleness check alone (fingerprint of the page's figures): {since(start)}", flush=True)
    small = f"/kelola/pelatihan/{small_id}/laporan"
    for fmt in ("docx", "pdf"):
        start = clock()
        response = client.post(f"{small}/{fmt}/buat")
        print(f"small training {fmt}: POST buat → {response.status_code} {response.headers['Location']}  "
              f"{since(start)}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=8000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, cleanup = pages.build_app(args.database_url, pathlib.Path(tmp))
        try:
            ids = pages.seed(app, args.n)
            small_id = small_training(app, app.config["REPORT_INLINE_MAX_ROWS"])
            print(f"load average {pages._load()}", flush=True)
            run(app, ids, small_id)
        finally:
            cleanup()
    print(f"load average at the end {pages._load()}")


if __name__ == "__main__":
    main()
