"""The RTL part of the certificate gate (read only): approved or not required, per registration or per training."""
import sqlalchemy as sa

from bimtek.action_plans import workflow
from bimtek.action_plans.models import ActionPlan
from bimtek.action_plans.services.settings import settings_for
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.trainings.models import Training


def rtl_status_for(registration: Registration) -> tuple[bool, str]:
    """(ok, reason) for the certificate gate: ok when the RTL is approved or not required."""
    settings = settings_for(registration.training)
    if not settings.required_for_certificate:
        return True, "RTL tidak diwajibkan untuk pelatihan ini"
    plan = db.session.scalar(sa.select(ActionPlan).where(ActionPlan.registration_id == registration.id))
    return _rtl_status(plan)


def rtl_statuses_for_training(training: Training) -> dict[int, tuple[bool, str]]:
    """{registration_id: (ok, reason)} for every registration of a training, in two queries."""
    settings = settings_for(training)
    registration_ids = db.session.scalars(sa.select(Registration.id).where(
        Registration.training_id == training.id)).all()
    if not settings.required_for_certificate:
        return {rid: (True, "RTL tidak diwajibkan untuk pelatihan ini") for rid in registration_ids}
    states = dict(db.session.execute(sa.select(ActionPlan.registration_id, ActionPlan.status).join(
        Registration, ActionPlan.registration_id == Registration.id).where(Registration.training_id == training.id))
        .all())  # plain (id, status) pairs: the plans' JSON rows are not needed here
    return {rid: _rtl_state(states.get(rid)) for rid in registration_ids}


def _rtl_status(plan: ActionPlan | None) -> tuple[bool, str]:
    return _rtl_state(plan.status if plan is not None else None)


def _rtl_state(status: str | None) -> tuple[bool, str]:
    if status is None:
        return False, "RTL belum diisi"
    if status == workflow.DISETUJUI:
        return True, "RTL disetujui"
    return False, f"RTL belum disetujui (status: {workflow.STATUS_LABELS[status]})"
