"""Messages built by pure code (core.messages.Message) read in English on pages, Indonesian in the data (issue 14)."""
import io

import sqlalchemy as sa
from flask import session
from flask_babel import gettext

from bimtek.accounts.models import Role
from bimtek.audit.models import AuditEntry
from bimtek.core.i18n import in_indonesian
from bimtek.trainings import services as training_services
from tests.factories import make_registration, make_training, make_user
from tests.integration.registration_helpers import form, latest_mail_body, open_training
from tests.integration.test_i18n import compiled_catalog  # noqa: F401  (autouse: the .mo from messages.po)


def _english(client):
    client.post("/bahasa/en", data={"next": "/"})


def _page(client, path):
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_attendance_verdict_and_rtl_gate_reason_in_english(client, db, login_as):
    training = make_training()  # 3 days × 2 sessions, no attendance data yet
    make_registration(training, name="Budi Santoso")
    login_as(make_user(Role.ADMIN))
    _english(client)
    overview = _page(client, f"/kelola/pelatihan/{training.id}/kehadiran")
    assert "Attended 0 of 6 sessions (0%), minimum 100%; 6 sessions have no attendance data yet" in overview
    assert "Hadir 0 dari 6 sesi" not in overview
    certificates = _page(client, f"/kelola/pelatihan/{training.id}/sertifikat")
    assert "Action plan not started" in certificates and "RTL belum diisi" not in certificates
    assert "Attended 0 of 6 sessions" in certificates
    client.post("/bahasa/id", data={"next": "/"})
    assert "Hadir 0 dari 6 sesi (0%), minimal 100%; 6 sesi belum ada data kehadiran" in _page(
        client, f"/kelola/pelatihan/{training.id}/kehadiran")


def test_one_row_and_two_rows(client, db, login_as):
    training = make_training()
    make_registration(training)
    login_as(make_user(Role.ADMIN))
    _english(client)
    assert "1 row" in _page(client, f"/kelola/pelatihan/{training.id}/peserta")
    assert "1 rows" not in _page(client, f"/kelola/pelatihan/{training.id}/peserta")
    make_registration(training)
    assert "2 rows" in _page(client, f"/kelola/pelatihan/{training.id}/peserta")


def test_login_redirect_flashes_in_english(client, db):
    make_training()
    _english(client)
    page = _page(client, "/kelola")
    assert "Please sign in to open this page." in page
    response = client.post("/peserta/masuk/t/not-a-real-token", data={"token": "not-a-real-token"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The link is invalid, already used or expired. Ask for a new link." in page
    assert "Tautan tidak valid" not in page


def test_audit_text_is_stored_in_indonesian_and_shown_in_english(client, db, login_as):
    admin = login_as(make_user(Role.ADMIN))
    training = make_training(name="Bimtek Uji")
    training_services.add_materi(admin, training, "Literasi Digital", "Pemateri", 3)
    db.session.commit()
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "training.materi_add")).one()
    assert entry.summary == "Menambah materi Literasi Digital"  # the stored text stays Indonesian
    _english(client)
    page = _page(client, f"/kelola/pelatihan/{training.id}/log")
    assert "Added topic Literasi Digital" in page and "Menambah materi" not in page
    client.post("/bahasa/id", data={"next": "/"})
    assert "Menambah materi Literasi Digital" in _page(client, f"/kelola/pelatihan/{training.id}/log")



def test_emails_stay_indonesian_when_the_visitor_reads_english(client, db):
    training = open_training()
    _english(client)
    assert client.post(f"/pelatihan/{training.id}/daftar", data=form()).status_code == 302
    text = latest_mail_body(form()["email"])
    assert training.dates_text in text and "July" not in text and "Session" not in text


def test_documents_render_in_indonesian_and_the_page_language_comes_back(app, db):
    with app.test_request_context("/"):
        session["locale"] = "en"
        assert gettext("Silakan masuk untuk membuka halaman ini.") == "Please sign in to open this page."
        with in_indonesian():
            assert gettext("Silakan masuk untuk membuka halaman ini.") == "Silakan masuk untuk membuka halaman ini."
        assert gettext("Silakan masuk untuk membuka halaman ini.") == "Please sign in to open this page."


def test_registration_form_errors_in_english(client, db):
    training = open_training()
    _english(client)
    response = client.post(f"/pelatihan/{training.id}/daftar",
                           data=form(nip="19860926 201505 2 00", email="bukan-email", nama_lengkap=""))
    page = response.get_data(as_text=True)
    assert "NIP must be 18 digits, but 17 were entered." in page
    assert "The e-mail address &#39;bukan-email&#39; is not valid." in page
    assert "NIP harus" not in page and "tidak valid" not in page and "wajib diisi" not in page
    client.post("/bahasa/id", data={"next": "/"})
    page = client.post(f"/pelatihan/{training.id}/daftar", data=form(nip="1")).get_data(as_text=True)
    assert "NIP harus 18 digit, tetapi yang diisi 1 digit." in page


def test_nip_warning_after_registering_in_english(client, db):
    training = open_training()
    _english(client)
    response = client.post(f"/pelatihan/{training.id}/daftar",
                           data=form(nip="198609262015052001", jenis_kelamin="L"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The gender digit of the NIP (2 = female) does not match the gender entered (Male)." in page
    assert "Digit jenis kelamin" not in page


def test_roster_import_errors_in_english(client, db, login_as):
    training = open_training()
    login_as(make_user(Role.ADMIN))
    _english(client)
    csv = ("Nama Lengkap;NIP;Jabatan;Instansi;Kabupaten/Kota;Provinsi;Email;No. HP;Jenis Kelamin;Pangkat/Golongan\n"
           "Budi;;Pengelola;Desa;Bangka;Babel;bukan-email;081234567891;L;\n").encode()
    response = client.post(f"/kelola/pelatihan/{training.id}/peserta/impor",
                           data={"file": (io.BytesIO(csv), "peserta.csv")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Row 2: The e-mail address &#39;bukan-email&#39; is not valid." in page
    assert "Baris 2" not in page
