"""Benchmark: issue N certificates of one synthetic training end to end, fast path vs naive WeasyPrint.

eligible -> numbered -> PDF -> SHA-256 -> stored as a file + one row in an sqlite3 table.
Default mode (app): the app's own bulk job ("Terbitkan semua": rows, files, e-mails queued, audit) on a real
database seeded with N eligible registrations, beside the pure renderer (no Flask, stdlib sqlite3) in the same
run, for each N; prints cost per certificate, the ratio real/pure and the job process's peak RSS, and checks
every file against its row and the numbers 1..N in registration order. Usage:

    .venv/bin/python bench/certificates.py [--n 1000,8000] [--database-url postgresql://…]
        [--redis-url redis://…/N --workers 1,2] [--processes 2]
    .venv/bin/python bench/certificates.py --mode pure [--n 8000] [--naive-sample 200] [--processes 2] [--out DIR]
"""

import argparse
import datetime as dt
import io
import os
import pathlib
import random
import resource
import sqlite3
import sys
import tempfile
import time

from PIL import Image, ImageDraw

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from bimtek.certificates.numbering import format_number  # noqa: E402
from bimtek.certificates.rendering import font_subsetter, render_batch, render_pdf  # noqa: E402
from bimtek.certificates.verification import new_code, sha256_hex  # noqa: E402
from bimtek.core.dates import format_date_range, place_date_line  # noqa: E402

DESIGN = pathlib.Path(__file__).resolve().parent.parent / "certificates" / "default"
FIRST = ["Ahmad", "Budi", "Siti", "Dewi", "Rizky", "Nur", "Agus", "Sri", "Putri", "Muhammad", "Andi",
         "Rina", "Hendra", "Yusuf", "Fitri", "Dimas", "Ayu", "Bambang", "Lestari", "Wahyu", "Zoë"]
LAST = ["Santoso", "Wijaya", "Lestari", "Hidayat", "Saputra", "Rahmawati", "Kurniawan", "Pratama",
        "Nugroho", "Siregar", "Nasution", "Simanjuntak", "Harahap", "Syahputra", "Łukasiewicz Núñez"]
GELAR = ["", "", "S.Sos.", "S.Kom.", "S.IPI.", "S.Pd.", "A.Md.", "M.Si.", "S.E., M.M."]
INSTANSI = ["Dinas Perpustakaan Kabupaten Bangka Barat", "Dinas Perpustakaan Kabupaten Bangka Selatan",
            "Dinas Perpustakaan Kabupaten Bangka Tengah", "Perpustakaan Desa Air Bara",
            "Taman Bacaan Masyarakat Cahaya Ilmu", "Dinas Kearsipan dan Perpustakaan Kota Pangkalpinang"]


def _png(draw_fn, size):
    """A small synthetic PNG (signature or stamp) drawn with Pillow."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw_fn(ImageDraw.Draw(image))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def shared_context():
    """The synthetic training every certificate shares."""
    start, end = dt.date(2020, 7, 21), dt.date(2020, 7, 23)
    return {
        "unit_name": "Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung",
        "training_name": "Bimbingan Teknis Strategi Pengembangan Perpustakaan dan TIK (SPP-TIK) "
                         "Program TPBIS Tahun 2020",
        "dates_text": format_date_range(start, end),
        "place_date": place_date_line("Pangkalpinang", end),
        "materi": [("Kebijakan Transformasi Perpustakaan Berbasis Inklusi Sosial", 4),
                   ("Strategi Peningkatan Layanan Informasi", 8), ("Pelibatan Masyarakat", 6),
                   ("Advokasi dan Kemitraan", 6), ("Penyusunan Rencana Tindak Lanjut", 6)],
        "signer": {"jabatan": "Kepala Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung",
                   "name": "Dr. Asyraf Suryadin, S.Sos., M.Si.", "pangkat": "Pembina Utama Muda (IV/c)",
                   "nip": "197001011990031001"},
        "signature": _png(lambda d: d.line([(30, 140), (90, 40), (120, 150), (170, 60), (210, 130),
                                            (300, 90), (370, 110)], fill=(20, 30, 90, 255), width=6),
                          (400, 200)),
        "stamp": _png(lambda d: (d.ellipse((10, 10, 290, 290), outline=(60, 60, 170, 190), width=10),
                                 d.ellipse((60, 60, 240, 240), outline=(60, 60, 170, 190), width=5)),
                      (300, 300)),
    }


def participants(n, rng):
    """N synthetic registrants; about 90% attended enough to be eligible."""
    for i in range(n):
        gelar = rng.choice(GELAR)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}" + (f", {gelar}" if gelar else "")
        nip = f"19{rng.randint(60, 99)}0{rng.randint(1, 9)}1{rng.randint(0, 2)}20{rng.randint(10, 20)}0" \
              f"{rng.randint(1, 9)}{rng.randint(1, 2)}{rng.randint(1, 999):03d}" if rng.random() < 0.6 else None
        yield {"id": i + 1, "name": name, "nip": nip, "instansi": rng.choice(INSTANSI),
               "attendance": rng.choice((1.0, 1.0, 1.0, 0.9, 0.85, 0.5))}


def open_db(path):
    """sqlite3 table standing in for the app's certificates table."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS certificate (id INTEGER PRIMARY KEY, participant_id INTEGER,"
               " number TEXT UNIQUE, code TEXT UNIQUE, name TEXT, sha256 TEXT, path TEXT, size INTEGER,"
               " issued_at TEXT)")
    return db


