"""RTL operations: settings, drafts, submissions, reviews, queue, exports and reminders.

Every write flushes and records an audit entry; the view (or CLI) commits once. The actor is
always passed in explicitly.
"""
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.action_plans import plan_rows, workflow
from bimtek.action_plans.attachments import check_attachment
from bimtek.action_plans.charts import bar_chart, count_by
from bimtek.action_plans.models import ActionPlan, ActionPlanEvent, ActionPlanSettings, ActionPlanVersion
from bimtek.audit.services import record
from bimtek.mail import services as mail
from bimtek.core.filerefs import release_files
from bimtek.core.errors import InvalidTransition, ValidationError
from bimtek.core.models import now_utc
from bimtek.core.database import insert_if_absent
from bimtek.core.spreadsheet import write_xlsx
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status

MISSING = "belum"  # queue/recap state of a registration without any RTL
MISSING_LABEL = "Belum mengisi"
QUEUE_ORDER = (workflow.DIAJUKAN, workflow.PERLU_REVISI, workflow.DRAFT, MISSING, workflow.DISETUJUI)
REMIND_STATES = (MISSING, workflow.DRAFT, workflow.PERLU_REVISI)
LOCKED_MESSAGES = {
    workflow.DIAJUKAN: "RTL sudah diajukan dan sedang ditinjau; tidak dapat diubah sampai ada keputusan reviewer.",
    workflow.DISETUJUI: "RTL sudah disetujui dan tidak dapat diubah lagi.",
}


def state_label(state):
    """Indonesian label of a plan state, including "belum" (no plan yet)."""
    return MISSING_LABEL if state == MISSING else workflow.STATUS_LABELS[state]


STATE_CHOICES = tuple((s, state_label(s)) for s in QUEUE_ORDER)


# --- settings -------------------------------------------------------------------------------------------

def settings_for(training):
    """The training's RTL settings; an unsaved default object when the organizer never saved any."""
    found = db.session.scalar(sa.select(ActionPlanSettings).where(ActionPlanSettings.training_id == training.id))
    return found or ActionPlanSettings(training_id=training.id, required_for_certificate=True,
                                       strategies=list(plan_rows.TPBIS_STRATEGIES), require_each_strategy=False)


def parse_strategies(text):
    """One strategy per line, trimmed, without duplicates; ValidationError when none or too long."""
    names = []
    for line in (text or "").splitlines():
        name = " ".join(line.split())
        if name and name not in names:
            names.append(name)
    if not names:
        raise ValidationError("Isi minimal satu strategi.", field="strategies")
    if len(names) > 10 or any(len(n) > 100 for n in names):
        raise ValidationError("Maksimal 10 strategi, masing-masing maks. 100 karakter.", field="strategies")
    return names


def save_settings(actor, training, required, strategies_text, require_each, opens_at=None, closes_at=None):
    """Store the organizer's RTL configuration (aware UTC window) for a training."""
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationError("Batas akhir pengisian harus setelah waktu dibuka.", field="closes_at")
    settings = settings_for(training)
    settings.required_for_certificate = bool(required)
    settings.strategies = parse_strategies(strategies_text)
    settings.require_each_strategy = bool(require_each)
    settings.opens_at, settings.closes_at = opens_at, closes_at
    db.session.add(settings)
    db.session.flush()
    record(actor, "action_plan.settings", settings, training_id=training.id,
           summary="Pengaturan RTL diperbarui", strategies=settings.strategies,
           required=settings.required_for_certificate)
    return settings


# --- loading --------------------------------------------------------------------------------------------

def plan_for(registration):
    """The registration's plan (with versions and events) or None."""
    return db.session.scalar(
        sa.select(ActionPlan).where(ActionPlan.registration_id == registration.id)
        .options(orm.selectinload(ActionPlan.versions), orm.selectinload(ActionPlan.events)
                 .joinedload(ActionPlanEvent.actor)))


