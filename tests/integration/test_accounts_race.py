"""Participant accounts are created race-free when one e-mail registers twice at the same instant."""
import threading

import sqlalchemy as sa

from bimtek.accounts import services
from bimtek.accounts.models import User


def test_concurrent_participant_accounts_for_one_email(app, db):
    barrier, errors, ids = threading.Barrier(8), [], []

    def create():
        with app.app_context():
            try:
                barrier.wait()
                ids.append(services.get_or_create_participant("Budi@Example.id", "Budi").id)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 — collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 1
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
