"""App mode of bench/certificates.py: for each N, the pure renderer and then the app's own bulk job, side by side."""
import os
import pathlib
import platform
import shutil
import tempfile
import time
from datetime import datetime, timezone

from bench import certificates_app as real
from bench.certificates import pure

GOAL_RATIO, GOAL_RSS_MB = 1.5, 300


def _one_real_run(args, n, work, workers):
    """Seed a fresh database with n eligible registrations and run the job; returns a result dict."""
    work.mkdir(parents=True, exist_ok=True)
    url, worker_url, options, drop = real.private_database(args.database_url, work)
    try:
        app = real.make_app(url, options, work / "data")
        started = time.perf_counter()
        training_id, actor_id, eligible_ids, registrants = real.seed(app, n)
        seed_s = time.perf_counter() - started
        job_id = real.start_job(app, training_id, actor_id)
        if args.redis_url:
            seconds, rss = real.run_rq(app, worker_url, work / "data", job_id, args.redis_url, workers)
        else:
            seconds, rss = real.run_embedded(worker_url, work / "data", job_id)
        counts = real.check(app, training_id, eligible_ids)
        with app.app_context():
            from bimtek.extensions import db

            db.session.remove()
            db.engine.dispose()
        return {"seconds": seconds, "rss": rss, "seed": seed_s, "registrants": registrants, **counts}
    finally:
        drop()
        shutil.rmtree(work, ignore_errors=True)


def _where(args):
    database = "PostgreSQL" if args.database_url else "SQLite"
    return f"{database} + RQ" if args.redis_url else f"{database}, in-process job"


def run_app_mode(args):
    """Print, per N (and per worker count on Redis): pure ms/cert, real ms/cert, ratio, peak RSS, integrity."""
    base = args.out or pathlib.Path(tempfile.mkdtemp(prefix="bench-certs-"))
    worker_counts = args.workers if args.redis_url else [1]
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}; real job on {_where(args)}; pure renderer: {args.processes} processes")
    print(f"{'N':>6} {'workers':>7} {'pure ms/cert':>12} {'real ms/cert':>12} {'real/pure':>9} "
          f"{'peak RSS MB':>11} {'seed s':>7}  integrity")
    results = []
    for n in args.n:
        for workers in worker_counts:
            pure_s, pure_rows = pure(n, args.processes, base / f"pure-{n}")
            shutil.rmtree(base / f"pure-{n}", ignore_errors=True)
            run = _one_real_run(args, n, base / f"real-{n}-{workers}", workers)
            pure_ms, real_ms = 1000 * pure_s / pure_rows, 1000 * run["seconds"] / run["rows"]
            results.append((n, workers, pure_ms, real_ms, run["rss"]))
            print(f"{n:>6} {workers:>7} {pure_ms:>12.2f} {real_ms:>12.2f} {real_ms / pure_ms:>8.2f}x "
                  f"{run['rss']:>11.0f} {run['seed']:>7.1f}  {run['rows']} rows = {run['files']} files = "
                  f"{run['mails']} mails queued, {run['mismatches']} SHA-256 mismatches, numbers 1..{run['rows']} "
                  f"in registration order ({run['registrants']} registrants)", flush=True)
    _summary(results)


def _summary(results):
    largest = max(r[0] for r in results)
    for n, workers, pure_ms, real_ms, rss in results:
        if n != largest:
            continue
        ratio = real_ms / pure_ms
        print(f"N={n}, {workers} worker(s): real/pure {ratio:.2f}x (goal <= {GOAL_RATIO}x: "
              f"{'met' if ratio <= GOAL_RATIO else 'NOT met'}), peak RSS {rss:.0f} MB (goal < {GOAL_RSS_MB} MB: "
              f"{'met' if rss < GOAL_RSS_MB else 'NOT met'})")
    smallest = min(r[0] for r in results)
    if smallest != largest:
        for workers in sorted({r[1] for r in results}):
            per = {r[0]: r[3] for r in results if r[1] == workers}
            print(f"{workers} worker(s): cost per certificate at N={largest} / at N={smallest}: "
                  f"{per[largest] / per[smallest]:.2f}x (does not grow with N when about 1)")
    counts = sorted({r[1] for r in results})
    if len(counts) > 1:  # each run divided by the pure run beside it: the machine's load changes between runs
        ratio = {r[1]: r[3] / r[2] for r in results if r[0] == largest}
        print(f"N={largest}: {counts[-1]} workers vs {counts[0]}, each relative to the pure run beside it: "
              f"{ratio[counts[0]] / ratio[counts[-1]]:.2f}x the speed (>= about 1: not slower)")
    print(f"load average now: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
