"""The shared rate-limit store (database) and the per-account / per-recipient budgets, in process."""
import time

import sqlalchemy as sa

from bimtek.accounts.models import AuthSession, EmailToken, Role
from bimtek.core.ratelimit import DatabaseStorage, rate_limit_counters
from bimtek.mail.models import OutboxMessage
from tests.factories import PASSWORD, make_registration, make_user
from tests.integration.registration_helpers import form, open_training


def test_database_store_counts_atomically_and_expires(app, db):
    storage = DatabaseStorage(engine_factory=lambda: db.engine)
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get_expiry("k") > time.time()
    storage.incr("short", 0.2)
    time.sleep(0.3)
    assert storage.get("short") == 0 and storage.incr("short", 60) == 1  # a new window starts from one
    storage.clear("k")
    assert storage.get("k") == 0 and storage.check()


def test_failed_passwords_lock_the_account_from_any_address(limited):
    from bimtek.extensions import db

    make_user(Role.ADMIN, email="admin@example.id")
    for n in range(10):
        limited.test_client().post("/akun/masuk", data={"email": "admin@example.id", "password": f"salah-{n}"},
                                   environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
    locked = limited.test_client().post("/akun/masuk", data={"email": "admin@example.id", "password": PASSWORD},
                                        environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert locked.status_code == 429 and "Terlalu banyak percobaan masuk" in locked.get_data(as_text=True)
    assert 1 <= int(locked.headers["Retry-After"]) <= 15 * 60 + 1  # the account's window, not a guess
    assert db.session.scalar(sa.select(sa.func.count()).select_from(rate_limit_counters)) > 0


def test_repeat_registrations_mail_the_owner_at_most_three_times(limited):
    from bimtek.extensions import db

    training = open_training()
    make_registration(training, email="korban@example.id")
    answers = {limited.test_client().post(f"/pelatihan/{training.id}/daftar", data=form(email="korban@example.id"),
                                          environ_base={"REMOTE_ADDR": f"10.1.0.{n}"}).status_code
               for n in range(30)}
    assert answers == {302}
    mails = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                              .where(OutboxMessage.recipient == "korban@example.id"))
    assert mails == 3


def test_purge_sessions_removes_only_expired_rows(app, db, runner):
    from datetime import timedelta

    from bimtek.accounts import sessions
    from bimtek.core.models import now_utc

    user = make_user(Role.STAFF)
    sessions.create(user)
    old = sessions.create(user)
    db.session.execute(sa.update(AuthSession).where(AuthSession.token_hash == sessions._hash(old))
                       .values(expires_at=now_utc() - timedelta(seconds=1)))
    db.session.commit()
    result = runner.invoke(args=["purge-sessions"])
    assert result.exit_code == 0 and "1 sesi" in result.output
    assert db.session.scalar(sa.select(sa.func.count(AuthSession.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(EmailToken.id))) == 0
