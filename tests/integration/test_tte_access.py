"""Who may use the TTE pages: admin and the training's penandatangan only; keys and trust anchors: admin only;
CSRF on every form; the typed secret never lands in the audit log."""
import io

import pytest
import sqlalchemy as sa

from bimtek.accounts.models import Duty, Role
from bimtek.audit.models import AuditEntry
from bimtek.certificates.services import settings_for
from bimtek.jobs.models import Job
from tests import tte_keys
from tests.factories import make_staff, make_training, make_user, sign_in
from tests.integration.tte_helpers import training_with_certificates


def _routes(training_id):
    base = f"/kelola/pelatihan/{training_id}/sertifikat"
    return [("get", f"{base}/tanda-tangan", None),
            ("post", f"{base}/tanda-tangan", {"method": "pkcs12"}),
            ("post", f"{base}/tanda-tangan/mulai", {"secret": tte_keys.P12_PASSWORD}),
            ("get", f"{base}/tte.zip", None),
            ("post", f"{base}/tte", {"files": [(io.BytesIO(b"%PDF-1.7"), "a.pdf")]})]


@pytest.mark.parametrize("who", ["anonymous", "participant", "panitia", "other_signer", "staff"])
def test_only_admin_and_the_trainings_penandatangan_reach_the_tte_pages(db, client, login_as, who):
    training, _signer, _ = training_with_certificates(1)
    other_training = make_training(code="LAIN2020")
    users = {"participant": lambda: make_user(Role.PESERTA),
             "panitia": lambda: make_staff(training, Duty.PANITIA),
             "other_signer": lambda: make_staff(other_training, Duty.PENANDATANGAN),
             "staff": lambda: make_user()}
    if who != "anonymous":
        login_as(users[who]())
    for method, url, data in _routes(training.id):
        response = getattr(client, method)(url, data=data, content_type="multipart/form-data" if data else None)
        assert response.status_code in (302, 403, 404), (who, url, response.status_code)
        if response.status_code == 302:
            assert "/masuk" in response.location or "login" in response.location, (who, url, response.location)
    db.session.expire_all()
    assert settings_for(training).sign_method != "pkcs12" or settings_for(training).pkcs12_sha256 is None
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


def test_the_penandatangan_cannot_upload_a_key_or_trust_anchors(db, client, login_as):
    training, signer, _ = training_with_certificates(1)
    login_as(signer)
    url = f"/kelola/pelatihan/{training.id}/sertifikat/tanda-tangan"
    for field, payload in (("pkcs12", tte_keys.make_p12()), ("anchors", tte_keys.make_ca().pem)):
        data = {"method": "pkcs12", field: (io.BytesIO(payload), "berkas"), "pkcs12_password": tte_keys.P12_PASSWORD}
        html = client.post(url, data=data, content_type="multipart/form-data",
                           follow_redirects=True).get_data(as_text=True)
        assert "Hanya admin" in html, field
    db.session.expire_all()
    settings = settings_for(training)
    assert settings.pkcs12_sha256 is None and settings.anchors_sha256 is None


def test_admin_uploads_the_key_and_its_password_is_nowhere_in_the_audit_log(app, db, client, login_as):
    training, _, _ = training_with_certificates(1)
    login_as(make_user(Role.ADMIN))
    url = f"/kelola/pelatihan/{training.id}/sertifikat/tanda-tangan"
    data = {"method": "pkcs12", "pkcs12": (io.BytesIO(tte_keys.make_p12()), "instansi.p12"),
            "anchors": (io.BytesIO(tte_keys.make_ca().pem), "ca.pem"), "pkcs12_password": tte_keys.P12_PASSWORD}
    client.post(url, data=data, content_type="multipart/form-data")
    db.session.expire_all()
    assert settings_for(training).pkcs12_sha256
    app.config["JOBS_SYNCHRONOUS"] = True  # the job ends before the test does
    try:
        client.post(f"{url}/mulai", data={"secret": tte_keys.P12_PASSWORD})
    finally:
        app.config["JOBS_SYNCHRONOUS"] = False
    assert db.session.scalar(sa.select(Job.status)) == "done"
    for entry in db.session.scalars(sa.select(AuditEntry)).all():
        assert tte_keys.P12_PASSWORD not in repr(entry.details) + repr(entry.summary), entry.action
    for job in db.session.scalars(sa.select(Job)).all():
        assert tte_keys.P12_PASSWORD not in repr(job.params) + repr(job.result) + job.message, job.id


def test_tte_forms_need_the_csrf_token(db, csrf_app):
    training, signer, _ = training_with_certificates(1)
    client = csrf_app.test_client()
    sign_in(client, signer)
    url = f"/kelola/pelatihan/{training.id}/sertifikat/tanda-tangan"
    client.post(url, data={"method": "bsre_seal", "subscriber": "X"})
    client.post(f"{url}/mulai", data={"secret": "x"})
    db.session.expire_all()
    assert settings_for(training).sign_method != "bsre_seal"
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0
