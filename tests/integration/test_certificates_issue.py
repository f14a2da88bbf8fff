"""Certificates: eligibility, issuing with a frozen snapshot, PDF content, numbering, revocation and replacement."""
import sqlalchemy as sa

from bimtek.attendance.services import rule_is_frozen
from bimtek.certificates import services
from bimtek.certificates.models import Certificate, CertificateSettings
from bimtek.mail.models import OutboxMessage
from tests.factories import make_registration
from tests.integration.certificate_helpers import (
    approve_rtl,
    attend_all,
    certificate_training,
    eligible_registration,
    pdf_text,
    qr_codes,
)


def test_eligibility_names_the_missing_parts_in_plain_indonesian(db, client, login_as):
    training, _ = certificate_training(rtl_required=True)
    registration = make_registration(training, name="Siti Aminah, S.IP.")
    first = services.eligibility_for(registration)
    assert not first.ok and not first.attendance_ok and not first.rtl_ok
    assert any(line.startswith("Kehadiran belum memenuhi syarat") for line in first.missing)
    assert "RTL belum diisi." in first.missing

    attend_all(registration)
    second = services.eligibility_for(registration)
    assert second.attendance_ok and not second.ok and second.missing == ["RTL belum diisi."]
    login_as(registration.user)
    page = client.get("/peserta").get_data(as_text=True)
    assert "Sertifikat belum dapat diterbitkan karena" in page and "RTL belum diisi." in page

    approve_rtl(registration)
    assert services.eligibility_for(registration).ok
    assert "Anda sudah memenuhi semua syarat" in client.get("/peserta").get_data(as_text=True)


def test_issuing_is_refused_for_ineligible_participants(db, client, login_as):
    training, signer = certificate_training()
    registration = make_registration(training)
    login_as(signer)
    response = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan/{registration.id}",
                           follow_redirects=True)
    assert "belum memenuhi syarat" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0
    db.session.expire_all()
    assert db.session.get(CertificateSettings, services.settings_for(training).id).last_seq == 0


def test_issue_stores_a_frozen_pdf_with_name_number_jp_and_qr(db, client, login_as, tmp_path):
    training, signer = certificate_training()
    registration = eligible_registration(training, name="Zoë Łukasiewicz Núñez, S.Kom.", nip="198609262015051001")
    login_as(signer)
    response = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan/{registration.id}")
    assert response.status_code == 302
    cert = db.session.scalar(sa.select(Certificate))
    assert cert.number == "800/001/DKPUS/2020" and cert.seq == 1 and len(cert.code) >= 20
    assert rule_is_frozen(training)

    pdf = client.get(f"/sertifikat/{cert.id}/unduh").data
    assert services.verification.sha256_hex(pdf) == cert.sha256 == cert.original_sha256
    text = pdf_text(pdf)
    assert "Zoë Łukasiewicz Núñez, S.Kom." in text and "800/001/DKPUS/2020" in text and "30 JP" in text
    assert "19860926 201505 1 001" in text and "Pangkalpinang, 23 Juli 2020" in text
    assert "ditandatangani secara elektronik" not in text
    assert qr_codes(pdf, tmp_path) == [f"http://localhost/v/{cert.code}"]

    # Freezing: editing the registration afterwards changes neither the stored file nor the snapshot.
    registration.nama_lengkap = "Nama Lain Sekali"
    training.name = "Judul Baru"
    db.session.commit()
    assert client.get(f"/sertifikat/{cert.id}/unduh").data == pdf
    db.session.expire_all()
    assert cert.snapshot["person"]["name"] == "Zoë Łukasiewicz Núñez, S.Kom."
    assert services.public_view(cert)["training"] != "Judul Baru"


def test_issue_queues_an_email_with_the_download_link(db, client, login_as):
    training, signer = certificate_training()
    registration = eligible_registration(training, email="siti@example.id")
    login_as(signer)
    client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan/{registration.id}")
    cert = db.session.scalar(sa.select(Certificate))
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "certificate_issued"))
    body = message.raw.decode()
    assert message.recipient == "siti@example.id" and cert.emailed_at is not None
    assert f"http://localhost/sertifikat/{cert.id}/unduh" in body and cert.number in body


def test_numbers_are_never_reused_after_replacement_and_revocation(db, client, login_as):
    training, signer = certificate_training()
    a, b = eligible_registration(training), eligible_registration(training)
    login_as(signer)
    base = f"/kelola/pelatihan/{training.id}/sertifikat"
    client.post(f"{base}/terbitkan/{a.id}")
    first = db.session.scalar(sa.select(Certificate))
    a.nama_lengkap = "Nama Dikoreksi, S.Pd."
    db.session.commit()
    client.post(f"{base}/{first.id}/terbitkan-ulang")
    db.session.expire_all()
    second = db.session.scalar(sa.select(Certificate).where(Certificate.id != first.id))
    assert first.status == "replaced" and first.replaced_by_id == second.id
    assert second.number == "800/002/DKPUS/2020" and second.name == "Nama Dikoreksi, S.Pd."
    assert first.name != second.name

    response = client.post(f"{base}/{second.id}/cabut", data={"reason": ""})
    assert "Alasan pencabutan wajib diisi" in response.get_data(as_text=True)
    client.post(f"{base}/{second.id}/cabut", data={"reason": "Data kehadiran keliru"})
    client.post(f"{base}/terbitkan/{b.id}")
    db.session.expire_all()
    numbers = sorted(c.number for c in db.session.scalars(sa.select(Certificate)))
    assert numbers == ["800/001/DKPUS/2020", "800/002/DKPUS/2020", "800/003/DKPUS/2020"]
    assert db.session.get(Certificate, second.id).status == "revoked"
    from bimtek.audit.models import AuditEntry
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"certificate.issue", "certificate.replace", "certificate.revoke"} <= actions


def test_settings_accept_only_real_images_and_valid_templates(db, client, login_as):
    import io

    from tests.integration.certificate_helpers import SIGNER, png_bytes

    training, signer = certificate_training()
    login_as(signer)
    url = f"/kelola/pelatihan/{training.id}/sertifikat/pengaturan"
    data = {k: v or "" for k, v in SIGNER.items()}
    bad = client.post(url, data={**data, "signature": (io.BytesIO(b"<script>alert(1)</script>"), "ttd.png")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "harus berupa gambar PNG atau JPEG" in bad.get_data(as_text=True)
    wrong = client.post(url, data={**data, "number_template": "800/{urut}/X"}, follow_redirects=True)
    assert "tidak dikenal" in wrong.get_data(as_text=True)
    good = client.post(url, data={**data, "number_template": "{kode}/{nomor}/{bulan_romawi}/{tahun}",
                                  "stamp": (io.BytesIO(png_bytes(fmt="JPEG")), "cap.jpg")},
                       content_type="multipart/form-data")
    assert good.status_code == 302
    db.session.expire_all()
    settings = services.settings_for(training)
    assert settings.number_template == "{kode}/{nomor}/{bulan_romawi}/{tahun}" and settings.stamp_sha256
    assert services.format_number(training, settings, 7) == f"{training.code}/007/VII/2020"
