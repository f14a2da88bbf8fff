"""Finding 6: nothing orphaned in the file store.

* Discarding a staged attendance upload ("Batalkan unggahan") removes its stored file when nothing else refers
  to it (and keeps it when something does); so does deleting an uploaded file.
* `flask --app bimtek gc-files [--dry-run]` removes unreferenced files only: every table that refers to stored
  files is consulted (including the signature/stamp digests frozen in certificate snapshots).
* Every digest column declares whether it refers to the store, so a new table cannot be forgotten.
"""
import os
import time

import sqlalchemy as sa

from bimtek.accounts.models import Duty
from bimtek.attendance.models import AttendanceFile
from bimtek.certificates import services as certificates
from bimtek.core.storage import app_storage
from bimtek.extensions import db as _db
from tests.factories import make_registration, make_staff, make_training
from tests.integration.certificate_helpers import certificate_training, png_bytes
from tests.integration.test_attendance_flow import MORNING, apply, upload, zoom_csv
from tests.security.test_idor import issue_test_certificate

OLD = time.time() - 2 * 86400


def _attendance_setup(login_as):
    training = make_training(days=1, materi_jp=(4, 3))
    make_registration(training, name="Siti Aminah", email="siti@example.id")
    login_as(make_staff(training, Duty.PANITIA))
    return training


def _discard(client, training, session):
    return client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/batalkan")


def test_discarding_a_staged_upload_removes_its_file(client, db, login_as):
    training = _attendance_setup(login_as)
    session = training.sessions[0]
    upload(client, training, session, ("a.csv", MORNING))
    digest = db.session.scalar(sa.select(AttendanceFile.sha256))
    assert app_storage().exists(digest)
    assert _discard(client, training, session).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(AttendanceFile.id))) == 0
    assert not app_storage().exists(digest)


def test_a_discarded_file_still_used_elsewhere_stays(client, db, login_as):
    training = _attendance_setup(login_as)
    first, second = training.sessions
    upload(client, training, first, ("pagi.csv", MORNING))
    apply(client, training, first)
    upload(client, training, second, ("salah-sesi.csv", MORNING))  # same bytes, staged for the wrong session
    _discard(client, training, second)
    digest = db.session.scalar(sa.select(AttendanceFile.sha256))
    assert db.session.scalar(sa.select(sa.func.count(AttendanceFile.id))) == 1 and app_storage().exists(digest)


def test_deleting_an_uploaded_file_removes_its_stored_file(client, db, login_as):
    training = _attendance_setup(login_as)
    session = training.sessions[0]
    upload(client, training, session, ("a.csv", zoom_csv([("Siti Aminah", "", "08:00 AM", "12:00 PM")])))
    apply(client, training, session)
    item = db.session.scalar(sa.select(AttendanceFile))
    client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/berkas/{item.id}/hapus")
    assert not app_storage().exists(item.sha256)


def _age(digest):
    os.utime(app_storage().path_for(digest), (OLD, OLD))


def test_gc_files_removes_only_unreferenced_files(app, db, runner):
    training, signer = certificate_training(everyone_passes=True)
    cert = issue_test_certificate(make_registration(training))
    settings = certificates.settings_for(training)
    signature = settings.signature_sha256
    frozen = {**cert.snapshot, "signature_sha256": signature}  # as a rendered certificate would have it
    cert.snapshot = frozen
    certificates.save_settings(signer, training, {**{k: getattr(settings, k) for k in (
        "number_template", "signer_jabatan", "signer_name", "place", "design")}}, signature=png_bytes((220, 90)))
    db.session.commit()
    storage = app_storage()
    orphan, young = storage.put(b"tidak dirujuk siapa pun"), storage.put(b"baru saja diunggah")
    referenced = [cert.sha256, signature, settings.stamp_sha256, certificates.settings_for(training).signature_sha256]
    for digest in referenced + [orphan]:
        _age(digest)
    dry = runner.invoke(args=["gc-files", "--dry-run"])
    assert dry.exit_code == 0 and f"akan dihapus: {orphan}" in dry.output and "1 berkas tanpa rujukan" in dry.output
    assert storage.exists(orphan)
    run = runner.invoke(args=["gc-files"])
    assert run.exit_code == 0 and f"dihapus: {orphan}" in run.output, run.output
    assert not storage.exists(orphan) and storage.exists(young)
    assert all(storage.exists(d) for d in referenced)  # incl. the old signature only a snapshot still names


def test_every_digest_column_says_whether_it_refers_to_the_file_store():
    undeclared = [f"{table.name}.{column.name}" for table in _db.metadata.sorted_tables for column in table.columns
                  if ("sha256" in column.name or "digest" in column.name) and "stored_file" not in column.info]
    assert undeclared == []
