"""Mail outbox: written in the caller's transaction, delivered after commit, retried when SMTP is down."""
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bimtek.accounts.models import Role
from bimtek.core.models import now_utc
from bimtek.mail import services as mail
from bimtek.mail.models import OutboxMessage
from bimtek.registration.models import Registration
from tests.factories import make_user
from tests.integration.registration_helpers import form, open_training


def test_queue_mail_is_part_of_the_callers_transaction(app, db):
    with app.test_request_context():
        mail.queue_mail("a@example.id", "Uji", "login_link", user=make_user(Role.PESERTA), link="http://x", minutes=30)
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_file_transport_writes_eml_and_marks_sent(app, client, db):
    training = open_training()
    client.post(f"/pelatihan/{training.id}/daftar", data=form())
    sent, failed = mail.deliver_due()
    assert (sent, failed) == (1, 0)
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.status == "sent" and message.transport == "file"
    path = Path(message.eml_path)
    assert path.parent == Path(app.config["DATA_DIR"]) / "outbox" and path.read_bytes() == message.raw
    assert mail.deliver_due() == (0, 0)  # never delivered twice


def test_smtp_down_never_breaks_registration_and_is_retried(app, client, db):
    training = open_training()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9, MAIL_USE_TLS=False)  # nothing listens on port 9
    try:
        assert client.post(f"/pelatihan/{training.id}/daftar", data=form()).status_code == 302
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
        start = now_utc()
        assert mail.deliver_due(now=start) == (0, 1)
        message = db.session.scalar(sa.select(OutboxMessage))
        assert message.status == "pending" and message.attempts == 1 and message.last_error
        assert message.next_attempt_at == start + timedelta(minutes=1)
        assert mail.deliver_due(now=start + timedelta(seconds=30)) == (0, 0)  # backoff respected
        later = start + timedelta(minutes=2)
        assert mail.deliver_due(now=later) == (0, 1)
        db.session.expire_all()
        assert message.attempts == 2 and message.next_attempt_at == later + timedelta(minutes=2)
    finally:
        app.config.update(MAIL_SERVER=None)
    assert mail.deliver_due(now=start + timedelta(hours=1)) == (1, 0)


def test_gives_up_after_max_attempts_and_admin_sees_error(app, client, db, login_as):
    training = open_training()
    client.post(f"/pelatihan/{training.id}/daftar", data=form())
    message = db.session.scalar(sa.select(OutboxMessage))
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9, MAIL_USE_TLS=False)
    try:
        now = now_utc()
        for _ in range(mail.MAX_ATTEMPTS):
            now += mail.MAX_BACKOFF
            mail.deliver_due(now=now)
    finally:
        app.config.update(MAIL_SERVER=None)
    db.session.expire_all()
    assert message.status == "failed" and message.attempts == mail.MAX_ATTEMPTS
    login_as(make_user(Role.ADMIN))
    page = client.get("/kelola/email/").get_data(as_text=True)
    assert "Gagal" in page and "ConnectionRefusedError" in page
    client.post(f"/kelola/email/{message.id}/ulang")
    assert mail.deliver_due() == (1, 0)


def test_outbox_page_is_admin_only(client, db, login_as):
    login_as(make_user(Role.STAFF))
    assert client.get("/kelola/email/").status_code == 403
