"""Participant accounts are created race-free when one e-mail registers twice at the same instant."""
import sqlalchemy as sa

from bimtek.accounts import services
from bimtek.accounts.models import User
from tests.concurrency import run_at_once


def test_concurrent_participant_accounts_for_one_email(app, db):
    ids, errors = run_at_once(app, db, lambda: services.get_or_create_participant("Budi@Example.id", "Budi").id)
    assert errors == []
    assert len(set(ids)) == 1
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
