"""Session reminders and schedule updates: a WITA training, idempotent scans, the .ics read back with icalendar
(same UID as the registration mail, higher SEQUENCE, METHOD:REQUEST), switches per session, the CLI command."""
import email
import email.policy
from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from bimtek.accounts.models import Role
from bimtek.announcements import reminder_services
from bimtek.announcements.models import SessionReminder
from bimtek.mail.models import OutboxMessage
from bimtek.trainings import services as trainings
from tests.concurrency import run_at_once
from tests.factories import make_user
from tests.integration.registration_helpers import form, open_training

WITA = "Asia/Makassar"
DAY = date.today() + timedelta(days=20)
START = datetime.combine(DAY, time(7, 30), tzinfo=timezone(timedelta(hours=8))).astimezone(timezone.utc)


def _register_two(client):
    training = open_training(tz=WITA, start=DAY, days=1, slots=((7, 30, 12, 0),), meeting_url="https://zoom.us/j/55")
    for who in ("siti", "budi"):
        assert client.post(f"/pelatihan/{training.id}/daftar",
                           data=form(email=f"{who}@example.id", nama_lengkap=who.title())).status_code == 302
    return training


def _messages(db, subject_start):
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.subject.startswith(subject_start))
                              .order_by(OutboxMessage.id)).all()
    return [email.message_from_bytes(r.raw, policy=email.policy.default) for r in rows]


def _calendar(message):
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


def test_day_before_and_before_start_once_each_in_wita(client, db):
    training = _register_two(client)
    assert reminder_services.scan(START - timedelta(days=1, minutes=31)).reminders == 0  # 06.59 WITA the day before
    h1 = START - timedelta(days=1, minutes=30)  # 07.00 WITA the day before (23.00 UTC, two UTC dates earlier)
    assert reminder_services.scan(h1).reminders == 2
    assert reminder_services.scan(h1 + timedelta(hours=3)).reminders == 0  # idempotent
    assert reminder_services.scan(START - timedelta(minutes=59)).reminders == 2
    assert reminder_services.scan(START - timedelta(minutes=10)).reminders == 0
    [first, _] = _messages(db, "Pengingat: besok")
    text = first.get_body(("plain",)).get_content()
    assert "https://zoom.us/j/55" in text and f"{training.code}-0001 Siti" in text and "07.30 WITA" in text
    assert "<strong>" in first.get_body(("html",)).get_content()
    [event] = _calendar(first).walk("VEVENT")
    assert event.decoded("dtstart").astimezone(timezone.utc) == START
    assert db.session.scalar(sa.select(sa.func.count(SessionReminder.id))) == 4


def test_moved_session_sends_one_calendar_update_per_participant(client, db):
    training = _register_two(client)
    [registration_mail, _] = _messages(db, "Pendaftaran")
    [original] = _calendar(registration_mail).walk("VEVENT")
    session = training.sessions[0]
    trainings.save_session(make_user(Role.ADMIN), training, session, DAY, time(9, 0), time(12, 0))
    db.session.commit()
    now = START - timedelta(days=3)
    assert reminder_services.scan(now).updates == 2
    assert reminder_services.scan(now + timedelta(minutes=5)).updates == 0  # not twice
    updates = _messages(db, "Perubahan jadwal")
    assert sorted(m["To"] for m in updates) == ["budi@example.id", "siti@example.id"]
    calendar = _calendar(updates[0])
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST" and str(event["ORGANIZER"]).startswith("mailto:")
    assert str(event["UID"]) == str(original["UID"])
    assert int(event["SEQUENCE"]) > int(original["SEQUENCE"])
    assert event.decoded("dtstart").astimezone(timezone.utc) == START + timedelta(minutes=90)
    assert "09.00 WITA" in updates[0].get_body(("plain",)).get_content()


def test_late_registrant_gets_no_update_and_switches_hold(client, db):
    training = _register_two(client)
    session = training.sessions[0]
    trainings.save_session(make_user(Role.ADMIN), training, session, DAY, time(8, 0), time(12, 0))
    db.session.commit()
    client.post(f"/pelatihan/{training.id}/daftar", data=form(email="ani@example.id", nama_lengkap="Ani"))
    assert reminder_services.scan(START - timedelta(days=3)).updates == 2  # Ani already has the new time
    reminder_services.save_settings(session, False, False, 30)
    db.session.commit()
    assert reminder_services.scan(START - timedelta(minutes=5)).reminders == 0


