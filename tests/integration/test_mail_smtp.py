"""Mail really leaves: the outbox delivers through a real SMTP server on loopback (STARTTLS + AUTH), respects
MAIL_MAX_PER_HOUR and neither loses nor duplicates a message when the server drops the connection mid-batch."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.mail import services as mail
from bimtek.mail.models import OutboxMessage
from tests.concurrency import run_at_once
from tests.integration.registration_helpers import form, open_training
from tests.integration.smtp_server import USERNAME, configured, smtp_server


@pytest.fixture
def server(app, tmp_path):
    with smtp_server(tmp_path) as running, configured(app, running, MAIL_MAX_PER_HOUR=0):
        yield running


def _queue(app, count):
    with app.test_request_context():
        for number in range(count):
            mail.queue_mail(f"peserta{number}@example.id", f"Pengumuman {number}", "login_unknown", link="x")
    db.session.commit()


def test_registration_mail_arrives_over_starttls_with_auth(app, client, db, server):
    training = open_training(meeting_url="https://zoom.us/j/123")
    assert client.post(f"/pelatihan/{training.id}/daftar", data=form()).status_code == 302
    assert mail.deliver_due() == (1, 0)
    assert [(user, ok) for _, user, ok in server.handler.logins] == [(USERNAME, True)]
    [message] = server.messages
    assert message["To"] == "siti@example.id" and message["From"] == app.config["MAIL_SENDER"]
    assert message["Subject"].startswith("Pendaftaran ") and training.name in message["Subject"]
    assert message["Message-ID"] and message["Date"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Anda TERDAFTAR sebagai peserta" in text and "Nomor registrasi" in text
    assert "<strong>terdaftar</strong>" in html and "https://zoom.us/j/123" in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"{training.code}.ics" and attachment.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(attachment.get_content())
    assert len(calendar.walk("VEVENT")) == len(training.sessions)
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.status == "sent" and row.transport == "smtp"


def test_wrong_password_keeps_the_message_pending(app, db, server):
    _queue(app, 1)
    app.config["MAIL_PASSWORD"] = "salah"
    assert mail.deliver_due() == (0, 1)
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.status == "pending" and "Authentication" in row.last_error and server.messages == []


def test_hourly_cap_holds_the_rest_back(app, db, server):
    app.config["MAIL_MAX_PER_HOUR"] = 3
    _queue(app, 5)
    start = now_utc()
    assert mail.deliver_due(now=start) == (3, 0)
    assert mail.deliver_due(now=start + timedelta(minutes=30)) == (0, 0)  # cap reached within the hour
    assert len(server.messages) == 3
    assert mail.deliver_due(now=start + timedelta(minutes=61)) == (2, 0)
    assert sorted(m["To"] for m in server.messages) == [f"peserta{n}@example.id" for n in range(5)]


def test_connection_dropped_mid_batch_loses_and_duplicates_nothing(app, db, server):
    _queue(app, 5)
    server.drop_on(3)  # the third DATA never gets its 250
    start = now_utc()
    assert mail.deliver_due(now=start) == (4, 1)
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [r.status for r in rows] == ["sent", "sent", "pending", "sent", "sent"]
    assert "Disconnected" in rows[2].last_error
    assert mail.deliver_due(now=start + timedelta(seconds=10)) == (0, 0)  # retry waits for its backoff
    assert mail.deliver_due(now=start + timedelta(minutes=2)) == (1, 0)
    assert mail.deliver_due(now=start + timedelta(hours=2)) == (0, 0)  # nothing is ever sent twice
    received = [m["To"] for m in server.messages]
    assert sorted(received) == [f"peserta{n}@example.id" for n in range(5)] and len(set(received)) == 5


def test_one_connection_serves_the_batch(app, db, server):
    _queue(app, 4)
    assert mail.deliver_due() == (4, 0)
    assert len(server.handler.logins) == 1  # one STARTTLS + AUTH session for the whole batch


@pytest.mark.slow
def test_senders_running_at_once_deliver_each_message_once(app, db, server):
    _queue(app, 12)
    results, errors = run_at_once(app, db, mail.deliver_due, count=4)
    assert errors == [] and sum(sent for sent, _ in results) == 12
    received = [m["To"] for m in server.messages]
    assert len(received) == 12 and len(set(received)) == 12


def test_cap_and_a_dropped_connection_together_lose_and_repeat_nothing(app, db, server):
    app.config["MAIL_MAX_PER_HOUR"] = 3
    _queue(app, 5)
    server.drop_on(2)
    start = now_utc()
    assert mail.deliver_due(now=start) == (2, 1)  # the dropped attempt used its place in the batch
    for minutes in (5, 20, 59):
        mail.deliver_due(now=start + timedelta(minutes=minutes))
        assert len(server.messages) <= 3  # never more than the cap within the first hour
    for minutes in (61, 90, 125, 185):
        mail.deliver_due(now=start + timedelta(minutes=minutes))
    received = sorted(m["To"] for m in server.messages)
    assert received == [f"peserta{n}@example.id" for n in range(5)]


def test_announcement_and_session_reminder_arrive_with_html_and_calendar(app, client, db, server):
    from datetime import date, datetime, time, timezone

    from bimtek.accounts.models import Role
    from bimtek.announcements import reminder_services
    from bimtek.announcements.audience import AudienceFilter
    from bimtek.announcements.services import send_announcement
    from tests.factories import make_user
    day = date.today() + timedelta(days=10)
    training = open_training(tz="Asia/Makassar", start=day, days=1, slots=((9, 0, 12, 0),),
                             meeting_url="https://zoom.us/j/9")
    assert client.post(f"/pelatihan/{training.id}/daftar", data=form()).status_code == 302
    with app.test_request_context():
        send_announcement(make_user(Role.ADMIN), training, "Perubahan ruang — “Hari 1”\r\nBcc: x@example.id",
                          "Yth. {nama},\nsilakan bergabung <10 menit> lebih awal & siapkan KTP.",
                          AudienceFilter())
    db.session.commit()
    start = datetime.combine(day, time(9, 0), tzinfo=timezone(timedelta(hours=8))).astimezone(timezone.utc)
    assert reminder_services.scan(start - timedelta(minutes=30)).reminders == 1
    db.session.commit()
    assert mail.deliver_due() == (3, 0)
    by_subject = {str(m["Subject"]): m for m in server.messages}
    announcement = by_subject["Perubahan ruang — “Hari 1” Bcc: x@example.id"]
    assert announcement["Bcc"] is None and announcement["To"] == "siti@example.id"
    assert "silakan bergabung <10 menit> lebih awal & siapkan KTP." in announcement.get_body(("plain",)).get_content()
    html = announcement.get_body(("html",)).get_content()
    assert "&lt;10 menit&gt; lebih awal &amp; siapkan KTP." in html and "<br>" in html
    [reminder] = [m for s, m in by_subject.items() if s.startswith("Segera dimulai")]
    assert "09.00 WITA" in reminder.get_body(("plain",)).get_content()
    assert "segera dimulai" in reminder.get_body(("html",)).get_content()
    [attachment] = list(reminder.iter_attachments())
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert event.decoded("dtstart").astimezone(timezone.utc) == start
