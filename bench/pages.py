"""Benchmark: organizer pages, verdicts, roster import and XLSX exports of one training at 8,000 participants.

Seeds one training (bench/scale_seed.py: bulk inserts, six sessions, realistic attendance, RTLs, certificates),
then measures through the app itself (Flask test client, in process, signed in as admin) the server time and the
HTML size of every organizer page, the verdicts, a roster import of N rows (CSV through the import page) and the
XLSX exports (roster, attendance, test scores, RTL recap, one session's attendance sheet). Every figure is printed
beside its goal and beside a reference measured in the same run over the same rows (a bare query, a bare
executemany insert, a bare XlsxWriter constant-memory write of the exported values).

    .venv/bin/python bench/pages.py [--n 8000] [--repeat 3] [--database-url postgresql://…/test] [--strict]
                                    [--exports-only] [--pages-only] [--match TEXT] [--no-freeze]

Goals are judged on the server process's CPU time (wall time is printed too): on a shared machine the wall time
mostly measures the other processes. On PostgreSQL the database's own CPU time is in its server processes.
"""
import argparse
import gc
import io
import os
import pathlib
import random
import sys
import tempfile
import time
import uuid
from datetime import date

import sqlalchemy as sa

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import scale_seed  # noqa: E402
import xlsxwriter  # noqa: E402

from bimtek import create_app  # noqa: E402
from bimtek.accounts.models import Role, User  # noqa: E402
from bimtek.action_plans.services import RECAP_HEADERS, recap_rows  # noqa: E402
from bimtek.attendance import services as attendance  # noqa: E402
from bimtek.attendance.models import AttendanceRecord  # noqa: E402
from bimtek.config import TestConfig  # noqa: E402
from bimtek.core.spreadsheet import write_csv  # noqa: E402
from bimtek.evaluation.services import score_table  # noqa: E402
from bimtek.extensions import db  # noqa: E402
from bimtek.jobs import services as jobs  # noqa: E402
from bimtek.registration import roster  # noqa: E402
from bimtek.registration.models import Registration  # noqa: E402
from bimtek.registration.services import roster_io  # noqa: E402
from bimtek.reports import tasks as report_tasks  # noqa: E402
from bimtek.reports.services.sheets import attendance_sheet  # noqa: E402
from bimtek.trainings.models import Training, TrainingSession  # noqa: E402
from tests.factories import make_training, make_user, sign_in  # noqa: E402

PAGE_MS, PAGE_KB, VERDICT_MS, IMPORT_S, EXPORT_S = 300, 500, 200, 3.0, 1.0


def build_app(database_url, tmp):
    """The app on a fresh SQLite file or a private PostgreSQL schema; returns (app, cleanup)."""
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url or f"sqlite:///{tmp}/bench.sqlite3"
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        DATA_DIR = str(tmp / "data")
        MAIL_BACKGROUND = False  # nothing is mailed here; no sender thread outliving the database

    schema = None
    if database_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        Config.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"options": f"-csearch_path={schema}"}}
    app = create_app(Config)
    with app.app_context():
        db.create_all()

    def cleanup():
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if schema:
            with engine.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    return app, cleanup


def seed(app, n):
    """The training and its rows; returns ids for the URLs."""
    rng = random.Random(2024)  # nosec B311  # reproducible benchmark data
    with app.app_context():
        started = time.perf_counter()
        admin = make_user(Role.ADMIN)
        training = make_training(code="TPBIS24", name="Bimtek TPBIS 2024", start=date(2024, 7, 21))
        people = scale_seed.registrations(training, n, rng)
        scale_seed.attendance(training, people, rng)
        scale_seed.action_plans(training, people, rng)
        scale_seed.evaluation(training, people, rng, admin)
        scale_seed.announcements(training, people, admin)
        db.session.commit()
        verdicts = attendance.verdicts_for_training(training)
        scale_seed.certificates(training, [p for p in people if verdicts[p.id].passed], rng)
        empty = make_training(code="IMPOR24", name="Bimtek impor", start=training.start_date)
        db.session.commit()
        plan_id = db.session.scalar(sa.text("SELECT min(id) FROM action_plans WHERE status = 'diajukan'"))
        announcement_id = db.session.scalar(sa.text("SELECT min(id) FROM announcements"))
        certificate_id = db.session.scalar(sa.text("SELECT min(id) FROM certificates"))
        print(f"seeded {n} registrations ({len(people)} registered, {sum(v.passed for v in verdicts.values())} "
              f"passed) in {time.perf_counter() - started:.1f} s", flush=True)
        return {"admin": admin.id, "training": training.id, "session": training.sessions[0].id,
                "plan": plan_id, "empty": empty.id, "announcement": announcement_id, "certificate": certificate_id}


