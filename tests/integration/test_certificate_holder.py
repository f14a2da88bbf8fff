"""The certificate holder: the e-mailed download link works after signing in; a revocation is e-mailed."""
import re

import sqlalchemy as sa

from bimtek.accounts.models import Duty
from bimtek.certificates import services
from bimtek.certificates.models import Certificate
from bimtek.mail.models import OutboxMessage
from tests.factories import make_staff
from tests.integration.certificate_helpers import certificate_training, eligible_registration


def _issue(db, client, login_as):
    training, signer = certificate_training()
    registration = eligible_registration(training, email="siti@example.id", name="Siti Aminah, S.IP.")
    login_as(signer)
    client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan/{registration.id}")
    client.post("/akun/keluar")
    return training, signer, registration, db.session.scalar(sa.select(Certificate))


def _body(template):
    from bimtek.extensions import db

    message = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template)
                                 .order_by(OutboxMessage.id.desc())).first()
    import email

    parsed = email.message_from_bytes(message.raw)
    part = next(p for p in parsed.walk() if p.get_content_type() == "text/plain")
    return message, part.get_payload(decode=True).decode()


def test_emailed_download_link_signed_out_lands_on_the_download_after_sign_in(app, db, client, login_as):
    training, signer, registration, cert = _issue(db, client, login_as)
    _, body = _body("certificate_issued")
    link = re.search(r"http://localhost(/sertifikat/\d+/unduh)", body).group(1)

    browser = app.test_client()
    first = browser.get(link)
    assert first.status_code == 302 and "/peserta/masuk?next=" in first.headers["Location"]
    page = browser.get(first.headers["Location"]).get_data(as_text=True)
    assert "Masuk dengan email Anda untuk mengunduh sertifikat." in page  # not a silent redirect
    browser.post("/peserta/masuk/tautan", data={"link-email": "siti@example.id"})
    code = re.search(rb"^\s+(\d{6})\s*$", _body("login_link")[0].raw, re.M).group(1).decode()
    signed_in = browser.post("/peserta/masuk/kode", data={"code": code})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == link
    download = browser.get(link)
    assert download.status_code == 200 and download.mimetype == "application/pdf"


def test_revoking_emails_the_holder_reason_meaning_and_contact(db, client, login_as):
    training, signer, registration, cert = _issue(db, client, login_as)
    make_staff(training, Duty.PANITIA, email="panitia.babel@example.id")
    login_as(signer)
    client.post(f"/kelola/pelatihan/{training.id}/sertifikat/{cert.id}/cabut",
                data={"reason": "Kehadiran sesi 3 ternyata tidak sah"})
    assert db.session.get(Certificate, cert.id).status == "revoked"
    message, body = _body("certificate_revoked")
    assert message.recipient == "siti@example.id" and cert.number in message.subject
    assert "dicabut" in message.subject and "  " not in message.subject
    for text in ("Kehadiran sesi 3 ternyata tidak sah", "tidak berlaku lagi", f"/v/{cert.code}",
                 "panitia.babel@example.id", registration.number, "Yth. Siti Aminah, S.IP."):
        assert text in body


def test_a_refused_revocation_sends_nothing(db, client, login_as):
    training, signer, registration, cert = _issue(db, client, login_as)
    services.revoke_certificate(signer, cert, "sudah dicabut")
    db.session.commit()
    login_as(signer)
    client.post(f"/kelola/pelatihan/{training.id}/sertifikat/{cert.id}/cabut", data={"reason": "lagi"})
    count = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                              .where(OutboxMessage.template == "certificate_revoked"))
    assert count == 0