def load_plan(training_id, plan_id):
    """A plan of this training with its registration, versions and events, or None."""
    return db.session.scalar(
        sa.select(ActionPlan).where(ActionPlan.id == plan_id, ActionPlan.training_id == training_id)
        .options(orm.joinedload(ActionPlan.registration), orm.selectinload(ActionPlan.versions),
                 orm.selectinload(ActionPlan.events).joinedload(ActionPlanEvent.actor)))


def _get_or_create(registration):
    plan = plan_for(registration)
    if plan is None:
        # Autosave and submit can race for a brand-new plan; the database decides who creates it.
        insert_if_absent(db.session, ActionPlan, dict(
            registration_id=registration.id, training_id=registration.training_id, status=workflow.DRAFT,
            rows=[], row_notes={}, review_note=""), ["registration_id"])
        plan = plan_for(registration)
    return plan


def starting_rows(settings):
    """A new plan's rows: one blank row per strategy, so the participant sees what is asked."""
    return plan_rows.assign_keys([plan_rows.PlanRow(strategi=name) for name in settings.strategy_list])


def display_rows(plan):
    """What a reviewer/export shows: the latest submitted version once there is one, else the draft."""
    if plan.status != workflow.DRAFT and plan.versions:
        return plan.versions[-1].plan_rows
    return plan.plan_rows


# --- participant writes ---------------------------------------------------------------------------------

def check_participant_write(registration, plan, settings, now=None):
    """Raise unless the participant may change the plan now (state, registration, window)."""
    status = plan.status if plan else workflow.DRAFT
    if not workflow.can_edit(status, workflow.PESERTA):
        raise InvalidTransition(LOCKED_MESSAGES.get(status, "RTL tidak dapat diubah."), status=status)
    if registration.status != Status.REGISTERED.value:
        raise InvalidTransition("Hanya peserta yang terdaftar dapat mengisi RTL.")
    if status == workflow.PERLU_REVISI:
        return  # a revision requested by the reviewer is always allowed, even after the deadline
    window = settings.window_state(now)
    if window == "belum":
        raise InvalidTransition("Pengisian RTL belum dibuka.")
    if window == "tutup":
        raise InvalidTransition("Batas waktu pengisian RTL sudah lewat.")


def _clip(rows):
    """Draft rows kept within field lengths and the row limit (the form enforces the same)."""
    clipped = []
    for row in rows[:plan_rows.MAX_ROWS]:
        values = {spec.name: getattr(row, spec.name)[:spec.max_length] for spec in plan_rows.PLAN_FIELDS}
        clipped.append(plan_rows.PlanRow(key=row.key, **values))
    return clipped


def save_draft(actor, registration, rows, now=None):
    """Store the participant's working rows (no validation beyond limits); returns the plan."""
    settings = settings_for(registration.training)
    check_participant_write(registration, plan_for(registration), settings, now)
    plan = _get_or_create(registration)
    plan.rows = plan_rows.rows_to_data(_clip(plan_rows.assign_keys(rows)))
    plan.draft_saved_at = now or now_utc()
    db.session.flush()
    return plan


def submit_plan(actor, registration, rows, now=None):
    """Validate and submit: a new immutable version, status diajukan, event and audit entry."""
    settings = settings_for(registration.training)
    check_participant_write(registration, plan_for(registration), settings, now)
    rows = plan_rows.assign_keys(plan_rows.drop_blank_rows(rows))
    errors = plan_rows.validate_plan(rows, settings.strategy_list, settings.require_each_strategy)
    if errors:
        raise ValidationError(errors[0].message, errors=[e.message for e in errors],
                              fields={e.field: e.message for e in errors})
    plan = _get_or_create(registration)
    new_status = workflow.next_status(plan.status, workflow.SUBMIT, workflow.PESERTA)
    plan.rows = plan_rows.rows_to_data(rows)
    version = ActionPlanVersion(plan=plan, number=len(plan.versions) + 1, rows=plan.rows,
                                attachment_digest=plan.attachment_digest, attachment_name=plan.attachment_name,
                                submitted_by_id=actor.id, created_at=now or now_utc())
    db.session.add(version)
    _transition(actor, plan, workflow.SUBMIT, new_status, version_number=version.number, now=now)
    plan.submitted_at = now or now_utc()
    db.session.flush()
    record(actor, "action_plan.submit", plan, summary=f"RTL {registration.number} diajukan (versi {version.number})")
    return plan