def test_cli_and_settings_page(app, client, db, login_as, runner):
    training = _register_two(client)
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "pengingat" in result.output
    login_as(make_user(Role.ADMIN))
    session = training.sessions[0]
    page = client.get(f"/kelola/pelatihan/{training.id}/pengumuman/pengingat")
    assert page.status_code == 200 and "Pengingat sesi otomatis" in page.get_data(as_text=True)
    response = client.post(f"/kelola/pelatihan/{training.id}/pengumuman/pengingat",
                           data={f"before-{session.id}": "1", f"minutes-{session.id}": "45"})
    assert response.status_code == 302
    assert reminder_services.settings_of(session) == reminder_services.reminders.Switches(False, True, 45)
    wa = client.get(f"/kelola/pelatihan/{training.id}/pengumuman/pengingat/{session.id}/whatsapp")
    assert "https://wa.me/6281234567890?text=" in wa.get_data(as_text=True)
    for bad in ("abc", "4", "99999999999999999999", "-60", "1e3"):
        refused = client.post(f"/kelola/pelatihan/{training.id}/pengumuman/pengingat",
                              data={f"minutes-{session.id}": bad}, follow_redirects=True).get_data(as_text=True)
        assert 'alert-danger">Menit sebelum mulai harus bilangan bulat antara 5 dan 1440.' in refused, bad
    assert reminder_services.settings_of(session).minutes_before == 45  # nothing changed


@pytest.mark.slow
def test_scans_running_at_once_queue_each_reminder_once(app, client, db):
    _register_two(client)
    h1 = START - timedelta(days=1, minutes=30)
    results, errors = run_at_once(app, db, lambda: reminder_services.scan(h1), count=3)
    assert all(isinstance(error, sa.exc.IntegrityError) for error in errors)  # the losers' commits fail whole
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(SessionReminder.id))) == 2
    assert len(_messages(db, "Pengingat: besok")) == 2  # and so do their outbox rows


def test_edit_without_new_times_sends_no_update_and_moves_stay_one_each(client, db):
    training = _register_two(client)
    session, admin = training.sessions[0], make_user(Role.ADMIN)
    sequence = session.sequence
    trainings.save_session(admin, training, session, DAY, time(7, 30), time(12, 0), title="Pembukaan")  # title only
    db.session.commit()
    assert session.sequence == sequence
    now = START - timedelta(days=3)
    assert reminder_services.scan(now).updates == 0  # nothing about the time changed
    seen = []
    for step, hour in enumerate((9, 10), start=1):  # moved twice, a scan after each move
        trainings.save_session(admin, training, session, DAY, time(hour, 0), time(12, 0), title="Pembukaan")
        db.session.commit()
        assert reminder_services.scan(now + timedelta(minutes=step)).updates == 2
        assert reminder_services.scan(now + timedelta(minutes=step, seconds=30)).updates == 0
        [event] = _calendar(_messages(db, "Perubahan jadwal")[-1]).walk("VEVENT")
        seen.append(int(event["SEQUENCE"]))
    assert sequence < seen[0] < seen[1]
    trainings.save_session(admin, training, session, DAY, time(10, 0), time(12, 0), title="Pembukaan materi")
    db.session.commit()
    assert reminder_services.scan(now + timedelta(minutes=5)).updates == 0  # a later title edit: still nothing
    assert len(_messages(db, "Perubahan jadwal")) == 4


def test_session_moved_after_its_starting_soon_reminder_gets_one_at_the_new_time(client, db):
    training = _register_two(client)
    session = training.sessions[0]
    assert reminder_services.scan(START - timedelta(minutes=50)).reminders == 2
    trainings.save_session(make_user(Role.ADMIN), training, session, DAY, time(10, 0), time(12, 0))
    db.session.commit()
    new_start = START + timedelta(minutes=150)
    assert reminder_services.scan(START - timedelta(minutes=40)).updates == 2
    assert reminder_services.scan(new_start - timedelta(minutes=50)).reminders == 2
    assert reminder_services.scan(new_start - timedelta(minutes=20)).reminders == 0
    assert len(_messages(db, "Segera dimulai")) == 4


def test_session_crossing_midnight_in_wit(client, db):
    training = open_training(tz="Asia/Jayapura", start=DAY, days=1, slots=((8, 0, 12, 0),))
    client.post(f"/pelatihan/{training.id}/daftar", data=form(email="ani@example.id", nama_lengkap="Ani"))
    session = training.sessions[0]  # an evening session that ends after midnight (set as an import would)
    start = datetime.combine(DAY, time(23, 0), tzinfo=timezone(timedelta(hours=9))).astimezone(timezone.utc)
    session.starts_at, session.ends_at = start, start + timedelta(hours=2)
    db.session.commit()
    assert reminder_services.scan(start - timedelta(days=1, hours=16, minutes=1)).reminders == 0  # 06.59 WIT H-1
    assert reminder_services.scan(start - timedelta(days=1, hours=16)).reminders == 1  # 07.00 WIT the day before
    assert reminder_services.scan(start - timedelta(minutes=61)).reminders == 0
    assert reminder_services.scan(start - timedelta(minutes=60)).reminders == 1  # 22.00 WIT
    [soon] = _messages(db, "Segera dimulai")
    assert "23.00–01.00 WIT" in soon.get_body(("plain",)).get_content()
    assert reminder_services.scan(start + timedelta(minutes=30)).reminders == 0  # after midnight: started
