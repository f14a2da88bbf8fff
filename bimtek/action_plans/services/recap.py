"""The training's RTL recap (read only): one row per planned activity, its XLSX export, and the summary charts."""
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

RECAP_HEADERS = ("No. Registrasi", "Nama Peserta", "Instansi", "Kabupaten/Kota", "Status RTL", "No. Kegiatan") + \
    tuple(spec.label for spec in plan_rows.PLAN_FIELDS)


def recap_rows(training):
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


def recap_xlsx(training):
    """The recap workbook (strings neutralized against formula injection)."""
    return write_xlsx(list(RECAP_HEADERS), recap_rows(training), sheet_title=f"Rekap RTL {training.code}")


def summary(training):
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


def _plan_figures(training):
    """States of every registered participant, and (kabupaten, strategi) of every activity a reviewer sees
    (`display_rows`: the latest submitted version, else the draft), from plain rows: no ORM objects."""
    latest = (sa.select(ActionPlanVersion.plan_id, sa.func.max(ActionPlanVersion.number).label("number"))
              .group_by(ActionPlanVersion.plan_id).subquery())
    shown = sa.type_coerce(sa.case((sa.and_(ActionPlan.status != workflow.DRAFT, ActionPlanVersion.id.is_not(None)),
                                    ActionPlanVersion.rows), else_=ActionPlan.rows), sa.JSON)
    query = (sa.select(Registration.kabupaten, ActionPlan.status, shown).select_from(Registration)
             .outerjoin(ActionPlan, ActionPlan.registration_id == Registration.id)
             .outerjoin(latest, latest.c.plan_id == ActionPlan.id)
             .outerjoin(ActionPlanVersion, sa.and_(ActionPlanVersion.plan_id == latest.c.plan_id,
                                                   ActionPlanVersion.number == latest.c.number))
             .where(Registration.training_id == training.id, Registration.status == Status.REGISTERED.value))
    states, activities = [], []
    for kabupaten, status, rows in db.session.execute(query):
        states.append(status or MISSING)
        activities.extend((kabupaten, str(row.get("strategi") or "")) for row in (rows or []) if status)
    return states, activities
