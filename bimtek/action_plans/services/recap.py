"""The training's RTL recap (read only): one row per planned activity, its XLSX export, and the summary charts."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from bimtek.action_plans import plan_rows, workflow
from bimtek.action_plans.charts import bar_chart, count_by
from bimtek.action_plans.models import ActionPlan, ActionPlanVersion
from bimtek.action_plans.plan_rows import FIELD_NAMES
from bimtek.action_plans.services.queue import MISSING, QUEUE_ORDER, state_label
from bimtek.action_plans.services.settings import settings_for
from bimtek.core.spreadsheet import write_xlsx
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status
from bimtek.trainings.models import Training

RECAP_HEADERS = ("No. Registrasi", "Nama Peserta", "Instansi", "Kabupaten/Kota", "Status RTL", "No. Kegiatan") + \
    tuple(spec.label for spec in plan_rows.PLAN_FIELDS)


def recap_rows(training: Training) -> list[list]:
    """One row per planned activity (participants without an activity get one row) for the recap, in registration
    order, from plain rows (two indexed queries and the plans' stored JSON; no ORM objects)."""
    people = db.session.execute(
        sa.select(Registration.number, Registration.nama_lengkap, Registration.instansi, Registration.kabupaten,
                  ActionPlan.id, ActionPlan.status).select_from(Registration)
        .outerjoin(ActionPlan, ActionPlan.registration_id == Registration.id)
        .where(Registration.training_id == training.id, Registration.status == Status.REGISTERED.value)
        .order_by(Registration.seq)).all()
    shown, labels, blank = _shown_rows(training, people), {}, [None] + [""] * len(FIELD_NAMES)
    out = []
    for number, name, instansi, kabupaten, plan_id, status in people:
        state = status or MISSING
        label = labels.get(state) or labels.setdefault(state, state_label(state))
        head = [number, name, instansi, kabupaten, label]
        rows = shown.get(plan_id) or [] if plan_id else []
        if not rows:
            out.append(head + blank)
        for index, row in enumerate(rows, start=1):
            out.append(head + [index] + [str(row.get(field) or "") for field in FIELD_NAMES])
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
    shown = _shown_rows(training, people)
    states, activities = [], []
    for kabupaten, plan_id, status in people:
        states.append(status or MISSING)
        rows = shown.get(plan_id) if plan_id else None
        activities.extend((kabupaten, str(row.get("strategi") or "")) for row in (rows or []))
    return states, activities


def _shown_rows(training: Training, people: Sequence[Sequence[Any]]) -> dict[int, list[dict[str, Any]]]:
    """{plan id: stored row dicts a reviewer sees} (`display_rows`: the latest submitted version, else the draft)
    for `people`, plain rows whose last two values are (plan id, plan status)."""
    latest = {}  # plan id → rows of its highest version
    for plan_id, _number, rows in db.session.execute(
            sa.select(ActionPlanVersion.plan_id, ActionPlanVersion.number, ActionPlanVersion.rows)
            .join(ActionPlan, ActionPlan.id == ActionPlanVersion.plan_id)
            .where(ActionPlan.training_id == training.id, ActionPlan.status != workflow.DRAFT)
            .order_by(ActionPlanVersion.plan_id, ActionPlanVersion.number)):
        latest[plan_id] = rows
    unversioned = [person[-2] for person in people if person[-2] and person[-2] not in latest
                   and person[-1] != workflow.DRAFT]  # normally none: a submitted plan has a version
    drafts = dict(db.session.execute(sa.select(ActionPlan.id, ActionPlan.rows).where(
        ActionPlan.training_id == training.id, sa.or_(ActionPlan.status == workflow.DRAFT,
                                                      ActionPlan.id.in_(unversioned)))).all())
    return {**drafts, **latest}
