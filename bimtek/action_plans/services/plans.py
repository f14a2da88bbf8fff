"""Loading a plan and what it shows, plus the steps every writer shares: creating a plan once under races,
recording a state change as an event, the link to the participant's plan page.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.accounts.models import User
from bimtek.action_plans import plan_rows, workflow
from bimtek.action_plans.models import ActionPlan, ActionPlanEvent, ActionPlanSettings
from bimtek.core.database import insert_if_absent
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.mail import services as mail
from bimtek.registration.models import Registration


def plan_for(registration: Registration) -> ActionPlan | None:
    """The registration's plan (with versions and events) or None."""
    return db.session.scalar(
        sa.select(ActionPlan).where(ActionPlan.registration_id == registration.id)
        .options(orm.selectinload(ActionPlan.versions), orm.selectinload(ActionPlan.events)
                 .joinedload(ActionPlanEvent.actor)))


def load_plan(training_id: int, plan_id: int) -> ActionPlan | None:
    """A plan of this training with its registration, versions and events, or None."""
    return db.session.scalar(
        sa.select(ActionPlan).where(ActionPlan.id == plan_id, ActionPlan.training_id == training_id)
        .options(orm.joinedload(ActionPlan.registration), orm.selectinload(ActionPlan.versions),
                 orm.selectinload(ActionPlan.events).joinedload(ActionPlanEvent.actor)))


def _get_or_create(registration: Registration) -> ActionPlan:
    plan = plan_for(registration)
    if plan is None:
        # Autosave and submit can race for a brand-new plan; the database decides who creates it.
        insert_if_absent(db.session, ActionPlan, dict(
            registration_id=registration.id, training_id=registration.training_id, status=workflow.DRAFT,
            rows=[], row_notes={}, review_note=""), ["registration_id"])
        plan = plan_for(registration)
    return plan


def starting_rows(settings: ActionPlanSettings) -> list[plan_rows.PlanRow]:
    """A new plan's rows: one blank row per strategy, so the participant sees what is asked."""
    return plan_rows.assign_keys([plan_rows.PlanRow(strategi=name) for name in settings.strategy_list])


def display_rows(plan: ActionPlan) -> list[plan_rows.PlanRow]:
    """What a reviewer/export shows: the latest submitted version once there is one, else the draft."""
    if plan.status != workflow.DRAFT and plan.versions:
        return plan.versions[-1].plan_rows
    return plan.plan_rows


def _transition(actor: User, plan: ActionPlan, action: str, new_status: str, note: str = "",
                row_notes: dict[str, str] | None = None, version_number: int | None = None,
                now: datetime | None = None) -> ActionPlanEvent:
    event = ActionPlanEvent(plan=plan, actor_id=actor.id, action=action, from_status=plan.status,
                            to_status=new_status, note=note, row_notes=row_notes or {},
                            version_number=version_number, created_at=now or now_utc())
    db.session.add(event)
    plan.status = new_status
    return event


def _plan_url(registration: Registration) -> str:
    return mail.absolute_url("action_plans.edit_plan", registration_id=registration.id)
