"""Roster export/import: Indonesian headers, all-or-nothing import with per-line errors, clean round trip."""
import sqlalchemy as sa

from bimtek.accounts.models import Duty
from bimtek.audit.models import AuditEntry
from bimtek.registration.models import Registration
from tests.factories import make_registration, make_staff, sign_in
from tests.integration.registration_helpers import open_training

HEADER = "Nama Lengkap;NIP;Jabatan;Instansi;Kabupaten/Kota;Provinsi;Email;No. HP;Jenis Kelamin;Pangkat/Golongan\n"


def _count(db, training):
    return db.session.scalar(sa.select(sa.func.count(Registration.id)).where(Registration.training_id == training.id))


def _upload(client, training, name, data):
    from io import BytesIO

    return client.post(f"/kelola/pelatihan/{training.id}/peserta/impor",
                       data={"file": (BytesIO(data), name)}, content_type="multipart/form-data")


def _staffed(client, login_as):
    training = open_training(code="SPP2032", capacity=3)
    login_as(make_staff(training, Duty.PANITIA))
    return training


def test_import_creates_registrations_with_numbers(client, db, login_as):
    training = _staffed(client, login_as)
    body = HEADER + ("Siti Aminah, S.IP.;19860926 201505 2 001;Pustakawan;Dinas Perpustakaan;Bangka;Kep. Babel;"
                     "siti@example.id;0812-3456-7890;P;III/a\n"
                     "Budi;;Pengelola;Perpustakaan Desa;Bangka;Kep. Babel;budi@example.id;+6281234500000;L;\n")
    response = _upload(client, training, "peserta.csv", body.encode())
    assert response.status_code == 302
    regs = db.session.scalars(sa.select(Registration).order_by(Registration.seq)).all()
    assert [(r.number, r.nip, r.phone, r.status) for r in regs] == [
        ("SPP2032-0001", "198609262015052001", "+6281234567890", "registered"),
        ("SPP2032-0002", None, "+6281234500000", "registered")]
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "registration.import"))


def test_import_reports_every_bad_line_and_writes_nothing(client, db, login_as):
    training = _staffed(client, login_as)
    make_registration(training, email="ada@example.id")
    body = HEADER + ("Siti;19861326 201505 2 001;Pustakawan;Dinas;Bangka;Babel;siti@example.id;081234567890;P;\n"
                     "Baik;;Pengelola;Desa;Bangka;Babel;baik@example.id;081234567891;L;\n"
                     ";;Pengelola;Desa;Bangka;Babel;bukan-email;12;L;X/y\n"
                     "Ganda;;Pengelola;Desa;Bangka;Babel;ADA@example.id;081234567892;L;\n")
    response = _upload(client, training, "peserta.csv", body.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Baris 2:" in page and "Baris 4:" in page and "Baris 3:" not in page
    assert "tanggal yang valid" in page and "Format email" in page
    assert "Tidak ada data yang disimpan" in page
    assert _count(db, training) == 1
    # once the file itself is valid, clashes with the database are reported per line too
    fixed = HEADER + ("Baik;;Pengelola;Desa;Bangka;Babel;baik@example.id;081234567891;L;\n"
                      "Ganda;;Pengelola;Desa;Bangka;Babel;ADA@example.id;081234567892;L;\n")
    page = _upload(client, training, "peserta.csv", fixed.encode()).get_data(as_text=True)
    assert "Baris 3:" in page and "sudah terdaftar aktif" in page and "Baris 2:" not in page
    assert _count(db, training) == 1


def test_unknown_registration_number_is_refused(client, db, login_as):
    training = _staffed(client, login_as)
    body = ("Nama Lengkap,Jabatan,Instansi,Kabupaten/Kota,Provinsi,Email,No. HP,Nomor Registrasi\n"
            "Siti,Pustakawan,Dinas,Bangka,Babel,siti@example.id,081234567890,SPP2032-0099\n")
    response = _upload(client, training, "p.csv", body.encode())
    assert response.status_code == 400 and "SPP2032-0099" in response.get_data(as_text=True)
    assert _count(db, training) == 0


def test_export_csv_and_xlsx_reimport_cleanly(client, db, login_as):
    training = _staffed(client, login_as)
    make_registration(training, email="a@example.id", name="Siti Aminah, S.IP.", nip="198609262015052001",
                      pangkat="III/a", jabatan="Pustakawan", phone="+6281234567890", jenis_kelamin="P",
                      kabupaten="Kabupaten Bangka")  # stored data carries the official name
    make_registration(training, email="b@example.id", name="Budi", jabatan="Pengelola", phone="+6281234567891",
                      status="waiting", kabupaten="Kota Pangkal Pinang")
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/kelola/pelatihan/{training.id}/peserta/ekspor.{fmt}")
        assert response.status_code == 200
        data = response.get_data()
        if fmt == "csv":
            text = data.decode("utf-8-sig")
            assert text.splitlines()[0].startswith("Nama Lengkap") and "Nomor Registrasi" in text
            assert "19860926 201505 2 001" in text and "Daftar Tunggu" in text
        before = [(r.number, r.email, r.status, r.nip, r.pangkat) for r in
                  db.session.scalars(sa.select(Registration).order_by(Registration.seq))]
        again = _upload(client, training, f"peserta.{fmt}", data)
        assert again.status_code == 302, again.get_data(as_text=True)
        assert "0 peserta baru, 0 diperbarui" in client.get(again.headers["Location"]).get_data(as_text=True)
        db.session.expire_all()
        after = [(r.number, r.email, r.status, r.nip, r.pangkat) for r in
                 db.session.scalars(sa.select(Registration).order_by(Registration.seq))]
        assert after == before


def test_import_export_rejects_missing_csrf(csrf_app, db):
    from io import BytesIO

    from bimtek.accounts.models import Role
    from tests.factories import make_user

    training = open_training()
    admin = make_user(Role.ADMIN)
    client = csrf_app.test_client()
    sign_in(client, admin)
    response = client.post(f"/kelola/pelatihan/{training.id}/peserta/impor",
                           data={"file": (BytesIO(HEADER.encode()), "p.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
