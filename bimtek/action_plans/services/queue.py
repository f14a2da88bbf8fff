"""The review queue of a training: every registered participant with their plan state (including "belum"),
filters, and reminder e-mails to those who still have to act.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, NamedTuple

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.action_plans import workflow
from bimtek.action_plans.models import ActionPlan
from bimtek.action_plans.services.plans import _plan_url, display_rows
from bimtek.action_plans.services.settings import settings_for
from bimtek.audit.services import record
from bimtek.core.messages import N_, Message
from bimtek.core.paging import Page
from bimtek.extensions import db
from bimtek.mail import services as mail
from bimtek.registration.models import Registration, Status

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.trainings.models import Training

MISSING = "belum"  # queue/recap state of a registration without any RTL
MISSING_LABEL = "Belum mengisi"
QUEUE_ORDER = (workflow.DIAJUKAN, workflow.PERLU_REVISI, workflow.DRAFT, MISSING, workflow.DISETUJUI)
REMIND_STATES = (MISSING, workflow.DRAFT, workflow.PERLU_REVISI)


def state_label(state: str) -> str:
    """Indonesian label of a plan state, including "belum" (no plan yet)."""
    return MISSING_LABEL if state == MISSING else workflow.STATUS_LABELS[state]


STATE_CHOICES = tuple((s, state_label(s)) for s in QUEUE_ORDER)


class QueueItem(NamedTuple):
    """One registered participant and their plan (None when they have not started)."""

    registration: Registration
    plan: object

    @property
    def state(self) -> str:
        return self.plan.status if self.plan else MISSING

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def activity_count(self) -> int:
        return len(display_rows(self.plan)) if self.plan else 0


def queue_items(training: Training, kabupaten: str = "", instansi: str = "", state: str = "") -> list[QueueItem]:
    """Registered participants of the training with their plans, filtered, waiting-for-review first."""
    query = (sa.select(Registration, ActionPlan)
             .outerjoin(ActionPlan, ActionPlan.registration_id == Registration.id)
             .where(Registration.training_id == training.id, Registration.status == Status.REGISTERED.value)
             .options(orm.selectinload(ActionPlan.versions)))
    if kabupaten:
        query = query.where(Registration.kabupaten == kabupaten)
    if instansi:
        query = query.where(Registration.instansi == instansi)
    items = [QueueItem(reg, plan) for reg, plan in db.session.execute(query.order_by(Registration.seq))]
    if state:
        items = [item for item in items if item.state == state]
    return sorted(items, key=lambda item: queue_key(item.state, item.plan.submitted_at if item.plan else None))


_NEVER = datetime.max.replace(tzinfo=timezone.utc)


def queue_key(state: str, submitted_at: datetime | None) -> tuple[int, datetime]:
    """State order first; those waiting for review oldest submission first (first come, first served), the
    others in registration order (the sort is stable over rows read by registration)."""
    waiting = state == workflow.DIAJUKAN and submitted_at is not None
    return QUEUE_ORDER.index(state), submitted_at if waiting else _NEVER  # UTCDateTime: always aware


def queue_page(training: Training, page: int | str | None = None, kabupaten: str = "", instansi: str = "",
               state: str = "") -> tuple[list[QueueItem], Page]:
    """(QueueItems of the page shown, Page): order and filters over (id, state) pairs of everyone, plans and
    their versions loaded only for the page."""
    query = (sa.select(Registration.id, ActionPlan.status, ActionPlan.submitted_at)
             .outerjoin(ActionPlan, ActionPlan.registration_id == Registration.id)
             .where(Registration.training_id == training.id, Registration.status == Status.REGISTERED.value))
    if kabupaten:
        query = query.where(Registration.kabupaten == kabupaten)
    if instansi:
        query = query.where(Registration.instansi == instansi)
    rows = [(rid, status or MISSING, submitted) for rid, status, submitted in
            db.session.execute(query.order_by(Registration.seq))]
    ordered = sorted((row for row in rows if not state or row[1] == state), key=lambda row: queue_key(*row[1:]))
    page = Page.of(page, len(ordered))
    ids = [rid for rid, _state, _submitted in page.slice(ordered)]
    found = {reg.id: QueueItem(reg, plan) for reg, plan in db.session.execute(
        sa.select(Registration, ActionPlan).outerjoin(ActionPlan, ActionPlan.registration_id == Registration.id)
        .where(Registration.id.in_(ids)).options(orm.selectinload(ActionPlan.versions)))}
    return [found[rid] for rid in ids], page


def filter_options(training: Training) -> tuple[list[str], list[str]]:
    """Distinct kabupaten and instansi of the training's registered participants (for the filters)."""
    base = sa.select(Registration).where(Registration.training_id == training.id,
                                         Registration.status == Status.REGISTERED.value)
    kabupaten = db.session.scalars(base.with_only_columns(Registration.kabupaten).distinct()
                                   .order_by(Registration.kabupaten)).all()
    instansi = db.session.scalars(base.with_only_columns(Registration.instansi).distinct()
                                  .order_by(Registration.instansi)).all()
    return [k for k in kabupaten if k], [i for i in instansi if i]


def send_reminders(actor: User, training: Training) -> int:
    """Queue a reminder e-mail to everyone whose RTL is missing, still a draft, or waiting for revision."""
    items = [item for item in queue_items(training) if item.state in REMIND_STATES]
    for item in items:
        reg = item.registration
        mail.queue_mail(reg.email, f"Pengingat RTL — {training.name}", "action_plan_reminder",
                        registration=reg, training=training, state_label=item.state_label,
                        settings=settings_for(training), url=_plan_url(reg))
    record(actor, "action_plan.remind", None, training_id=training.id,
           summary=Message(N_("Pengingat RTL dikirim ke %(count)s peserta"), count=len(items)), count=len(items))
    return len(items)