def attach_file(actor, registration, filename, data, storage, now=None):
    """Store an attachment (PDF/DOCX/XLSX checked by content) on the participant's editable plan."""
    settings = settings_for(registration.training)
    check_participant_write(registration, plan_for(registration), settings, now)
    name, mime = check_attachment(filename, data)
    plan = _get_or_create(registration)
    if not plan.rows:
        plan.rows = plan_rows.rows_to_data(starting_rows(settings))
    previous, plan.attachment_digest = plan.attachment_digest, storage.put(data)
    release_files([previous] if previous != plan.attachment_digest else [])
    plan.attachment_name, plan.attachment_mime, plan.attachment_size = name, mime, len(data)
    db.session.flush()
    record(actor, "action_plan.attach", plan, summary=f"Lampiran RTL diunggah: {name}")
    return plan


def remove_attachment(actor, registration, now=None):
    """Drop the attachment from the working plan (earlier versions keep theirs)."""
    plan = plan_for(registration)
    check_participant_write(registration, plan, settings_for(registration.training), now)
    if plan is not None and plan.attachment_digest:
        release_files([plan.attachment_digest])  # removed after commit unless a version still has it
        plan.attachment_digest = plan.attachment_name = plan.attachment_mime = None
        plan.attachment_size = None
        db.session.flush()
        record(actor, "action_plan.detach", plan, summary="Lampiran RTL dihapus")
    return plan


# --- reviewer decisions ---------------------------------------------------------------------------------

def _transition(actor, plan, action, new_status, note="", row_notes=None, version_number=None, now=None):
    event = ActionPlanEvent(plan=plan, actor_id=actor.id, action=action, from_status=plan.status,
                            to_status=new_status, note=note, row_notes=row_notes or {},
                            version_number=version_number, created_at=now or now_utc())
    db.session.add(event)
    plan.status = new_status
    return event


def clean_row_notes(plan, row_notes):
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


def decide(actor, plan, action, note="", row_notes=None, now=None):
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
    record(actor, f"action_plan.{action}", plan, summary=f"RTL {number}: {workflow.STATUS_LABELS[new_status]}",
           note=note)
    _notify_decision(plan, action)
    return plan


def bulk_approve(actor, training, plan_ids, now=None):
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


def _plan_url(registration):
    return mail.absolute_url("action_plans.edit_plan", registration_id=registration.id)


DECISION_SUBJECTS = {workflow.APPROVE: "RTL Anda disetujui", workflow.REQUEST_REVISION: "RTL Anda perlu direvisi"}


def _notify_decision(plan, action):
    """Queue the participant's e-mail about a reviewer decision (in the same transaction)."""
    reg = plan.registration
    rows = display_rows(plan)
    row_notes = [(index, row, plan.row_notes[row.key]) for index, row in enumerate(rows, start=1)
                 if row.key in (plan.row_notes or {})]
    mail.queue_mail(reg.email, f"{DECISION_SUBJECTS[action]} — {reg.training.name}", f"action_plan_{action}",
                    registration=reg, training=reg.training, plan=plan, row_notes=row_notes, url=_plan_url(reg))


# --- eligibility ----------------------------------------------------------------------------------------

def rtl_status_for(registration):
    """(ok, reason) for the certificate gate: ok when the RTL is approved or not required."""
    settings = settings_for(registration.training)
    if not settings.required_for_certificate:
        return True, "RTL tidak diwajibkan untuk pelatihan ini"
    plan = db.session.scalar(sa.select(ActionPlan).where(ActionPlan.registration_id == registration.id))
    return _rtl_status(plan)


