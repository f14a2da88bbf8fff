"""Public verification (HTML + JSON, states, log, hash check), downloads, ZIP, signed PDFs and CSRF."""
import io
import zipfile

import sqlalchemy as sa

from bimtek.accounts.models import Duty
from bimtek.certificates import services
from bimtek.certificates.models import Certificate, Verification
from bimtek.core.storage import app_storage
from bimtek.extensions import db as _db
from tests.factories import make_staff, make_training, sign_in
from tests.integration.certificate_helpers import certificate_training, eligible_registration, pdf_text
from tests.integration.tte_helpers import sign_with_test_key, trust_test_ca

PUBLIC_KEYS = {"status", "status_label", "revoked_reason", "name", "training", "organizer", "dates", "jp", "code",
               "number", "issued_on", "signer", "electronic_signature"}


def _issued(signer, *registrations):
    return [services.issue_certificate(signer, r) for r in registrations]


def _world(db, n=2):
    training, signer = certificate_training()
    regs = [eligible_registration(training, email=f"p{i}@example.id", nip="198609262015051001",
                                  instansi="Instansi Rahasia") for i in range(n)]
    certs = _issued(signer, *regs)
    db.session.commit()
    return training, signer, regs, certs


def test_verify_page_shows_only_status_name_training_dates_jp_and_logs(db, client):
    training, signer, regs, (cert, other) = _world(db)
    page = client.get(f"/v/{cert.code}", headers={"User-Agent": "PemindaiQR/1.0"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Sertifikat sah." in html and regs[0].nama_lengkap in html
    assert "21–23 Juli 2020" in html and "30 JP" in html
    assert cert.number in html  # printed on the certificate itself, like the issue date and the signer
    for secret in ("p0@example.id", "Instansi Rahasia", "19860926", "198609262015051001"):
        assert secret not in html
    data = client.get(f"/v/{cert.code}.json").get_json()
    assert set(data) == PUBLIC_KEYS and data["status"] == "valid" and data["jp"] == 30
    log = db.session.scalars(sa.select(Verification).order_by(Verification.id)).all()
    assert [(v.kind, v.user_agent) for v in log][0] == ("page", "PemindaiQR/1.0") and log[1].kind == "json"
    assert services.verification_counts(training) == {cert.id: 2}
    assert client.get("/v/tidak-ada-kode-seperti-ini").status_code == 404
    assert client.get("/v/ZZZZZZZZZZZZZZZZZZZZ.json").status_code == 404


def test_revoked_and_replaced_states(db, client):
    training, signer, regs, (cert, other) = _world(db)
    services.revoke_certificate(signer, cert, "Peserta tidak memenuhi syarat kehadiran")
    new = services.reissue_certificate(signer, other)
    db.session.commit()
    html = client.get(f"/v/{cert.code}").get_data(as_text=True)
    assert "Sertifikat dicabut." in html and "Peserta tidak memenuhi syarat kehadiran" in html
    assert client.get(f"/v/{cert.code}.json").get_json()["revoked_reason"] == "Peserta tidak memenuhi syarat kehadiran"
    assert "Sertifikat diganti." in client.get(f"/v/{other.code}").get_data(as_text=True)
    assert client.get(f"/v/{other.code}.json").get_json()["status"] == "replaced"
    assert client.get(f"/v/{new.code}.json").get_json()["status"] == "valid"


def test_uploaded_pdf_is_checked_byte_for_byte(db, client):
    training, signer, regs, (cert, _) = _world(db)
    original = app_storage().get(cert.sha256)
    same = client.post(f"/v/{cert.code}", data={"file": (io.BytesIO(original), "s.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Berkas identik dengan sertifikat yang tersimpan" in same
    changed = original.replace(b"/Producer", b"/Producex", 1) if b"/Producer" in original else original + b"\n%x"
    other = client.post(f"/v/{cert.code}", data={"file": (io.BytesIO(changed), "s.pdf")},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert "TIDAK identik" in other
    results = [v.result for v in db.session.scalars(sa.select(Verification).where(Verification.kind == "upload")
                                                    .order_by(Verification.id))]
    assert results == ["current", "mismatch"]


def _sign(pdf_bytes):
    """Stand-in for signing outside the app (BSrE TTE): a PAdES signature by a test key whose CA is trusted."""
    return sign_with_test_key(pdf_bytes)


def test_signed_pdfs_replace_the_stored_file_and_only_they_carry_the_footer(db, client, login_as):
    training, signer, regs, (cert, other) = _world(db)
    trust_test_ca(signer, training)
    login_as(signer)
    base = f"/kelola/pelatihan/{training.id}/sertifikat"
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{base}/tte.zip").data))
    names = archive.namelist()
    assert len(names) == 2 and all(n.endswith("-tte.pdf") for n in names)
    name = next(n for n in names if cert.code in n)
    unsigned = archive.read(name)
    assert "ditandatangani secara elektronik" in pdf_text(unsigned) and cert.number in pdf_text(unsigned)
    signed = _sign(unsigned)
    old_sha = cert.sha256
    response = client.post(f"{base}/tte", data={"files": [
        (io.BytesIO(signed), "hasil-ttd-01.pdf"),  # matched by the number in its text
        (io.BytesIO(b"bukan pdf sama sekali"), f"{other.code}.pdf"),
        (io.BytesIO(app_storage().get(other.sha256)), f"{other.code}.pdf"),  # no footer: refused
    ]}, content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Berkas bukan PDF" in html and "tidak memuat kalimat tanda tangan elektronik" in html
    db.session.expire_all()
    cert, other = db.session.get(Certificate, cert.id), db.session.get(Certificate, other.id)
    assert cert.sha256 == services.verification.sha256_hex(signed) != old_sha and cert.signed_at
    assert [f.kind for f in cert.files] == ["issued", "signed"] and app_storage().exists(old_sha)
    assert client.get(f"/sertifikat/{cert.id}/unduh").data == signed
    assert "ditandatangani secara elektronik" not in pdf_text(client.get(f"/sertifikat/{other.id}/unduh").data)
    assert other.signed_at is None
    older = client.post(f"/v/{cert.code}", data={"file": (io.BytesIO(app_storage().get(old_sha)), "a.pdf")},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert "versi lama" in older
    assert len(zipfile.ZipFile(io.BytesIO(client.get(f"{base}/tte.zip").data)).namelist()) == 1


def test_downloads_are_limited_to_the_owner_and_the_trainings_organizers(db, client, login_as):
    training, signer, (a, b), (cert_a, cert_b) = _world(db)
    url = f"/sertifikat/{cert_a.id}/unduh"
    assert client.get(url).status_code == 302  # anonymous: to the participant sign-in
    login_as(b.user)
    assert client.get(url).status_code == 404
    assert client.get(f"/sertifikat/{cert_b.id}/unduh").status_code == 200
    login_as(a.user)
    assert client.get(url).status_code == 200
    outsider = make_staff(make_training(), Duty.PENANDATANGAN)
    login_as(outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"/kelola/pelatihan/{training.id}/sertifikat/semua.zip").status_code == 403
    login_as(make_staff(training, Duty.PANITIA))
    assert client.get(url).status_code == 200
    login_as(make_staff(training, Duty.REVIEWER))
    assert client.get(url).status_code == 404
    services.revoke_certificate(signer, cert_a, "Dicabut untuk uji")
    _db.session.commit()
    login_as(a.user)
    assert client.get(url).status_code == 404


def test_zip_streams_every_valid_certificate(db, client, login_as):
    training, signer, regs, certs = _world(db, n=3)
    services.revoke_certificate(signer, certs[2], "uji")
    db.session.commit()
    login_as(signer)
    response = client.get(f"/kelola/pelatihan/{training.id}/sertifikat/semua.zip")
    assert response.is_streamed and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None and len(archive.namelist()) == 2
    for cert in certs[:2]:
        name = next(n for n in archive.namelist() if cert.code in n)
        assert archive.read(name) == app_storage().get(cert.sha256)


def test_forms_reject_requests_without_csrf_token(csrf_app, db):
    training, signer, regs, (cert, _) = _world(db)
    client = csrf_app.test_client()
    sign_in(client, signer)
    base = f"/kelola/pelatihan/{training.id}/sertifikat"
    assert client.post(f"{base}/{cert.id}/cabut", data={"reason": "x"}).status_code == 400
    assert client.post(f"{base}/terbitkan-semua").status_code == 400
    assert client.post(f"/v/{cert.code}", data={"file": (io.BytesIO(b"%PDF-"), "a.pdf")},
                       content_type="multipart/form-data").status_code == 400
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).is_valid


def test_manage_page_lists_participants_and_is_closed_to_others(db, client, login_as):
    training, signer, regs, certs = _world(db)
    login_as(signer)
    html = client.get(f"/kelola/pelatihan/{training.id}/sertifikat").get_data(as_text=True)
    assert certs[0].number in html and "Jumlah verifikasi" in html
    login_as(regs[0].user)
    assert client.get(f"/kelola/pelatihan/{training.id}/sertifikat").status_code == 403


def test_upload_check_is_rate_limited(limited):
    client = limited.test_client()
    url = "/v/abcdefghijkmnpqrstuv"  # unknown code: 404, but every upload attempt still counts
    codes = [client.post(url, data={"file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
                         content_type="multipart/form-data").status_code for _ in range(11)]
    assert codes[:10] == [404] * 10 and codes[10] == 429
    assert client.get(url).status_code == 404  # looking is not limited, only uploading