def timed(fn, repeat):
    """((wall ms, CPU ms) of the best of `repeat` runs, the last result). CPU time is this process's: the server's
    own work (on SQLite the database's too), not the time spent waiting for a core on a loaded machine."""
    best, result = (float("inf"), float("inf")), None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, (1000 * (time.perf_counter() - started), 1000 * (time.process_time() - cpu)))
    return best, result


def pages(ids):
    t, base = ids["training"], f"/kelola/pelatihan/{ids['training']}"
    return [("dashboard", "/kelola"), ("training page", base),
            ("attendance overview", f"{base}/kehadiran"),
            ("attendance overview, search", f"{base}/kehadiran?q=santoso&hasil=tidak"),
            ("session page", f"{base}/kehadiran/sesi/{ids['session']}"),
            ("session page, page 3", f"{base}/kehadiran/sesi/{ids['session']}?hal=3"),
            ("bulk-accept preview", f"{base}/kehadiran/sesi/{ids['session']}/terima-saran?min=80"),
            ("heatmap SVG", f"{base}/kehadiran/heatmap.svg"), ("certificates page", f"{base}/sertifikat"),
            ("roster page", f"/kelola/pelatihan/{t}/peserta"), ("roster page, search", f"{base}/peserta?q=wijaya"),
            ("RTL queue", f"{base}/rtl"), ("RTL queue, submitted", f"{base}/rtl?state=diajukan"),
            ("RTL review", f"{base}/rtl/{ids['plan']}"), ("RTL summary", f"{base}/rtl/ringkasan"),
            *later_pages(ids)]


def later_pages(ids):
    """The organizer pages added by issues 16–19 (every GET page under /kelola/pelatihan/<id> that is not a file)."""
    base, session, cert = f"/kelola/pelatihan/{ids['training']}", ids["session"], ids["certificate"]
    return [("report page (laporan)", f"{base}/laporan"), ("evaluation page", f"{base}/evaluasi"),
            ("questionnaire recap", f"{base}/evaluasi/kuesioner"), ("materials", f"{base}/bahan"),
            ("announcement compose", f"{base}/pengumuman/"),
            ("announcement delivery", f"{base}/pengumuman/{ids['announcement']}"),
            ("announcement WhatsApp list", f"{base}/pengumuman/{ids['announcement']}/whatsapp"),
            ("reminders", f"{base}/pengumuman/pengingat"),
            ("reminder WhatsApp list", f"{base}/pengumuman/pengingat/{session}/whatsapp"),
            ("self check-in host", f"{base}/kehadiran/sesi/{session}/presensi-mandiri"),
            ("certificates, search", f"{base}/sertifikat?q=santoso"), ("certificate", f"{base}/sertifikat/{cert}"),
            ("certificate revoke form", f"{base}/sertifikat/{cert}/cabut"),
            ("narasumber/panitia certificates", f"{base}/sertifikat/narasumber"),
            ("certificate settings", f"{base}/sertifikat/pengaturan"),
            ("TTE signing page", f"{base}/sertifikat/tanda-tangan"), ("RTL settings", f"{base}/rtl/pengaturan"),
            ("Zoom connection", f"{base}/zoom"), ("schedule: session form", f"{base}/sesi/{session}"),
            ("training form", f"{base}/ubah"), ("staff", f"{base}/staf"), ("audit log", f"{base}/log"),
            ("users", "/kelola/pengguna"), ("mail outbox", "/kelola/email/")]


def reference_query(app, training_id):
    """A bare query over the same rows a page shows: registrations joined to their attendance records."""
    with app.app_context():
        query = sa.select(Registration.number, Registration.nama_lengkap, AttendanceRecord.session_id,
                          AttendanceRecord.attended_seconds).outerjoin(
            AttendanceRecord, AttendanceRecord.registration_id == Registration.id).where(
            Registration.training_id == training_id)
        return timed(lambda: db.session.execute(query).all(), 3)[0]


def measure_pages(app, ids, repeat, reference_ms, report, match=""):
    client = app.test_client()
    with app.app_context():
        sign_in(client, db.session.get(User, ids["admin"]))
    for label, url in pages(ids):
        if match not in label:
            continue
        response = client.get(url)  # warm-up (templates compiled, caches filled)
        assert response.status_code == 200, (url, response.status_code)  # nosec B101  # benchmark sanity
        ms, response = timed(lambda url=url: client.get(url), repeat)
        report(f"{label}: server time", ms, "ms", PAGE_MS, reference_ms)
        report(f"{label}: HTML", (len(response.data) / 1024,) * 2, "KB", PAGE_KB, None)
    return client


