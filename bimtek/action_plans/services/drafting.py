"""The participant's writes (flush only): autosaved drafts, submission as an immutable version, attachments;
each checked against the plan state, the registration and the submission window.
"""
from datetime import datetime

from bimtek.accounts.models import User
from bimtek.action_plans import plan_rows, workflow
from bimtek.action_plans.attachments import check_attachment
from bimtek.action_plans.models import ActionPlan, ActionPlanSettings, ActionPlanVersion
from bimtek.action_plans.services.plans import _get_or_create, _transition, plan_for, starting_rows
from bimtek.action_plans.services.settings import settings_for
from bimtek.audit.services import record
from bimtek.core.errors import InvalidTransition, ValidationError
from bimtek.core.filerefs import release_files
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.core.storage import Storage
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status

LOCKED_MESSAGES = {
    workflow.DIAJUKAN: "RTL sudah diajukan dan sedang ditinjau; tidak dapat diubah sampai ada keputusan reviewer.",
    workflow.DISETUJUI: "RTL sudah disetujui dan tidak dapat diubah lagi.",
}


def check_participant_write(registration: Registration, plan: ActionPlan | None, settings: ActionPlanSettings,
                            now: datetime | None = None) -> None:
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


def _clip(rows: list[plan_rows.PlanRow]) -> list[plan_rows.PlanRow]:
    """Draft rows kept within field lengths and the row limit (the form enforces the same)."""
    clipped = []
    for row in rows[:plan_rows.MAX_ROWS]:
        values = {spec.name: getattr(row, spec.name)[:spec.max_length] for spec in plan_rows.PLAN_FIELDS}
        clipped.append(plan_rows.PlanRow(key=row.key, **values))
    return clipped


def save_draft(actor: User, registration: Registration, rows: list[plan_rows.PlanRow],
               now: datetime | None = None) -> ActionPlan:
    """Store the participant's working rows (no validation beyond limits); returns the plan."""
    settings = settings_for(registration.training)
    check_participant_write(registration, plan_for(registration), settings, now)
    plan = _get_or_create(registration)
    plan.rows = plan_rows.rows_to_data(_clip(plan_rows.assign_keys(rows)))
    plan.draft_saved_at = now or now_utc()
    db.session.flush()
    return plan


def submit_plan(actor: User, registration: Registration, rows: list[plan_rows.PlanRow],
                now: datetime | None = None) -> ActionPlan:
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
    record(actor, "action_plan.submit", plan,
           summary=Message(N_("RTL %(number)s diajukan (versi %(version)s)"), number=registration.number,
                           version=version.number))
    return plan


def attach_file(actor: User, registration: Registration, filename: str, data: bytes, storage: Storage,
                now: datetime | None = None) -> ActionPlan:
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
    record(actor, "action_plan.attach", plan, summary=Message(N_("Lampiran RTL diunggah: %(name)s"), name=name))
    return plan


def remove_attachment(actor: User, registration: Registration, now: datetime | None = None) -> ActionPlan | None:
    """Drop the attachment from the working plan (earlier versions keep theirs)."""
    plan = plan_for(registration)
    check_participant_write(registration, plan, settings_for(registration.training), now)
    if plan is not None and plan.attachment_digest:
        release_files([plan.attachment_digest])  # removed after commit unless a version still has it
        plan.attachment_digest = plan.attachment_name = plan.attachment_mime = None
        plan.attachment_size = None
        db.session.flush()
        record(actor, "action_plan.detach", plan, summary=Message(N_("Lampiran RTL dihapus")))
    return plan
