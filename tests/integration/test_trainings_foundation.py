"""Foundation flows through the HTTP layer: trainings, schedule, materi, iCal, roles, CSRF."""
from datetime import datetime, timezone

import pytest
from icalendar import Calendar

from bimtek.accounts.models import Duty, Role
from bimtek.trainings.models import Training, TrainingSession
from tests.factories import make_staff, make_training, make_user, sign_in

TRAINING_FORM = {
    "name": "Bimtek SPP dan TIK", "code": "SPP2020", "program": "TPBIS",
    "organizer_unit": "Dinas Kearsipan dan Perpustakaan Provinsi Kepulauan Bangka Belitung",
    "organizer_short": "DKPUS", "mode": "daring", "meeting_url": "https://zoom.us/j/930", "city": "Pangkalpinang",
    "timezone": "Asia/Jakarta", "start_date": "2020-07-21", "end_date": "2020-07-23",
    "registration_opens_at": "2020-07-01T08:00", "registration_closes_at": "2020-07-20T17:00",
    "capacity": "40", "minutes_per_jp": "45", "min_session_share": "75", "pass_rule": "sessions",
    "min_sessions_share": "100", "is_published": "y",
}


@pytest.fixture
def admin(db):
    return make_user(Role.ADMIN)


def test_admin_creates_training_with_local_window_in_utc(client, login_as, admin, db):
    login_as(admin)
    response = client.post("/kelola/pelatihan/baru", data=TRAINING_FORM)
    assert response.status_code == 302
    training = db.session.scalar(db.select(Training))
    assert training.code == "SPP2020"
    assert training.registration_closes_at == datetime(2020, 7, 20, 10, 0, tzinfo=timezone.utc)  # 17.00 WIB
    assert training.min_session_share == 0.75


def test_duplicate_code_and_bad_dates_give_indonesian_errors(client, login_as, admin, db):
    login_as(admin)
    make_training(code="SPP2020")
    page = client.post("/kelola/pelatihan/baru", data=TRAINING_FORM).get_data(as_text=True)
    assert "Kode SPP2020 sudah dipakai pelatihan lain." in page
    bad = dict(TRAINING_FORM, code="X1", end_date="2020-07-20")
    page = client.post("/kelola/pelatihan/baru", data=bad).get_data(as_text=True)
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in page
    assert db.session.scalar(db.select(db.func.count(Training.id))) == 1


def test_generate_six_sessions_and_show_them_in_wib(client, login_as, admin, db):
    login_as(admin)
    training = make_training(days=3, slots=())
    response = client.post(f"/kelola/pelatihan/{training.id}/sesi/buat", data={
        "slot1_start": "08:00", "slot1_end": "12:00", "slot2_start": "13:00", "slot2_end": "16:30"})
    assert response.status_code == 302
    sessions = db.session.scalars(db.select(TrainingSession).order_by(TrainingSession.starts_at)).all()
    assert len(sessions) == 6
    assert sessions[0].starts_at == datetime(2020, 7, 21, 1, 0, tzinfo=timezone.utc)
    page = client.get(f"/pelatihan/{training.id}").get_data(as_text=True)
    assert "21–23 Juli 2020" in page
    assert page.count("08.00–12.00 WIB") == 3 and page.count("13.00–16.30 WIB") == 3
    assert "Selasa, 21 Juli 2020" in page


def test_overlapping_slots_are_refused_and_nothing_changes(client, login_as, admin, db):
    login_as(admin)
    training = make_training(days=1)
    before = len(training.sessions)
    response = client.post(f"/kelola/pelatihan/{training.id}/sesi/buat", data={
        "slot1_start": "08:00", "slot1_end": "12:00", "slot2_start": "11:00", "slot2_end": "13:00"},
        follow_redirects=True)
    assert "bertumpang tindih" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(TrainingSession.id))) == before


@pytest.mark.parametrize("day, start, end, message", [
    ("2020-07-21", "13:00", "12:00", "jam selesai harus setelah jam mulai"),
    ("2020-07-25", "08:00", "10:00", "di luar tanggal pelatihan"),
    ("2020-07-21", "09:00", "10:00", "bertumpang tindih"),
])
def test_single_session_validation(client, login_as, admin, db, day, start, end, message):
    login_as(admin)
    training = make_training()
    response = client.post(f"/kelola/pelatihan/{training.id}/sesi/tambah",
                           data={"day": day, "start": start, "end": end}, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(TrainingSession.id))) == 6


def test_edit_single_session(client, login_as, admin, db):
    login_as(admin)
    training = make_training()
    session = training.sessions[-1]
    response = client.post(f"/kelola/pelatihan/{training.id}/sesi/{session.id}",
                           data={"day": "2020-07-23", "start": "13:30", "end": "17:00", "title": "Penutupan"})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.starts_at == datetime(2020, 7, 23, 6, 30, tzinfo=timezone.utc)
    assert session.title == "Penutupan" and session.sequence == 1


def test_materi_total_jp_and_reorder(client, login_as, admin, db):
    login_as(admin)
    training = make_training(materi_jp=(2, 3))
    client.post(f"/kelola/pelatihan/{training.id}/materi", data={"title": "TIK", "trainer": "Pelatih", "jp": "4"})
    db.session.refresh(training)
    assert training.total_jp == 9 and training.materi[-1].title == "TIK"
    client.post(f"/kelola/pelatihan/{training.id}/materi/{training.materi[-1].id}/naik")
    db.session.refresh(training)
    assert [m.title for m in training.materi] == ["Materi 1", "TIK", "Materi 2"]
    page = client.get(f"/pelatihan/{training.id}").get_data(as_text=True)
    assert ">9</th>" in page


