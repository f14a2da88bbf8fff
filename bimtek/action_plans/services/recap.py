"""The training's RTL recap (read only): one row per planned activity, its XLSX export, and the summary charts."""
from __future__ import annotations

import sqlalchemy as sa

from bimtek.action_plans import plan_rows, workflow
from bimtek.action_plans.charts import bar_chart, count_by
from bimtek.action_plans.models import ActionPlan, ActionPlanVersion
from bimtek.action_plans.services.plans import display_rows
from bimtek.action_plans.services.queue import MISSING, QUEUE_ORDER, queue_items, state_label
from bimtek.action_plans.services.settings import settings_for
from bimtek.core.spreadsheet import write_xlsx
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status
from bimtek.trainings.models import Training

RECAP_HEADERS = ("No. Registrasi", "Nama Peserta", "Instansi", "Kabupaten/Kota", "Status RTL", "No. Kegiatan") + \
    tuple(spec.label for spec in plan_rows.PLAN_FIELDS)


def recap_rows(training: Training) -> list[list]:
    """One row per planned activity (participants without an activity get one row) for the recap."""
    out = []
    for item in sorted(queue_items(training), key=lambda i: i.registration.seq):
        reg = item.registration
        head = [reg.number, reg.nama_lengkap, reg.instansi, reg.kabupaten, item.state_label]
        rows = display_rows(item.plan) if item.plan else []
        if not rows:
            out.append(head + [None] + [""] * len(plan_rows.PLAN_FIELDS))
        for index, row in enumerate(rows, start=1):
            out.append(head + [index] + [getattr(row, spec.name) for spec in plan_rows.PLAN_FIELDS])
    return out


def recap_xlsx(training: Training) -> bytes:
    """The recap workbook (strings neutralized against formula injection)."""
    return write_xlsx(list(RECAP_HEADERS), recap_rows(training), sheet_title=f"Rekap RTL {training.code}")


def summary(training: Training) -> dict:
    """Counts and bar charts: activities per strategy and per kabupaten, plans per state."""
    states, activities = _plan_figures(training)
    strategies = settings_for(training).strategy_list
    by_state = count_by(states, order=QUEUE_ORDER)
    return {
        "participants": len(states),
        "activities": len(activities),
        "approved": sum(1 for state in states if state == workflow.DISETUJUI),
        "by_strategy": bar_chart(count_by([strategi for _, strategi in activities], order=strategies)),
        "by_kabupaten": bar_chart(count_by([kabupaten or "(tanpa kabupaten)" for kabupaten, _ in activities])),
        "by_state": bar_chart([(state_label(state), count) for state, count in by_state]),
    }


def _plan_figures(training: Training) -> tuple[list[str], list[tuple[str, str]]]:
    """States of every registered participant, and (kabupaten, strategi) of every activity a reviewer sees
    (`display_rows`: the latest submitted version, else the draft), from plain rows in three indexed queries."""
    people = db.session.execute(
        sa.select(Registration.kabupaten, ActionPlan.id, ActionPlan.status).select_from(Registration)
        .outerjoin(ActionPlan, ActionPlan.registration_id == Registration.id)
        .where(Registration.training_id == training.id, Registration.status == Status.REGISTERED.value)).all()
    latest = {}  # plan id → rows of its highest version
    for plan_id, _number, rows in db.session.execute(
            sa.select(ActionPlanVersion.plan_id, ActionPlanVersion.number, ActionPlanVersion.rows)
            .join(ActionPlan, ActionPlan.id == ActionPlanVersion.plan_id)
            .where(ActionPlan.training_id == training.id, ActionPlan.status != workflow.DRAFT)
            .order_by(ActionPlanVersion.plan_id, ActionPlanVersion.number)):
        latest[plan_id] = rows
    unversioned = [plan_id for _, plan_id, status in people if plan_id and plan_id not in latest
                   and status != workflow.DRAFT]  # normally none: a submitted plan has a version
    drafts = dict(db.session.execute(sa.select(ActionPlan.id, ActionPlan.rows).where(
        ActionPlan.training_id == training.id, sa.or_(ActionPlan.status == workflow.DRAFT,
                                                      ActionPlan.id.in_(unversioned)))).all())
    states, activities = [], []
    for kabupaten, plan_id, status in people:
        states.append(status or MISSING)
        rows = latest.get(plan_id, drafts.get(plan_id)) if plan_id else None
        activities.extend((kabupaten, str(row.get("strategi") or "")) for row in (rows or []))
    return states, activities
