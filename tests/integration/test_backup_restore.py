"""Restore drill: back up the demo with issued certificates (`flask backup`, a real process), restore it into an
empty database and data folder (`flask restore`), and every certificate downloads byte-identical from the
restored app and verifies on /v/<code>. On SQLite and on PostgreSQL (a fresh database). Refusals exit 1 with
a clear Indonesian message."""
import io
import subprocess  # nosec B404
import sys
import uuid

import pytest
import sqlalchemy as sa

from bimtek import create_app, demo
from bimtek.accounts.models import User
from bimtek.certificates import tasks
from bimtek.certificates.models import Certificate
from bimtek.certificates.services import bulk
from bimtek.config import TestConfig
from bimtek.core.storage import sha256_hex
from bimtek.extensions import db as _db
from bimtek.jobs import services as jobs
from bimtek.trainings.models import Training
from tests.factories import sign_in
from tests.integration import processes


def _flask(env, *args):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "bimtek", *args], env=env,  # nosec B603
                          cwd=processes.ROOT, capture_output=True, text=True, timeout=600)


def _seed_demo_with_certificates(app):
    demo.seed("demo-bimtek-2020")
    _db.session.commit()
    training = _db.session.scalar(sa.select(Training).where(Training.code == "SPP2020"))
    if bulk.eligible_ids(training):  # a bulk issue with nothing to do is refused
        job, _ = tasks.start_bulk_issue(None, training)
        _db.session.commit()
        jobs.run_job(job.id, app)
    certs = _db.session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()
    assert certs  # the demo seed issues what is eligible; the bulk job issues anything left
    return {c.code: (c.id, c.sha256) for c in certs}


@pytest.fixture
def target_database(app, tmp_path):
    """An empty database for the restore: a new SQLite file, or a new PostgreSQL database."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'restored' / 'bimtek.sqlite3'}", {}
        return
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    target = sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    yield target, options
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _restored_app(url, options, data_dir):
    class Restored(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = options or {"pool_pre_ping": True}
        DATA_DIR = str(data_dir)
    return create_app(Restored)


def test_restore_drill_every_certificate_downloads_identical_and_verifies(app, db, tmp_path, target_database):
    issued = _seed_demo_with_certificates(app)
    backup_dir = tmp_path / "cadangan" / "2026-12-01"
    made = _flask(processes.process_env(app), "backup", str(backup_dir))
    assert made.returncode == 0, made.stderr
    assert "Cadangan selesai" in made.stdout and (backup_dir / "manifest.json").is_file()

    url, options = target_database
    data_dir = tmp_path / "restored-data"
    env = processes.process_env(app, BIMTEK_DATA_DIR=data_dir)
    env["DATABASE_URL"] = url + processes.database_url(app)[len(app.config["SQLALCHEMY_DATABASE_URI"]):]
    restored = _flask(env, "restore", str(backup_dir))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Pemulihan selesai" in restored.stdout

    again = _flask(env, "restore", str(backup_dir))  # the target is no longer empty
    assert again.returncode == 1 and "tidak kosong" in again.stderr and "--force" in again.stderr

    other = _restored_app(url, options, data_dir)
    with other.app_context():
        client = other.test_client()
        admin = _db.session.scalar(sa.text("SELECT id FROM users WHERE email = 'admin@dkpus.example.id'"))
        sign_in(client, _db.session.get(User, admin))
        for code, (cert_id, digest) in issued.items():
            pdf = client.get(f"/sertifikat/{cert_id}/unduh")
            assert pdf.status_code == 200 and sha256_hex(pdf.data) == digest
            assert client.get(f"/v/{code}.json").get_json()["status"] == "valid"
            page = client.post(f"/v/{code}", data={"file": (io.BytesIO(pdf.data), "s.pdf")},
                               content_type="multipart/form-data")
            assert page.status_code == 200
            assert _db.session.scalars(sa.text(
                "SELECT result FROM certificate_verifications WHERE kind = 'upload' ORDER BY id DESC")).first() \
                == "current"
        _db.session.remove()
        _db.engine.dispose()


def test_backup_and_restore_refuse_with_clear_messages(app, db, tmp_path):
    env = processes.process_env(app)
    busy = tmp_path / "ada-isi"
    busy.mkdir()
    (busy / "catatan.txt").write_text("jangan ditimpa")
    made = _flask(env, "backup", str(busy))
    assert made.returncode == 1 and "sudah berisi berkas" in made.stderr
    assert [p.name for p in busy.iterdir()] == ["catatan.txt"]
    not_a_backup = _flask(env, "restore", str(busy))
    assert not_a_backup.returncode == 1 and "bukan cadangan bimtek" in not_a_backup.stderr