def rtl_statuses_for_training(training):
    """{registration_id: (ok, reason)} for every registration of a training, in two queries."""
    settings = settings_for(training)
    registration_ids = db.session.scalars(sa.select(Registration.id).where(
        Registration.training_id == training.id)).all()
    if not settings.required_for_certificate:
        return {rid: (True, "RTL tidak diwajibkan untuk pelatihan ini") for rid in registration_ids}
    plans = {plan.registration_id: plan for plan in db.session.scalars(sa.select(ActionPlan).join(
        Registration, ActionPlan.registration_id == Registration.id).where(Registration.training_id == training.id))}
    return {rid: _rtl_status(plans.get(rid)) for rid in registration_ids}


def _rtl_status(plan):
    if plan is None:
        return False, "RTL belum diisi"
    if plan.status == workflow.DISETUJUI:
        return True, "RTL disetujui"
    return False, f"RTL belum disetujui (status: {plan.status_label})"


# --- queue, recap, summary ------------------------------------------------------------------------------

class QueueItem(NamedTuple):
    """One registered participant and their plan (None when they have not started)."""

    registration: Registration
    plan: object

    @property
    def state(self):
        return self.plan.status if self.plan else MISSING

    @property
    def state_label(self):
        return state_label(self.state)

    @property
    def activity_count(self):
        return len(display_rows(self.plan)) if self.plan else 0


def queue_items(training, kabupaten="", instansi="", state=""):
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
    return sorted(items, key=lambda item: QUEUE_ORDER.index(item.state))


def filter_options(training):
    """Distinct kabupaten and instansi of the training's registered participants (for the filters)."""
    base = sa.select(Registration).where(Registration.training_id == training.id,
                                         Registration.status == Status.REGISTERED.value)
    kabupaten = db.session.scalars(base.with_only_columns(Registration.kabupaten).distinct()
                                   .order_by(Registration.kabupaten)).all()
    instansi = db.session.scalars(base.with_only_columns(Registration.instansi).distinct()
                                  .order_by(Registration.instansi)).all()
    return [k for k in kabupaten if k], [i for i in instansi if i]


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


# --- reminders ------------------------------------------------------------------------------------------

def send_reminders(actor, training):
    """Queue a reminder e-mail to everyone whose RTL is missing, still a draft, or waiting for revision."""
    items = [item for item in queue_items(training) if item.state in REMIND_STATES]
    for item in items:
        reg = item.registration
        mail.queue_mail(reg.email, f"Pengingat RTL — {training.name}", "action_plan_reminder",
                        registration=reg, training=training, state_label=item.state_label,
                        settings=settings_for(training), url=_plan_url(reg))
    record(actor, "action_plan.remind", None, training_id=training.id,
           summary=f"Pengingat RTL dikirim ke {len(items)} peserta", count=len(items))
    return len(items)


# --- versions -------------------------------------------------------------------------------------------

class VersionDiff(NamedTuple):
    """A submitted version, the one before it (or None) and what changed in between."""

    version: object
    previous: object
    changes: list
    sentences: list


def version_diff(plan, number=None):
    """Diff of version `number` (default: latest) against the previous version; None without versions."""
    if not plan.versions:
        return None
    by_number = {v.number: v for v in plan.versions}
    version = by_number.get(number) or plan.versions[-1]
    previous = by_number.get(version.number - 1)
    if previous is None:
        return VersionDiff(version, None, [], [])
    changes = plan_rows.diff_versions(previous.plan_rows, version.plan_rows)
    return VersionDiff(version, previous, changes, plan_rows.describe_changes(changes))


def changed_keys(diff):
    """Row keys added or changed in a diff (to highlight them in the reviewer's table)."""
    if diff is None:
        return {}
    return {change.key: change.kind for change in diff.changes if change.new_index is not None}
