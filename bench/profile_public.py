"""Where the public pages spend their time: cProfile over N requests through the Flask test client (in-process).

The same fresh database as bench/load.py (migrations, demo seed, an open training, one certificate), the same
settings (TRUSTED_PROXIES=1, a different X-Forwarded-For per visitor, CSRF on, rate limits on). Prints CPU
ms per request for the bare Flask endpoint, /sehat, the verify page and registration (GET form + POST with its
CSRF token), then the top functions of each by cumulative time.

    .venv/bin/python bench/profile_public.py [--database sqlite|postgresql] [--requests 200] [--top 25]
        [--only verify|register|sehat]
"""
import argparse
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402  (bench/load.py: the same database set-up)

TOKEN = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"')


DUMP = {}


def _timed(label, count, fn, top, profile=True):
    """Run fn(i) count times (after 5 warm-up calls); print CPU ms per call and the profile's top entries."""
    for i in range(5):
        fn(10_000 + i)
    profiler = cProfile.Profile() if profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for i in range(count):
        fn(i)
    if profiler:
        profiler.disable()
    cpu, wall = (time.process_time() - cpu) * 1000 / count, (time.perf_counter() - wall) * 1000 / count
    print(f"\n== {label}: {cpu:.2f} ms CPU, {wall:.2f} ms wall per call ({count} calls, profiled={bool(profiler)})")
    if profiler and DUMP.get("path"):
        profiler.dump_stats(DUMP["path"])
    if profiler and top:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(top)
    return cpu


GC_TIME = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}


def _watch_gc():
    """Record how often and how long each generation is collected (printed at exit)."""
    import atexit
    import gc

    started = {}

    def callback(phase, info):
        if phase == "start":
            started["t"] = time.perf_counter()
        else:
            entry = GC_TIME[info["generation"]]
            entry[0] += 1
            entry[1] += time.perf_counter() - started["t"]
    gc.callbacks.append(callback)
    atexit.register(lambda: print("gc passes (count, seconds) per generation:", GC_TIME,
                                  "objects tracked:", len(gc.get_objects())))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", choices=("verify", "register", "sehat"))
    parser.add_argument("--no-profile", action="store_true", help="timings only (cProfile adds overhead)")
    parser.add_argument("--dump", help="write the last profile to this file (pstats format)")
    parser.add_argument("--gc-stats", action="store_true", help="count and time the cyclic collector's passes")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bimtek-profile-"))
    database_url, drop = load._database(args.database, tmp)
    env = dict(os.environ, FLASK_APP="bimtek", DATABASE_URL=database_url, BIMTEK_DATA_DIR=str(tmp / "data"),
               SECRET_KEY="load-bench-secret", BASE_URL="http://127.0.0.1:5000", TRUSTED_PROXIES="1",
               PYTHONPATH=str(load.ROOT), JOBS_WATCHDOG="0")
    env.pop("REDIS_URL", None)
    try:
        training_id, code, _, _ = load._setup(env)
        os.environ.update(env)
        os.environ.pop("REDIS_URL", None)
        from bimtek import create_app  # after the environment: bimtek.config reads it at import

        app = create_app()
        if args.gc_stats:
            _watch_gc()
        bare = load.bare()
        bare_client = bare.test_client()
        client = app.test_client()
        profile, top = not args.no_profile, args.top
        DUMP["path"] = args.dump

        def ip(i):
            return {"X-Forwarded-For": f"10.{i // 62500 % 250}.{i // 250 % 250}.{i % 250 + 1}"}

        _timed("bare Flask endpoint", args.requests, lambda i: bare_client.get("/"), 0, False)
        if args.only in (None, "sehat"):
            _timed("/sehat", args.requests, lambda i: client.get("/sehat", headers=ip(i)), top, profile)
        if args.only in (None, "verify"):
            def verify(i):
                assert client.get(f"/v/{code}", headers=ip(i)).status_code == 200
            _timed("verify page", args.requests, verify, top, profile)
        if args.only in (None, "register"):
            path = f"/pelatihan/{training_id}/daftar"

            def register(i):
                visitor = app.test_client()
                page = visitor.get(path, headers=ip(i))
                token = TOKEN.search(page.data).group(1).decode()
                who = f"p{i}"
                response = visitor.post(path, headers=ip(i), data={
                    "csrf_token": token, "nama_lengkap": f"Peserta Profil {who}", "jenis_kelamin": "L",
                    "phone": f"0812{i + 20000:08d}", "email": f"profil{who}@example.id", "jabatan": "Pustakawan",
                    "instansi": "Perpustakaan Desa", "kabupaten": "Bangka",
                    "provinsi": "Kepulauan Bangka Belitung", "consent": "y"})
                assert response.status_code == 302, response.data[:2000]
            _timed("registration (GET form + POST, one visitor)", args.requests, register, top, profile)
    finally:
        drop()


if __name__ == "__main__":
    main()
