"""Issue 12 over HTTP: the bombs of findings 1-3, uploaded through the real routes, get the Indonesian refusal
(naming file, row and column) and nothing is stored; never a 500. Runs on SQLite and PostgreSQL."""

import io

import sqlalchemy as sa

from bimtek.accounts.models import Duty
from bimtek.attendance.models import AttendanceFile
from bimtek.registration.models import Registration
from tests import hostile
from tests.factories import make_staff, make_training
from tests.integration.registration_helpers import open_training

MB = 1024 * 1024


def _count(db, model, **where):
    query = sa.select(sa.func.count(model.id))
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def _upload_log(client, training, session, name, data):
    return client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/unggah",
                       data={"files": [(io.BytesIO(data), name)]}, content_type="multipart/form-data",
                       follow_redirects=True)


def test_attendance_bombs_are_refused_with_a_message(client, db, login_as):
    training = make_training(days=1, materi_jp=(4,))
    login_as(make_staff(training, Duty.PANITIA))
    session = training.sessions[0]
    for name, data, fragment in [
        ("absen.xlsx", hostile.shared_string_bomb(45_000_000, 10_000), "teks bersama (sharedStrings) terlalu besar"),
        ("absen5.xlsx", hostile.shared_string_bomb(5_000_000, 10_000), "baris 2, kolom A: isi sel terlalu panjang"),
        ("sejuta.xlsx", hostile.many_rows_xlsx(1_000_000), "lebih dari 200.000 baris data"),
    ]:
        with hostile.memory_ceiling(400 * MB):
            response = _upload_log(client, training, session, name, data)
        page = response.get_data(as_text=True)
        assert response.status_code < 500 and fragment in page and name in page
    assert _count(db, AttendanceFile, session_id=session.id) == 0


def test_roster_bomb_is_refused_with_a_message(client, db, login_as):
    training = open_training(code="SPP2033", capacity=3)
    login_as(make_staff(training, Duty.PANITIA))
    data = hostile.shared_string_bomb(5_000_000, 2_000 * len(hostile.ROSTER_HEADER), header=hostile.ROSTER_HEADER)
    with hostile.memory_ceiling(400 * MB):
        response = client.post(f"/kelola/pelatihan/{training.id}/peserta/impor",
                               data={"file": (io.BytesIO(data), "peserta.xlsx")}, content_type="multipart/form-data",
                               follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code < 500
    assert "peserta.xlsx" in page and "Baris 2, kolom A: isi sel terlalu panjang" in page
    assert _count(db, Registration, training_id=training.id) == 0


def test_hostile_signed_pdfs_get_a_message_and_a_real_one_still_matches(db, client, login_as):
    """TTE upload: a 150,000-page tree and a 60 MB flate bomb next to a real certificate PDF."""
    from bimtek.certificates import services
    from bimtek.certificates.models import Certificate
    from tests.integration.certificate_helpers import certificate_training, eligible_registration

    training, signer = certificate_training()
    cert = services.issue_certificate(signer, eligible_registration(training, email="p@example.id"))
    db.session.commit()
    login_as(signer)
    base = f"/kelola/pelatihan/{training.id}/sertifikat"
    import zipfile

    from tests.integration.tte_helpers import sign_with_test_key, trust_test_ca

    trust_test_ca(signer, training)
    unsigned = zipfile.ZipFile(io.BytesIO(client.get(f"{base}/tte.zip").data))
    real = sign_with_test_key(unsigned.read(unsigned.namelist()[0]))
    with hostile.memory_ceiling(400 * MB):
        response = client.post(f"{base}/tte", data={"files": [
            (io.BytesIO(hostile.pdf_many_pages(150_000)), f"{cert.code}-halaman.pdf"),
            (io.BytesIO(hostile.pdf_flate_bomb(60 * MB)), f"{cert.code}-bom.pdf"),
            (io.BytesIO(real), "hasil-tte.pdf"),
        ]}, content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code < 500 and "PDF terlalu rumit" in page
    assert "tidak memuat" in page  # the bomb's text is cut off: neither number nor footer is found
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).signed_at is not None  # the real one went through
