"""The RTL part of the certificate gate (read only): approved or not required, per registration or per training."""
import sqlalchemy as sa

from bimtek.action_plans import workflow
from bimtek.action_plans.models import ActionPlan
from bimtek.action_plans.services.settings import settings_for
from bimtek.core.messages import N_, Message
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.trainings.models import Training

NOT_REQUIRED = N_("RTL tidak diwajibkan untuk pelatihan ini")


def rtl_status_for(registration: Registration) -> tuple[bool, str]:
    """(ok, reason) for the certificate gate: ok when the RTL is approved or not required (reason: a Message)."""
    settings = settings_for(registration.training)
    if not settings.required_for_certificate:
        return True, Message(NOT_REQUIRED)
    plan = db.session.scalar(sa.select(ActionPlan).where(ActionPlan.registration_id == registration.id))
    return _rtl_status(plan)


def rtl_statuses_for_training(training: Training) -> dict[int, tuple[bool, str]]:
    """{registration_id: (ok, reason)} for every registration of a training, in two queries."""
    settings = settings_for(training)
    registration_ids = db.session.scalars(sa.select(Registration.id).where(
        Registration.training_id == training.id)).all()
    if not settings.required_for_certificate:
        not_required = (True, Message(NOT_REQUIRED))
        return dict.fromkeys(registration_ids, not_required)
    states = dict(db.session.execute(sa.select(ActionPlan.registration_id, ActionPlan.status).join(
        Registration, ActionPlan.registration_id == Registration.id).where(Registration.training_id == training.id))
        .all())  # plain (id, status) pairs: the plans' JSON rows are not needed here
    # one (ok, reason) per status, shared by everyone in it: thousands of equal messages cost real time at 8,000
    by_status = {status: _rtl_state(status) for status in {*states.values(), None}}
    return {rid: by_status[states.get(rid)] for rid in registration_ids}


def _rtl_status(plan: ActionPlan | None) -> tuple[bool, str]:
    return _rtl_state(plan.status if plan is not None else None)


def _rtl_state(status: str | None) -> tuple[bool, str]:
    if status is None:
        return False, Message(N_("RTL belum diisi"))
    if status == workflow.DISETUJUI:
        return True, Message(N_("RTL disetujui"))
    label = Message(workflow.STATUS_LABELS[status])  # the labels are in the catalog (workflow marks them)
    return False, Message(N_("RTL belum disetujui (status: %(status)s)"), status=label)
