"""Bulk electronic signing as a background job: progress, one signed version per certificate, and the secret
typed at signing time never at rest (database rows, job parameters, logs, Redis)."""
import logging

import sqlalchemy as sa

from bimtek.certificates import secret_handoff, signing_tasks
from bimtek.certificates.services import tte
from bimtek.extensions import db as _db
from bimtek.jobs.models import Job
from tests import tte_keys
from tests.integration.tte_helpers import assert_signed_by_test_key, stored_pdf, training_with_certificates

SECRET = "Rahasia-Unik-7f3a9c"


def _configure_key(training, signer, password=SECRET):
    tte.store_pkcs12(signer, training, tte_keys.make_p12(password=password), password)
    _db.session.commit()


def _every_row_text(db):
    """Every value of every table, as text (to look for the secret anywhere in the database)."""
    out = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).all():
            out.append(repr(tuple(row)))
    return "\n".join(out)


def test_signing_job_signs_all_and_the_secret_never_rests(app, db, client, login_as, tmp_path, caplog):
    training, signer, certs = training_with_certificates(3)
    _configure_key(training, signer)
    login_as(signer)
    app.config["JOBS_SYNCHRONOUS"] = True
    caplog.set_level(logging.DEBUG)
    try:
        response = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/tanda-tangan/mulai",
                               data={"secret": SECRET}, follow_redirects=True)
    finally:
        app.config["JOBS_SYNCHRONOUS"] = False
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Penandatanganan massal dimulai" in page
    job = db.session.scalar(sa.select(Job).where(Job.kind == signing_tasks.JOB_SIGN_ALL))
    assert job.status == "done" and job.result["signed"] == 3 and job.done == 3 and job.total == 3
    assert job.params == {"method": "pkcs12"}
    for cert in certs:
        assert_signed_by_test_key(stored_pdf(cert), tmp_path / str(cert.id))
    assert SECRET not in _every_row_text(db)
    assert SECRET not in caplog.text
    assert secret_handoff.take(job.id) is None  # taken once, gone


def test_wrong_password_is_refused_before_any_job_exists(app, db, client, login_as):
    training, signer, (cert,) = training_with_certificates(1)
    _configure_key(training, signer)
    login_as(signer)
    page = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/tanda-tangan/mulai",
                       data={"secret": "salah"}, follow_redirects=True).get_data(as_text=True)
    assert "Kata sandi PKCS#12 salah" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0
    db.session.refresh(cert)
    assert cert.signed_at is None


def test_a_job_resumed_without_its_secret_fails_with_a_clear_message(app, db):
    training, signer, _ = training_with_certificates(1)
    _configure_key(training, signer)
    from bimtek.jobs import services as jobs

    job = jobs.enqueue_exclusive(signing_tasks.JOB_SIGN_ALL, signer, training.id, method="pkcs12")
    _db.session.commit()
    jobs.run_job(job.id, app)  # no hand-over: as after a crash and a take-over by another process
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "failed" and "tidak pernah disimpan" in job.message


REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_dump(redis):
    """Every key and value of the test Redis database (strings, hashes, lists, sets, sorted sets) as bytes."""
    out = []
    for key in redis.scan_iter():
        kind = redis.type(key)
        value = {b"string": redis.get, b"hash": redis.hgetall, b"list": lambda k: redis.lrange(k, 0, -1),
                 b"set": redis.smembers, b"zset": lambda k: redis.zrange(k, 0, -1)}.get(kind, lambda k: b"")(key)
        out.append(repr((key, value)).encode())
    return b"\n".join(out)


def test_on_rq_workers_the_secret_crosses_redis_only_encrypted_and_briefly(app, db, client, login_as, tmp_path):
    import os
    import subprocess
    import sys
    import time

    import pytest
    from redis import Redis

    from tests.integration.processes import ROOT, process_env

    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        redis.ping()
    except Exception:  # noqa: BLE001
        pytest.skip("Redis at 127.0.0.1:6379 is not available")
    queue = f"bimtek-tte-{os.getpid()}-{time.monotonic_ns()}"
    training, signer, certs = training_with_certificates(2)
    _configure_key(training, signer)
    login_as(signer)
    app.config.update(REDIS_URL=REDIS_URL, JOBS_QUEUE=queue)
    try:
        client.post(f"/kelola/pelatihan/{training.id}/sertifikat/tanda-tangan/mulai", data={"secret": SECRET})
    finally:
        app.config.update(REDIS_URL=None, JOBS_QUEUE="bimtek")
    job = db.session.scalar(sa.select(Job).where(Job.kind == signing_tasks.JOB_SIGN_ALL))
    assert job.status == "queued"
    waiting = _redis_dump(redis)
    assert secret_handoff.redis_key(job.id).encode() in waiting and SECRET.encode() not in waiting
    assert 0 < redis.ttl(secret_handoff.redis_key(job.id)) <= secret_handoff.HANDOFF_SECONDS

    env = process_env(app, REDIS_URL=REDIS_URL, JOBS_QUEUE=queue, SECRET_KEY=app.config["SECRET_KEY"])
    run = subprocess.run([sys.executable, "-m", "flask", "--app", "bimtek", "run-worker", "--burst"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "done" and job.result["signed"] == 2, (job.message, run.stderr[-2000:])
    for cert in certs:
        assert_signed_by_test_key(stored_pdf(cert), tmp_path / str(cert.id))
    assert not redis.exists(secret_handoff.redis_key(job.id))
    assert SECRET.encode() not in _redis_dump(redis)
    assert SECRET not in run.stdout + run.stderr and SECRET not in _every_row_text(db)
    from rq import Queue

    Queue(queue, connection=redis).delete(delete_jobs=True)
