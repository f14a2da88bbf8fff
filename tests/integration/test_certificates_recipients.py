"""Certificates for narasumber, moderators, MC and panitia end to end: the PDF says 'sebagai Narasumber pada …'
with the materi and its JP, the QR decodes to the verification page, numbering (shared or own), revocation and
the bulk job."""
import sqlalchemy as sa

from bimtek.accounts.models import Role
from bimtek.certificates import services
from bimtek.certificates.models import Certificate
from bimtek.certificates.services import recipients as service
from bimtek.core.storage import app_storage
from bimtek.jobs.models import Job
from tests.factories import make_user
from tests.integration.certificate_helpers import certificate_training, eligible_registration, pdf_text, qr_codes


def _training():
    training, signer = certificate_training(everyone_passes=True)
    training.materi[0].title, training.materi[0].trainer = "Katalogisasi dengan SLiMS", "Dr. Budi Santoso, M.Kom."
    return training, signer


def test_narasumber_certificate_end_to_end(app, client, db, login_as, tmp_path):
    training, signer = _training()
    login_as(signer)
    assert client.post(f"/kelola/pelatihan/{training.id}/sertifikat/narasumber/dari-materi").status_code == 302
    recipients = service.recipients_of(training)
    assert len(recipients) == 10 and recipients[0].role == "narasumber"
    budi = next(r for r in recipients if r.name == "Dr. Budi Santoso, M.Kom.")
    response = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/narasumber/{budi.id}/terbitkan")
    assert response.status_code == 302
    cert = db.session.scalar(sa.select(Certificate).where(Certificate.recipient_id == budi.id))
    pdf = app_storage().get(cert.sha256)
    text = " ".join(pdf_text(pdf).split())
    assert "sebagai Narasumber pada" in text and "Katalogisasi dengan SLiMS" in text and "3 JP" in text
    assert "Dr. Budi Santoso, M.Kom." in text and cert.number in text and "telah mengikuti" not in text
    [url] = qr_codes(pdf, tmp_path)
    assert url == cert.snapshot["verify_url"] and url.endswith(f"/v/{cert.code}")
    page = client.get(f"/v/{cert.code}").get_data(as_text=True)
    assert "Sertifikat sah." in page and "Narasumber" in page
    assert client.get(f"/v/{cert.code}.json").get_json()["role"] == "Narasumber"
    again = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/narasumber/{budi.id}/terbitkan")
    assert again.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 1  # never twice
    [(name, render)] = [e for e in services.tte_entries(training) if cert.code in e[0]]
    tte_text = " ".join(pdf_text(render()).split())  # the BSrE export keeps the role variant
    assert "sebagai Narasumber pada" in tte_text and "Balai Sertifikasi Elektronik" in tte_text
    client.post(f"/kelola/pelatihan/{training.id}/sertifikat/{cert.id}/cabut", data={"reason": "Salah nama"})
    assert "Sertifikat dicabut." in client.get(f"/v/{cert.code}").get_data(as_text=True)


def test_shared_and_own_numbering(db):
    training, signer = _training()
    participant = eligible_registration(training)
    from bimtek.certificates import services as certificates

    first = certificates.issue_certificate(signer, participant)
    moderator = service.add_recipient(signer, training, "Ani Moderator", "moderator")
    shared = service.issue_recipient_certificate(signer, moderator)
    assert (first.seq, shared.seq) == (1, 2) and shared.number.startswith("800/002/")
    service.save_numbering(signer, training, False, "800/{nomor}/NS/{unit}/{tahun}")
    mc = service.add_recipient(signer, training, "Rudi MC", "mc")
    own = service.issue_recipient_certificate(signer, mc)
    assert own.number.startswith("800/001/NS/DKPUS/") and own.seq == -1
    text = pdf_text(app_storage().get(own.sha256))
    assert "sebagai Pembawa Acara (MC) pada" in " ".join(text.split())
    db.session.commit()


def test_bulk_job_issues_everyone_once(app, client, db, login_as):
    training, signer = _training()
    for name, role in (("Ani", "panitia"), ("Rudi", "mc")):
        service.add_recipient(signer, training, name, role)
    db.session.commit()
    app.config["JOBS_SYNCHRONOUS"] = True
    try:
        login_as(signer)
        url = f"/kelola/pelatihan/{training.id}/sertifikat/narasumber"
        assert "Terbitkan semua (2)" in client.get(url).get_data(as_text=True)  # the count the job will issue
        client.post(f"{url}/terbitkan-semua")
        again = client.post(f"{url}/terbitkan-semua", follow_redirects=True).get_data(as_text=True)
        assert "Tidak ada yang diterbitkan" in again  # refused: no "0 dari 0" job
    finally:
        app.config["JOBS_SYNCHRONOUS"] = False
    assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 1
    page = client.get(f"/kelola/pelatihan/{training.id}/sertifikat/narasumber").get_data(as_text=True)
    assert "Panitia" in page and "Pembawa Acara (MC)" in page and "Terbitkan semua (" not in page


def test_only_issuers(client, db, login_as):
    training, _signer = _training()
    login_as(make_user(Role.STAFF))
    assert client.get(f"/kelola/pelatihan/{training.id}/sertifikat/narasumber").status_code == 403


def test_who_may_download_a_speaker_certificate_and_the_verify_page_role(app, client, db, login_as):
    from bimtek.accounts.models import Duty
    from tests.factories import make_staff, make_training
    training, signer = _training()
    moderator = service.add_recipient(signer, training, "Rina <b>Moderator</b>", "moderator")
    cert = service.issue_recipient_certificate(signer, moderator)
    participant = eligible_registration(training)
    db.session.commit()
    url = f"/sertifikat/{cert.id}/unduh"
    with app.test_client() as anonymous:
        assert anonymous.get(url).status_code == 302
        page = anonymous.get(f"/v/{cert.code}").get_data(as_text=True)
        assert "Moderator" in page and "Rina &lt;b&gt;Moderator&lt;/b&gt;" in page and "<b>Moderator</b>" not in page
    for outsider in (participant.user, make_staff(make_training(), Duty.PANITIA), make_user(Role.PESERTA)):
        login_as(outsider)
        assert client.get(url).status_code == 404
    login_as(make_staff(training, Duty.PANITIA))
    assert client.get(url).data.startswith(b"%PDF")


def test_the_same_person_in_the_same_role_is_added_once(db):
    from bimtek.core.errors import ValidationError
    training, signer = _training()
    service.add_recipient(signer, training, "Rudi  MC", "mc")
    try:
        service.add_recipient(signer, training, "rudi mc", "mc")
    except ValidationError as error:
        assert "sudah ada sebagai Pembawa Acara (MC)" in str(error)
    else:
        raise AssertionError("added twice")
    service.add_recipient(signer, training, "Rudi MC", "panitia")  # another role: its own certificate
    assert [r.role for r in service.recipients_of(training)] == ["mc", "panitia"]
