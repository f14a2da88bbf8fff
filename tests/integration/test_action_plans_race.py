"""Autosave and submit racing on a brand-new plan must not create two plans (or a 500)."""
import sqlalchemy as sa

from bimtek.action_plans import services
from bimtek.action_plans.models import ActionPlan
from bimtek.registration.models import Registration
from tests.concurrency import run_at_once
from tests.factories import make_registration, make_training


def test_concurrent_first_saves_create_one_plan(app, db):
    training = make_training()
    registration_id = make_registration(training).id
    _, errors = run_at_once(app, db, lambda: services._get_or_create(db.session.get(Registration, registration_id)))
    assert errors == []
    count = db.session.scalar(sa.select(sa.func.count(ActionPlan.id)).where(
        ActionPlan.registration_id == registration_id))
    assert count == 1
