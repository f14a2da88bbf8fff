"""Reviewer decisions (flush only): approve or send back with notes per row, bulk approval, and the
participant's e-mail about the decision.
"""
from collections.abc import Iterable, Mapping
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.accounts.models import User
from bimtek.action_plans import workflow
from bimtek.action_plans.models import ActionPlan
from bimtek.action_plans.services.plans import _plan_url, _transition, display_rows
from bimtek.audit.services import record
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.mail import services as mail
from bimtek.trainings.models import Training


def clean_row_notes(plan: ActionPlan, row_notes: Mapping[str, str] | None) -> dict[str, str]:
    """Reviewer notes by row key, only for rows of the submitted version, trimmed and bounded."""
    keys = {row.key for row in display_rows(plan)}
    notes = {}
    for key, text in (row_notes or {}).items():
        text = (text or "").strip()
        if key in keys and text:
            if len(text) > workflow.MAX_NOTE_LENGTH:
                raise ValidationError(f"Catatan baris terlalu panjang (maks. {workflow.MAX_NOTE_LENGTH} karakter).")
            notes[key] = text
    return notes


def decide(actor: User, plan: ActionPlan, action: str, note: str = "", row_notes: Mapping[str, str] | None = None,
           now: datetime | None = None) -> ActionPlan:
    """Approve or send back a submitted plan; records event + audit and queues the participant's e-mail."""
    note = (note or "").strip()
    new_status = workflow.next_status(plan.status, action, workflow.REVIEWER, note)
    notes = clean_row_notes(plan, row_notes) if action == workflow.REQUEST_REVISION else {}
    version = plan.latest_version.number if plan.latest_version else None
    _transition(actor, plan, action, new_status, note, notes, version, now)
    plan.review_note, plan.row_notes = note, notes
    plan.decided_at = now or now_utc()
    db.session.flush()
    number = plan.registration.number
    status = Message(workflow.STATUS_LABELS[new_status])
    record(actor, f"action_plan.{action}", plan, summary=Message(N_("RTL %(number)s: %(status)s"), number=number,
                                                                 status=status),
           note=note)
    _notify_decision(plan, action)
    return plan


def bulk_approve(actor: User, training: Training, plan_ids: Iterable[int | str],
                 now: datetime | None = None) -> tuple[int, int]:
    """Approve every listed plan of the training that is waiting for review; returns (approved, skipped)."""
    ids = {int(i) for i in plan_ids}
    plans = db.session.scalars(sa.select(ActionPlan).where(
        ActionPlan.training_id == training.id, ActionPlan.id.in_(ids))
        .options(orm.joinedload(ActionPlan.registration), orm.selectinload(ActionPlan.versions))).unique().all()
    approved = 0
    for plan in plans:
        if plan.status == workflow.DIAJUKAN:
            decide(actor, plan, workflow.APPROVE, now=now)
            approved += 1
    return approved, len(ids) - approved


DECISION_SUBJECTS = {workflow.APPROVE: "RTL Anda disetujui", workflow.REQUEST_REVISION: "RTL Anda perlu direvisi"}


def _notify_decision(plan: ActionPlan, action: str) -> None:
    """Queue the participant's e-mail about a reviewer decision (in the same transaction)."""
    reg = plan.registration
    rows = display_rows(plan)
    row_notes = [(index, row, plan.row_notes[row.key]) for index, row in enumerate(rows, start=1)
                 if row.key in (plan.row_notes or {})]
    mail.queue_mail(reg.email, f"{DECISION_SUBJECTS[action]} — {reg.training.name}", f"action_plan_{action}",
                    registration=reg, training=reg.training, plan=plan, row_notes=row_notes, url=_plan_url(reg))
