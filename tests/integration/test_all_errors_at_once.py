"""One submission shows every problem at once, next to its field: RTL, registration, create/edit training."""
import io

import sqlalchemy as sa

from bimtek.accounts.models import Role
from bimtek.action_plans.models import ActionPlan
from bimtek.registration.models import Registration
from bimtek.trainings.models import Training
from tests.factories import make_registration, make_training, make_user
from tests.integration.registration_helpers import form as registration_form, open_training
from tests.integration.test_action_plans_workflow import form as rtl_form, valid_rows


def test_rtl_bad_attachment_and_missing_fields_are_shown_together(db, client, login_as):
    training = make_training(code="SPP2020")
    registration = make_registration(training)
    login_as(registration.user)
    rows = valid_rows()
    rows[0].tujuan, rows[2].sasaran = "", ""
    data = rtl_form(rows, action="submit")
    data["attachment"] = (io.BytesIO(b"MZ\x90\x00 bukan pdf"), "rencana.pdf")
    response = client.post(f"/peserta/rtl/{registration.id}", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Lampiran ditolak" in page
    assert "Baris 1: Tujuan wajib diisi." in page and "Baris 3: Sasaran wajib diisi." in page
    assert page.count('class="error"') >= 3  # the file message sits at the file field, the rest at their cells
    plan = db.session.scalar(sa.select(ActionPlan).where(ActionPlan.registration_id == registration.id))
    assert plan.status == "draft" and plan.attachment_digest is None and len(plan.rows) == 3  # rows kept


def test_registration_shows_consent_length_and_domain_errors_in_one_round(db, client):
    training = open_training()
    data = registration_form(jabatan="J" * 250, email="bukan-email", phone="12", nip="123", consent="")
    data.pop("consent", None)
    response = client.post(f"/pelatihan/{training.id}/daftar", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Persetujuan wajib dicentang" in page
    assert "Maksimal 200 karakter." in page or "terlalu panjang" in page
    for field in ("email", "phone", "nip", "jabatan", "consent"):
        assert f'id="{field}"' in page
    errors = page.count('<p class="error">')
    assert errors >= 5, errors  # consent, jabatan, email, phone, NIP — all in the same answer
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


TRAINING = {
    "name": "", "code": "spp 2020", "program": "TPBIS", "organizer_unit": "DKPUS", "organizer_short": "DKPUS",
    "mode": "daring", "meeting_url": "", "city": "Pangkalpinang", "timezone": "Asia/Jakarta",
    "start_date": "2027-05-05", "end_date": "2027-05-03", "registration_opens_at": "2027-04-01T08:00",
    "registration_closes_at": "2027-03-01T08:00", "capacity": "0", "minutes_per_jp": "45",
    "min_session_share": "75", "pass_rule": "sessions", "min_sessions_share": "100",
}


def test_create_training_shows_field_and_date_errors_together(db, client, login_as):
    login_as(make_user(Role.ADMIN))
    response = client.post("/kelola/pelatihan/baru", data=TRAINING)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Wajib diisi.", "Hanya huruf besar A–Z dan angka", "Minimal 1.",
                    "Tanggal selesai tidak boleh sebelum tanggal mulai.",
                    "Penutupan pendaftaran harus setelah pembukaannya."):
        assert message in page, message
    assert db.session.scalar(sa.select(sa.func.count(Training.id))) == 0