def compute_report_figures(app, ids, repeat, client=None):
    """The report page of a big training shows the figures of the last computation: compute them as the page's
    "Hitung angka" button does (the figures job), timed; with `client`, also the page computing them in the
    request as it did before (REPORT_FIGURES_INLINE_MAX raised), for the ratio in the same run."""
    with app.app_context():
        admin, training = db.session.get(User, ids["admin"]), db.session.get(Training, ids["training"])
        job = report_tasks.start_figures(admin, training)
        db.session.commit()
        ms, _result = timed(lambda: jobs.run_job(job.id, app), 1)
        print(f"{'laporan figures job (background, once per click)':<44} wall {ms[0]:8.1f} ms cpu {ms[1]:8.1f} ms",
              flush=True)
    if client is None:
        return
    url, limit = f"/kelola/pelatihan/{ids['training']}/laporan", app.config["REPORT_FIGURES_INLINE_MAX"]
    app.config["REPORT_FIGURES_INLINE_MAX"] = 10 ** 9
    try:
        client.get(url)
        ms, _response = timed(lambda: client.get(url), repeat)
    finally:
        app.config["REPORT_FIGURES_INLINE_MAX"] = limit
    print(f"{'report page, figures in the request (old)':<44} wall {ms[0]:8.1f} ms cpu {ms[1]:8.1f} ms", flush=True)


def measure_verdicts(app, ids, repeat, report):
    with app.app_context():
        training = db.session.get(Training, ids["training"])
        query = sa.select(AttendanceRecord.session_id, AttendanceRecord.registration_id,
                          AttendanceRecord.attended_seconds).where(AttendanceRecord.training_id == training.id)
        ref, _rows = timed(lambda: db.session.execute(query).all(), repeat)
        ms, verdicts = timed(lambda: attendance.verdicts_for_training(training), repeat)
        report(f"verdicts for {len(verdicts)}", ms, "ms", VERDICT_MS, ref)


EXPORTS = (("roster", "peserta/ekspor.xlsx"), ("attendance", "kehadiran/ekspor.xlsx"),
           ("test scores", "evaluasi/nilai.xlsx"), ("RTL recap", "rtl/rekap.xlsx"),
           ("attendance sheet, one session", "laporan/daftar-hadir/{session}.xlsx"))


def measure_exports(client, app, ids, report, repeat=1):
    """Every XLSX export of the training through its URL, beside a bare XlsxWriter constant-memory write of the
    same rows (the values the export writes, prepared beforehand) in the same run."""
    base = f"/kelola/pelatihan/{ids['training']}"
    for label, path in EXPORTS:
        url = f"{base}/{path.format(session=ids['session'])}"
        headers, rows = _export_rows(app, ids, label)
        ref = timed(lambda headers=headers, rows=rows: _bare_xlsx(headers, rows), repeat)[0]
        response = client.get(url)  # warm-up
        assert response.status_code == 200, (url, response.status_code)  # nosec B101  # benchmark sanity
        ms = timed(lambda url=url: client.get(url), repeat)[0]
        report(f"{label} XLSX export ({len(rows)} rows × {len(headers)})", _seconds(ms), "s", EXPORT_S,
               _seconds(ref))


def _export_rows(app, ids, label):
    with app.test_request_context():
        training = db.session.get(Training, ids["training"])
        if label == "attendance":
            return attendance.export_table(training)
        if label == "test scores":
            return score_table(training)
        if label == "RTL recap":
            return list(RECAP_HEADERS), recap_rows(training)
        if label.startswith("attendance sheet"):
            sheet = attendance_sheet(db.session.get(TrainingSession, ids["session"]))
            return list(sheet["headers"]), sheet["rows"]
        regs = db.session.scalars(sa.select(Registration).where(Registration.training_id == training.id)).all()
        return roster.ROSTER_HEADERS, [roster.roster_values(roster_io.to_roster_row(r)) for r in regs]