def number_people(eligible, issued_on, base_url):
    """Allocate sequence numbers, numbers and verification codes (what the service layer will do)."""
    people = []
    for seq, p in enumerate(eligible, start=1):
        code = new_code()
        people.append({**p, "key": code, "code": code, "verify_url": f"{base_url}/v/{code}",
                       "number": format_number("800/{nomor}/DKPUS/{tahun}", seq, issued_on=issued_on)})
    return people


def issue(people, shared, out_dir, db, processes):
    """Render, hash, store and record every certificate; return seconds taken."""
    by_code = {p["code"]: p for p in people}
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    rows, started = [], time.perf_counter()
    for code, pdf in render_batch(DESIGN, shared, people, processes=processes):
        path = out_dir / f"{code}.pdf"
        path.write_bytes(pdf)
        p = by_code[code]
        rows.append((p["id"], p["number"], code, p["name"], sha256_hex(pdf), str(path), len(pdf), now))
    db.executemany("INSERT INTO certificate (participant_id, number, code, name, sha256, path, size,"
                   " issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    return time.perf_counter() - started


def naive(people, shared, out_dir):
    """The naive way: one full WeasyPrint render per certificate, one process; return seconds."""
    started = time.perf_counter()
    for p in people:
        pdf = render_pdf(DESIGN, {**shared, **p})
        (out_dir / f"naive-{p['code']}.pdf").write_bytes(pdf)
        sha256_hex(pdf)
    return time.perf_counter() - started


def _cpu_seconds():
    """CPU time of this process and its reaped children (the pool workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def pure(n, processes, out_dir):
    """The pure renderer alone on n certificates: (seconds, rows stored) into a fresh sqlite3 table."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2020)
    registrants = list(participants(n * 5 // 4, rng))
    eligible = [p for p in registrants if p["attendance"] >= 0.8][:n]
    people = number_people(eligible, dt.date(2020, 7, 23), "https://sertifikat.dkpus.babelprov.go.id")
    db = open_db(out_dir / "certificates.sqlite3")
    seconds = issue(people, shared_context(), out_dir, db, processes)
    return seconds, db.execute("SELECT COUNT(*) FROM certificate").fetchone()[0]


def run_pure_only(args):
    """The original benchmark: fast path on N vs the naive WeasyPrint path on a sample."""
    out_dir = args.out or pathlib.Path(tempfile.mkdtemp(prefix="bench-certs-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2020)
    shared = shared_context()
    start = time.perf_counter()
    n = args.n[-1]
    registrants = list(participants(n * 5 // 4, rng))
    eligible = [p for p in registrants if p["attendance"] >= 0.8][:n]
    people = number_people(eligible, dt.date(2020, 7, 23), "https://sertifikat.dkpus.babelprov.go.id")
    db = open_db(out_dir / "certificates.sqlite3")
    cpu_before = _cpu_seconds()
    fast_s = issue(people, shared, out_dir, db, args.processes)
    fast_cpu = _cpu_seconds() - cpu_before
    total_s = time.perf_counter() - start
    count = db.execute("SELECT COUNT(*), SUM(size) FROM certificate").fetchone()
    sample = people[:args.naive_sample]
    cpu_before = _cpu_seconds()
    naive_s = naive(sample, shared, out_dir) if sample else float("nan")
    naive_cpu = (_cpu_seconds() - cpu_before) / max(len(sample), 1)
    fast_rate, naive_rate = len(people) / fast_s, len(sample) / naive_s
    print(f"font subsetter used by WeasyPrint: {font_subsetter()}")
    print(f"registrants {len(registrants)}, issued {len(people)}, rows in sqlite {count[0]}, "
          f"avg PDF {count[1] / max(count[0], 1) / 1024:.1f} KiB, out {out_dir}")
    print(f"fast:  {len(people)} certificates in {fast_s:.2f} s ({total_s:.2f} s incl. numbering) "
          f"= {fast_rate:.0f} cert/s, {1000 / fast_rate:.2f} ms/cert, {args.processes} processes, "
          f"CPU {1000 * fast_cpu / len(people):.2f} ms/cert")
    print(f"naive: {len(sample)} certificates in {naive_s:.2f} s = {naive_rate:.1f} cert/s, "
          f"{1000 / naive_rate:.1f} ms/cert, 1 process, CPU {1000 * naive_cpu:.1f} ms/cert")
    print(f"load average now: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"ratio: {fast_rate / naive_rate:.1f}x (vs naive on {args.processes} ideal processes: "
          f"{fast_rate / (naive_rate * args.processes):.1f}x)")


def _numbers(text):
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("app", "pure"), default="app",
                        help="app (default): the app's own bulk job beside the pure renderer; "
                             "pure: the renderer alone vs naive WeasyPrint")
    parser.add_argument("--n", type=_numbers, default=[1000, 8000], help="certificates, e.g. 1000,8000")
    parser.add_argument("--database-url", help="PostgreSQL URL (a private schema is used); default a SQLite file")
    parser.add_argument("--redis-url", help="run the job on RQ workers on this Redis (default: in-process)")
    parser.add_argument("--workers", type=_numbers, default=[1], help="RQ worker counts to compare, e.g. 1,2")
    parser.add_argument("--naive-sample", type=int, default=200, help="certificates for the naive timing (pure)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--out", type=pathlib.Path, help="output folder (default: a temporary one)")
    return parser.parse_args(argv)


def main(argv=None):
    """Run the benchmark and print the numbers."""
    args = parse_args(argv)
    if args.mode == "pure":
        run_pure_only(args)
        return
    from bench.certificates_report import run_app_mode

    run_app_mode(args)


if __name__ == "__main__":
    main()
