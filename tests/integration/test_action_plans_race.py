"""Autosave and submit racing on a brand-new plan must not create two plans (or a 500)."""
import threading

import sqlalchemy as sa

from bimtek.action_plans import services
from bimtek.action_plans.models import ActionPlan
from bimtek.registration.models import Registration
from tests.factories import make_registration, make_training


def test_concurrent_first_saves_create_one_plan(app, db):
    training = make_training()
    registration_id = make_registration(training).id
    barrier, errors = threading.Barrier(8), []

    def first_save():
        with app.app_context():
            try:
                registration = db.session.get(Registration, registration_id)
                barrier.wait()
                services._get_or_create(registration)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 — collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=first_save) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    count = db.session.scalar(sa.select(sa.func.count(ActionPlan.id)).where(
        ActionPlan.registration_id == registration_id))
    assert count == 1