def _bare_xlsx(headers, rows):
    """The floor the exports are compared with: XlsxWriter in constant-memory mode, one write_row per row."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, list(headers))
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    workbook.close()
    return out.getvalue()


def import_file(n):
    rng = random.Random(7)  # nosec B311  # reproducible benchmark data
    values = []
    for i in range(1, n + 1):
        p = scale_seed._person(rng, 50_000 + i)
        values.append([p["nama_lengkap"], "", p["jabatan"], p["instansi"], p["kabupaten"], p["provinsi"],
                       p["email"], p["phone"], p["jenis_kelamin"], "", "", ""])
    return write_csv(roster.ROSTER_HEADERS, values), values


def measure_import(client, app, ids, n, report):
    data, values = import_file(n)
    with app.app_context():
        rows = [{"training_id": ids["empty"], "seq": i, "number": f"X-{i}", "status": "registered",
                 "nama_lengkap": v[0], "jenis_kelamin": v[8], "email": v[6]} for i, v in enumerate(values, 1)]
        ref = timed(lambda: db.session.execute(sa.insert(Registration), rows), 1)[0]
        db.session.rollback()
    seconds, response = timed(lambda: client.post(
        f"/kelola/pelatihan/{ids['empty']}/peserta/impor", data={"file": (io.BytesIO(data), "peserta.csv")},
        content_type="multipart/form-data"), 1)
    assert response.status_code == 302, response.data[:2000]  # nosec B101  # benchmark sanity
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
            Registration.training_id == ids["empty"]))
        numbers = db.session.scalars(sa.select(Registration.seq).where(
            Registration.training_id == ids["empty"]).order_by(Registration.seq)).all()
    assert count == n and numbers == list(range(1, n + 1)), "import lost rows or numbers"  # nosec B101
    report(f"roster import, {n} rows (CSV, import page)", _seconds(seconds), "s", IMPORT_S, _seconds(ref))


def _seconds(timing):
    return tuple(ms / 1000 for ms in timing)


def reporter():
    """report(label, (wall, cpu), unit, goal, reference (wall, cpu) or None): one line; the goal is judged on CPU
    time (robust against other processes' load), the ratio is CPU time over the reference's CPU time."""
    failures = []

    def report(label, value, unit, goal, reference):
        wall, cpu = value
        ok = cpu <= goal
        failures.extend([] if ok else [label])
        ref = f"{reference[1]:8.1f} {unit:<2} ×{cpu / max(reference[1], 1e-9):6.1f}" if reference else " " * 20
        print(f"{label:<44} wall {wall:8.1f} {unit:<2} cpu {cpu:8.1f} {unit:<2} goal ≤ {goal:>5} {unit:<2} "
              f"ref {ref}  {'ok' if ok else 'OVER'}", flush=True)
    return report, failures


def _load():
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=8000, help="participants of the training (default 8000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page, best counts (default 3)")
    parser.add_argument("--database-url", help="PostgreSQL URL (a private schema is created and dropped)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a figure is over its goal")
    parser.add_argument("--exports-only", action="store_true", help="only the XLSX exports (best of --repeat)")
    parser.add_argument("--no-freeze", action="store_true", help="leave the start-up heap to the cyclic collector "
                        "(the server freezes it, bimtek.prefork; without, every page pays for the seeding's heap)")
    parser.add_argument("--pages-only", action="store_true", help="only the organizer pages")
    parser.add_argument("--match", default="", help="only the pages whose label contains this text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, cleanup = build_app(args.database_url, pathlib.Path(tmp))
        try:
            ids = seed(app, args.n)
            if not args.no_freeze:  # as gunicorn's master does before forking (bimtek.prefork): the heap built
                gc.collect()        # so far (here: the app and the seeding) is out of the cyclic collector's way
                gc.freeze()
            report, failures = reporter()
            print(f"database: {'PostgreSQL' if args.database_url else 'SQLite'}; load average {_load()}; reference ="
                  " a bare query / insert / XlsxWriter constant-memory write over the same rows, same run", flush=True)
            if args.exports_only:
                client = app.test_client()
                with app.app_context():
                    sign_in(client, db.session.get(User, ids["admin"]))
                measure_exports(client, app, ids, report, args.repeat)
            else:
                if args.match in "report page (laporan)":
                    compute_report_figures(app, ids, args.repeat)
                client = measure_pages(app, ids, args.repeat, reference_query(app, ids["training"]), report,
                                       args.match)
                if args.match in "report page (laporan)":
                    compute_report_figures(app, ids, args.repeat, client)
                if args.pages_only:
                    return _finish(failures, args.strict)
                measure_verdicts(app, ids, args.repeat, report)
                measure_exports(client, app, ids, report)
                measure_import(client, app, ids, args.n, report)
        finally:
            cleanup()
    return _finish(failures, args.strict)


def _finish(failures, strict):
    print(f"load average at the end {_load()}")
    print("all goals met" if not failures else f"{len(failures)} over goal: {', '.join(failures)}")
    return 1 if failures and strict else 0


if __name__ == "__main__":
    sys.exit(main())