def test_ical_feed_and_single_session(client, db):
    training = make_training(meeting_url="https://zoom.us/j/930")
    response = client.get(f"/pelatihan/{training.id}/jadwal.ics")
    assert response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 6
    assert events[0].decoded("DTSTART").hour == 8
    assert "https://zoom.us/j/930" in str(events[0]["DESCRIPTION"])
    one = client.get(f"/pelatihan/{training.id}/sesi/{training.sessions[2].id}.ics")
    assert len(Calendar.from_ical(one.data).walk("VEVENT")) == 1
    assert str(Calendar.from_ical(one.data).walk("VEVENT")[0]["UID"]) == str(events[2]["UID"])


def test_unpublished_training_is_hidden_from_public(client, db):
    training = make_training(is_published=False)
    assert client.get(f"/pelatihan/{training.id}").status_code in (302, 401)
    assert training.name not in client.get("/").get_data(as_text=True)


ORGANIZER_PAGES = ["/kelola/pelatihan/{id}/ubah", "/kelola/pelatihan/{id}/staf", "/kelola/pelatihan/{id}/log"]


@pytest.mark.parametrize("path", ORGANIZER_PAGES + ["/kelola/pelatihan/{id}"])
def test_peserta_gets_403_on_organizer_pages(client, login_as, db, path):
    training = make_training()
    login_as(make_user(Role.PESERTA))
    assert client.get(path.format(id=training.id)).status_code == 403


@pytest.mark.parametrize("path", ["/kelola/pelatihan/{id}", "/kelola/pelatihan/{id}/rtl"])
def test_reviewer_of_another_training_gets_403(client, login_as, db, path):
    mine, other = make_training(), make_training()
    reviewer = make_staff(mine, Duty.REVIEWER)
    login_as(reviewer)
    assert client.get(path.format(id=mine.id)).status_code == 200
    assert client.get(path.format(id=other.id)).status_code == 403


def test_staff_duty_limits_actions(client, login_as, db):
    training = make_training()
    login_as(make_staff(training, Duty.PANITIA))
    assert client.get(f"/kelola/pelatihan/{training.id}/ubah").status_code == 403
    assert client.post(f"/kelola/pelatihan/{training.id}/sesi/buat", data={}).status_code == 403
    assert client.get("/kelola/pelatihan/baru").status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    training = make_training()
    response = client.get(f"/kelola/pelatihan/{training.id}")
    assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"]


def test_admin_assigns_and_removes_duties(client, login_as, admin, db):
    login_as(admin)
    training = make_training()
    staff = make_user(Role.STAFF)
    client.post(f"/kelola/pelatihan/{training.id}/staf", data={"user_id": staff.id, "duty": "reviewer"})
    db.session.refresh(training)
    assert [(r.user_id, r.duty) for r in training.staff_roles] == [(staff.id, "reviewer")]
    client.post(f"/kelola/pelatihan/{training.id}/staf/{training.staff_roles[0].id}/hapus")
    db.session.refresh(training)
    assert training.staff_roles == []


def test_csrf_rejection(csrf_app, db):
    client = csrf_app.test_client()
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    response = client.post("/kelola/pelatihan/baru", data=TRAINING_FORM)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Training.id))) == 0


def test_staff_login_logout_and_wrong_password(client, db):
    make_user(Role.ADMIN, email="admin@dkpus.example.id", password="sandi-yang-panjang")
    bad = client.post("/akun/masuk", data={"email": "admin@dkpus.example.id", "password": "salah"})
    assert "Email atau kata sandi salah." in bad.get_data(as_text=True)
    ok = client.post("/akun/masuk", data={"email": "ADMIN@dkpus.example.id", "password": "sandi-yang-panjang"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/kelola")
    assert client.get("/kelola").status_code == 200
    client.post("/akun/keluar")
    assert client.get("/kelola").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/",
                                    "/\\/evil.example", "javascript:alert(1)", "/ok\r\nSet-Cookie: x=1"])
def test_open_redirect_is_ignored(client, db, target):
    make_user(Role.ADMIN, email="a@example.id", password="sandi-yang-panjang")
    response = client.post("/akun/masuk", query_string={"next": target},
                           data={"email": "a@example.id", "password": "sandi-yang-panjang"})
    assert response.headers["Location"].endswith("/kelola")


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_language_switch_does_not_redirect_off_site(client, db, target):
    response = client.post("/bahasa/en", data={"next": target})
    assert response.headers["Location"] == "/"


def test_same_site_next_is_kept(client, db):
    make_user(Role.ADMIN, email="b@example.id", password="sandi-yang-panjang")
    response = client.post("/akun/masuk", query_string={"next": "/kelola/pelatihan/baru"},
                           data={"email": "b@example.id", "password": "sandi-yang-panjang"})
    assert response.headers["Location"].endswith("/kelola/pelatihan/baru")
    assert client.post("/bahasa/id", data={"next": "/pelatihan?x=1"}).headers["Location"] == "/pelatihan?x=1"


def test_security_headers_and_language_switch(client, db):
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    client.post("/bahasa/en", data={"next": "/"})
    assert "Trainings" in client.get("/").get_data(as_text=True) or client.get("/").status_code == 200


def test_error_pages_are_indonesian(client, db):
    page = client.get("/tidak-ada")
    assert page.status_code == 404 and "Halaman tidak ditemukan" in page.get_data(as_text=True)
