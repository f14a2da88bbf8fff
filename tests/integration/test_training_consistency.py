"""Creating/publishing a training refuses what can only be a mistake and warns about what does not fit;
a frozen attendance rule is read-only with its reason; JP are whole numbers; public seats before registering."""
from datetime import date, timedelta

import sqlalchemy as sa

from bimtek.accounts.models import Role
from bimtek.attendance.services import freeze_rule
from bimtek.trainings.models import Materi, Training
from tests.factories import make_registration, make_training, make_user
from tests.integration.registration_helpers import open_training
from tests.integration.test_trainings_foundation import TRAINING_FORM


def _admin(login_as):
    return login_as(make_user(Role.ADMIN))


def test_registration_closing_after_the_training_ended_is_warned(db, client, login_as):
    _admin(login_as)
    data = dict(TRAINING_FORM, registration_closes_at="2020-07-25T17:00")  # training ends 23 Juli 2020
    response = client.post("/kelola/pelatihan/baru", data=data, follow_redirects=True)
    assert response.status_code == 200  # late entries of people who attended are a real need: a warning only
    assert "Pendaftaran ditutup setelah pelatihan berakhir (23 Juli 2020)" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Training.id))) == 1


def test_registration_opening_after_the_training_ended_is_refused(db, client, login_as):
    _admin(login_as)
    data = dict(TRAINING_FORM, registration_opens_at="2020-07-24T08:00", registration_closes_at="2020-07-30T17:00")
    response = client.post("/kelola/pelatihan/baru", data=data)
    assert response.status_code == 400 and "Pendaftaran dibuka setelah pelatihan berakhir" in response.get_data(
        as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Training.id))) == 0


def test_publishing_without_sessions_is_refused_and_an_unscheduled_training_stays_private(db, client, login_as):
    _admin(login_as)
    training = make_training(slots=(), is_published=False)
    data = dict(TRAINING_FORM, code=training.code)
    response = client.post(f"/kelola/pelatihan/{training.id}/ubah", data=data)
    assert response.status_code == 400 and "Pelatihan belum punya sesi" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Training, training.id).is_published is False
    # created with "publish" ticked: stored, but not public until it has a schedule, and the manage page says so
    created = client.post("/kelola/pelatihan/baru", data=dict(TRAINING_FORM, code="BARU2020"), follow_redirects=True)
    assert "belum punya sesi" in created.get_data(as_text=True)
    new = db.session.scalar(sa.select(Training).where(Training.code == "BARU2020"))
    client.post("/akun/keluar")
    anonymous = client.get(f"/pelatihan/{new.id}")
    assert anonymous.status_code != 200
    assert "BARU2020" not in client.get("/pelatihan").get_data(as_text=True)


def test_session_hours_far_from_jp_are_warned(db, client, login_as):
    _admin(login_as)
    training = make_training(materi_jp=(4,))  # 6 sessions, 22,5 hours against 4 JP × 45 minutes
    page = client.get(f"/kelola/pelatihan/{training.id}").get_data(as_text=True)
    assert "Total waktu sesi 22,5 jam tidak sesuai dengan 4 JP × 45 menit = 3 jam" in page
    fitting = make_training()  # 30 JP × 45 minutes = 22,5 hours
    assert "Total waktu sesi" not in client.get(f"/kelola/pelatihan/{fitting.id}").get_data(as_text=True)


def test_jp_must_be_a_whole_number_with_a_clear_message(db, client, login_as):
    _admin(login_as)
    training = make_training(materi_jp=())
    page = client.post(f"/kelola/pelatihan/{training.id}/materi", data={"title": "Advokasi", "jp": "2,5"},
                       follow_redirects=True).get_data(as_text=True)
    assert "JP harus bilangan bulat" in page and "Wajib diisi" not in page
    assert db.session.scalar(sa.select(sa.func.count(Materi.id))) == 0
    client.post(f"/kelola/pelatihan/{training.id}/materi", data={"title": "Advokasi", "jp": "3"})
    assert db.session.scalar(sa.select(Materi.jp)) == 3


def test_frozen_rule_fields_are_read_only_with_the_reason(db, client, login_as):
    _admin(login_as)
    training = make_training(code="SPP2020", start=date(2020, 7, 21))
    freeze_rule(training)
    db.session.commit()
    page = client.get(f"/kelola/pelatihan/{training.id}/ubah").get_data(as_text=True)
    assert "Aturan kehadiran sudah dibekukan" in page
    for name in ("min_session_share", "pass_rule", "min_sessions_share", "min_jp"):
        tag = page[page.index(f'id="{name}"') - 200: page.index(f'id="{name}"') + 200]
        assert "disabled" in tag, name
    data = dict(TRAINING_FORM, name="Nama Baru", min_session_share="10")  # a crafted rule change is ignored
    response = client.post(f"/kelola/pelatihan/{training.id}/ubah", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Training, training.id)
    assert saved.name == "Nama Baru" and saved.min_session_share == 0.75


def test_public_page_shows_remaining_seats_then_full_waiting_list(db, client):
    training = open_training(capacity=2)
    page = client.get(f"/pelatihan/{training.id}").get_data(as_text=True)
    assert "Sisa 2 dari 2 kursi" in page and "Batas pendaftaran" in page
    assert "Pendaftaran ditutup" not in page
    make_registration(training)
    make_registration(training)
    page = client.get(f"/pelatihan/{training.id}").get_data(as_text=True)
    assert "Kuota penuh — Anda akan masuk daftar tunggu" in page and "Daftar ke daftar tunggu" in page
    form = client.get(f"/pelatihan/{training.id}/daftar").get_data(as_text=True)
    assert "Kuota penuh — Anda akan masuk daftar tunggu." in form
    assert "Kuota penuh" in client.get("/pelatihan").get_data(as_text=True)


def test_public_page_before_the_window_says_when_it_opens(db, client):
    from bimtek.core.models import now_utc

    training = open_training(registration_opens_at=now_utc() + timedelta(days=3))
    page = client.get(f"/pelatihan/{training.id}").get_data(as_text=True)
    assert "Pendaftaran belum dibuka" in page and "Pendaftaran dibuka mulai" in page
