"""The training's RTL recap (read only): one row per planned activity, its XLSX export, and the summary charts."""
from bimtek.action_plans import plan_rows, workflow
from bimtek.action_plans.charts import bar_chart, count_by
from bimtek.action_plans.services.plans import display_rows
from bimtek.action_plans.services.queue import QUEUE_ORDER, queue_items, state_label
from bimtek.action_plans.services.settings import settings_for
from bimtek.core.spreadsheet import write_xlsx
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
    items = queue_items(training)
    strategies = settings_for(training).strategy_list
    activities = [(item.registration, row) for item in items if item.plan for row in display_rows(item.plan)]
    by_state = count_by([item.state for item in items], order=QUEUE_ORDER)
    return {
        "participants": len(items),
        "activities": len(activities),
        "approved": sum(1 for item in items if item.state == workflow.DISETUJUI),
        "by_strategy": bar_chart(count_by([row.strategi for _, row in activities], order=strategies)),
        "by_kabupaten": bar_chart(count_by([reg.kabupaten or "(tanpa kabupaten)" for reg, _ in activities])),
        "by_state": bar_chart([(state_label(state), count) for state, count in by_state]),
    }
