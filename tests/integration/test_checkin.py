"""Self check-in: rotating code on the host page, masuk/keluar by the participant inside the window, clear
messages outside it or with an expired/wrong code; the pair is one more identity in the session table, counted
alone or only with a log row as the training says."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bimtek.accounts.models import Duty, User
from bimtek.attendance.checkin import codes, services as checkin
from bimtek.attendance.models import AttendanceIdentity, AttendanceRecord
from tests.factories import make_registration, make_staff, make_training
from tests.integration.test_attendance_flow import apply, upload, zoom_csv


class Clock:
    value = None


@pytest.fixture
def clock(monkeypatch):
    Clock.value = None
    monkeypatch.setattr("bimtek.attendance.checkin_views.now_utc", lambda: Clock.value)
    return Clock


@pytest.fixture
def setup(db, clock):
    training = make_training(code="SPP2020", days=1, materi_jp=(4, 3))
    budi = make_registration(training, name="Budi Santoso", email="budi@example.id")
    siti = make_registration(training, name="Siti Rahayu", email="siti@example.id")
    panitia = make_staff(training, Duty.PANITIA)
    return training, training.sessions[0], budi, siti, panitia


def at(session, minutes):
    return session.starts_at + timedelta(minutes=minutes)


def code_at(db, session, moment):
    return codes.current_code(checkin.secret_for(session), moment)[0]


def submit(client, session, kind, code):
    return client.post(f"/peserta/presensi/{session.id}", data={"kind": kind, "code": code},
                       follow_redirects=True).get_data(as_text=True)


def as_user(login_as, db, registration):
    return login_as(db.session.get(User, registration.user_id))


def test_host_page_shows_the_rotating_code(client, db, login_as, setup, clock):
    training, session, _, _, panitia = setup
    login_as(panitia)
    clock.value = at(session, 10)
    page = client.get(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/presensi-mandiri")
    code = code_at(db, session, clock.value)
    assert page.status_code == 200 and f"{code[:3]} {code[3:]}" in page.get_data(as_text=True)
    assert "<svg" in page.get_data(as_text=True)
    assert 'data-reload-after="' in page.get_data(as_text=True)  # app.js reloads it for the next code (no meta refresh)
    clock.value = at(session, 11)
    later = client.get(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/presensi-mandiri")
    assert code_at(db, session, clock.value) != code and code_at(db, session, clock.value) in \
        later.get_data(as_text=True).replace(" ", "")


def test_window_and_code_messages(client, db, login_as, setup, clock):
    training, session, budi, _, _ = setup
    as_user(login_as, db, budi)
    clock.value = at(session, -45)
    assert "di luar waktu itu" in submit(client, session, "masuk", code_at(db, session, clock.value))
    clock.value = at(session, 10)
    assert "kedaluwarsa" in submit(client, session, "masuk", code_at(db, session, at(session, 5)))
    assert "Kode salah" in submit(client, session, "masuk", "000000" if code_at(db, session, clock.value) != "000000"
                                  else "111111")
    assert "memerlukan presensi masuk" in submit(client, session, "keluar", code_at(db, session, clock.value))
    assert "Presensi masuk tercatat" in submit(client, session, "masuk", code_at(db, session, clock.value))
    assert "sudah presensi masuk" in submit(client, session, "masuk", code_at(db, session, clock.value))
    clock.value = session.ends_at + timedelta(minutes=31)
    assert "di luar waktu itu" in submit(client, session, "keluar", code_at(db, session, clock.value))


def _check_in_and_out(client, db, login_as, registration, session, clock):
    as_user(login_as, db, registration)
    clock.value = at(session, 10)
    submit(client, session, "masuk", code_at(db, session, clock.value))
    clock.value = at(session, 220)
    return submit(client, session, "keluar", code_at(db, session, clock.value))


def seconds(db, session):
    return {r.registration_id: r.attended_seconds for r in db.session.scalars(
        sa.select(AttendanceRecord).where(AttendanceRecord.session_id == session.id))}


def test_pair_is_one_more_identity_counted_by_the_training_policy(client, db, login_as, setup, clock):
    training, session, budi, siti, panitia = setup
    login_as(panitia)
    log = zoom_csv([("Budi Santoso", "budi@example.id", "08:00 AM", "09:00 AM")])
    upload(client, training, session, ("zoom.csv", log))
    apply(client, training, session)
    assert "Presensi keluar tercatat" in _check_in_and_out(client, db, login_as, budi, session, clock)
    _check_in_and_out(client, db, login_as, siti, session, clock)
    # Default: check-ins count only for participants with a log row (Budi), as one more identity.
    assert seconds(db, session) == {budi.id: 220 * 60}  # union of 08.00–09.00 (log) and 08.10–11.40
    names = db.session.scalars(sa.select(AttendanceIdentity.name).where(
        AttendanceIdentity.registration_id == budi.id)).all()
    assert sorted(names) == ["Budi Santoso", "Presensi mandiri – SPP2020-0001 Budi Santoso"]
    login_as(panitia)
    table = client.get(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}").get_data(as_text=True)
    assert "Presensi mandiri – SPP2020-0001 Budi Santoso" in table
    assert "presensi mandiri 08.10–11.40 WIB" in table  # the pair's interval
    client.post(f"/kelola/pelatihan/{training.id}/kehadiran/presensi-mandiri", data={"counts_alone": "1"})
    assert seconds(db, session) == {budi.id: 220 * 60, siti.id: 210 * 60}


def test_only_registered_participants_of_the_training(client, db, login_as, setup, clock):
    _, session, _, _, _ = setup
    other = make_registration(make_training(code="LAIN2020", days=1))
    as_user(login_as, db, other)
    clock.value = at(session, 10)
    assert client.get(f"/peserta/presensi/{session.id}").status_code == 404


def test_a_double_tap_that_races_past_the_check_is_a_message_not_an_error(client, db, login_as, setup, clock,
                                                                          monkeypatch):
    from bimtek.attendance.checkin import services as checkin_services

    training, session, budi, _, _ = setup
    as_user(login_as, db, budi)
    clock.value = at(session, 10)
    assert "Presensi masuk tercatat" in submit(client, session, "masuk", code_at(db, session, clock.value))
    monkeypatch.setattr(checkin_services, "checkins_of", lambda registration, session: {})  # the race
    assert "sudah presensi masuk" in submit(client, session, "masuk", code_at(db, session, clock.value))
