"""Action plans (RTL): the participant's form, the reviewer workspace, exports and reminders."""
from datetime import timezone

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from bimtek.accounts import permissions
from bimtek.accounts.services import duties_for
from bimtek.action_plans import plan_rows, services, workflow
from bimtek.action_plans.forms import SettingsForm
from bimtek.action_plans.rendering import render_pdf
from bimtek.config import ROOT
from bimtek.core.dates import get_zone, to_local
from bimtek.core.errors import DomainError, InvalidTransition, ValidationError
from bimtek.core.i18n import in_indonesian, tr
from bimtek.core.storage import app_storage
from bimtek.core.web import flash_domain_error, get_or_404, refuse
from bimtek.extensions import db, login_manager
from bimtek.registration.models import Registration
from bimtek.trainings.access import load_training_for, management_flags

bp = Blueprint("action_plans", __name__)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Extraction markers only: workflow.py and plan_rows.py are pure (no flask_babel), so their labels stay plain
# Indonesian (audit summaries, PDF/XLSX exports) and templates translate them with _(label).
# tests/integration/test_i18n.py checks that every label is in the catalog.
MARKERS = (
    _l("Draf"), _l("Diajukan"), _l("Perlu Revisi"), _l("Disetujui"), _l("Belum mengisi"),  # workflow.STATUS_LABELS
    _l("Ajukan"), _l("Minta Revisi"), _l("Setujui"),  # workflow.ACTION_LABELS
    _l("Strategi TPBIS"), _l("Kegiatan"), _l("Tujuan"), _l("Sasaran"), _l("Waktu Pelaksanaan"),  # plan_rows labels
    _l("Penanggung Jawab"), _l("Indikator Keberhasilan"), _l("Sumber Dana/Anggaran"), _l("Mitra"),
)


# --- access ---------------------------------------------------------------------------------------------

def _require_login():
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())


def _own_registration(registration_id):
    """The current participant's own registration, else 404/403."""
    registration = get_or_404(Registration, registration_id)
    _require_login()
    if not permissions.owns_registration(current_user, registration):
        abort(403)
    return registration


def _viewable_registration(registration_id):
    """A registration the current user may read the RTL of: their own, or as reviewer of its training."""
    registration = get_or_404(Registration, registration_id)
    _require_login()
    if permissions.owns_registration(current_user, registration):
        return registration
    if not permissions.can_review_plans(current_user, duties_for(current_user, registration.training)):
        abort(403)
    return registration


# --- participant ----------------------------------------------------------------------------------------

@bp.route("/peserta/rtl/<int:registration_id>", methods=["GET", "POST"])
def edit_plan(registration_id):
    """The participant's RTL: editable form in draft/perlu revisi, read-only otherwise."""
    registration = _own_registration(registration_id)
    if request.method == "POST":
        result = _handle_plan_post(registration)
        if result is not None:
            return result
    return _render_plan(registration)


def _render_plan(registration, rows=None, errors=None, status=200):
    settings = services.settings_for(registration.training)
    plan = services.plan_for(registration)
    if rows is None:
        rows = plan.plan_rows if plan and plan.rows else services.starting_rows(settings)
    try:
        services.check_participant_write(registration, plan, settings)
        locked_reason = None
    except InvalidTransition as error:
        locked_reason = tr(error.message)
    diff = services.version_diff(plan) if plan else None
    return render_template(
        "action_plans/edit_plan.html", registration=registration, training=registration.training, plan=plan,
        settings=settings, rows=rows, errors=errors or {}, locked_reason=locked_reason, fields=plan_rows.PLAN_FIELDS,
        shown_rows=services.display_rows(plan) if plan else [], diff=diff, max_rows=plan_rows.MAX_ROWS), status


def _handle_plan_post(registration):
    """Row buttons, attachment, save and submit of the no-JS form; None means render the form."""
    rows = plan_rows.rows_from_form(request.form)
    row_action = plan_rows.parse_row_action(request.form)
    action = request.form.get("action", "save")
    try:
        if row_action is not None:
            rows = plan_rows.apply_row_action(rows, row_action)
        bad_file = _store_attachment(registration)
        if bad_file is not None:
            return _refused_attachment(registration, rows, action if row_action is None else "save", bad_file)
        if action == "remove_attachment":
            services.remove_attachment(current_user, registration)
        if action == "submit" and row_action is None:
            return _submit(registration, rows)
        services.save_draft(current_user, registration, rows)
    except DomainError as error:
        return refuse(error, redirect(url_for("action_plans.edit_plan", registration_id=registration.id)))
    db.session.commit()
    if row_action is None:
        flash(_("Draf RTL disimpan."), "success")
    anchor = f"#baris-{row_action.row + 1}" if row_action and row_action.row is not None else "#rtl-rows"
    return redirect(url_for("action_plans.edit_plan", registration_id=registration.id) + anchor)


def _store_attachment(registration):
    """Store an uploaded attachment; a refused file is returned (not raised) so the rows are still checked."""
    upload = request.files.get("attachment")
    if upload and upload.filename:
        try:
            services.attach_file(current_user, registration, upload.filename, upload.read(), app_storage())
        except ValidationError as error:
            if error.field != "attachment":
                raise
            return error  # the file check runs before anything is written
    return None


def _refused_attachment(registration, rows, action, error):
    """Keep the typed rows as a draft and show the file problem next to every problem of the rows at once."""
    services.save_draft(current_user, registration, rows)
    db.session.commit()
    errors = {"attachment": tr(error.message)}
    if action == "submit":
        settings = services.settings_for(registration.training)
        problems = plan_rows.validate_plan(plan_rows.assign_keys(plan_rows.drop_blank_rows(rows)),
                                           settings.strategy_list, settings.require_each_strategy)
        errors.update({problem.field: problem.message for problem in problems})
    flash(_("Lampiran ditolak: %(reason)s RTL belum diajukan; perbaiki semua isian yang ditandai.",
            reason=tr(error.message)), "danger")
    return _render_plan(registration, rows=rows, errors=errors, status=422)


def _submit(registration, rows):
    """Submit; on validation errors keep the typed rows as a draft and show the messages."""
    try:
        services.submit_plan(current_user, registration, rows)
    except ValidationError as error:
        db.session.rollback()
        services.save_draft(current_user, registration, rows)
        db.session.commit()
        flash_domain_error(error)
        return _render_plan(registration, rows=rows, errors=error.context.get("fields") or {}, status=422)
    db.session.commit()
    flash(_("RTL diajukan. Reviewer akan meninjau dan Anda akan menerima e-mail keputusannya."), "success")
    return redirect(url_for("action_plans.edit_plan", registration_id=registration.id))


@bp.route("/peserta/rtl/<int:registration_id>/draf", methods=["POST"])
def autosave_plan(registration_id):
    """Autosave from the browser (JSON answer; CSRF token in the X-CSRFToken header)."""
    registration = _own_registration(registration_id)
    rows = plan_rows.rows_from_form(request.form)
    try:
        plan = services.save_draft(current_user, registration, rows)
    except DomainError as error:
        db.session.rollback()
        return jsonify(ok=False, message=tr(error.message)), 409
    db.session.commit()
    saved = to_local(plan.draft_saved_at, registration.training.timezone)
    return jsonify(ok=True, message=f"Draf tersimpan otomatis pukul {saved:%H.%M}.")


@bp.route("/rtl/<int:registration_id>/lampiran")
def download_attachment(registration_id):
    """The plan's attachment (or that of version ?versi=n) for the participant or a reviewer."""
    registration = _viewable_registration(registration_id)
    plan = services.plan_for(registration) or abort(404)
    source = plan
    if request.args.get("versi", type=int):
        source = next((v for v in plan.versions if v.number == request.args.get("versi", type=int)), None)
    if source is None or not source.attachment_digest:
        abort(404)
    data = app_storage().get(source.attachment_digest)
    return Response(data, mimetype=plan.attachment_mime if source is plan else "application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{source.attachment_name}"'})


@bp.route("/rtl/<int:registration_id>/rtl.pdf")
def export_pdf(registration_id):
    """One plan as an A4 PDF in Indonesian, for the participant's superior."""
    registration = _viewable_registration(registration_id)
    plan = services.plan_for(registration) or abort(404)
    with in_indonesian():  # a document for the participant's superior: Indonesian whatever the page language
        html = render_template("action_plans/export_pdf.html", registration=registration, plan=plan,
                               training=registration.training, rows=services.display_rows(plan),
                               fields=plan_rows.PLAN_FIELDS, approved_event=_last_event(plan, workflow.APPROVE))
    pdf = render_pdf(html, ROOT / "static")
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="RTL-{registration.number}.pdf"'})


def _last_event(plan, action):
    return next((e for e in reversed(plan.events) if e.action == action), None)


# --- reviewer workspace ---------------------------------------------------------------------------------

@bp.route("/kelola/pelatihan/<int:training_id>/rtl")
def queue(training_id):
    """Reviewer queue: every registered participant's RTL state, filterable, with bulk approval."""
    training, duties = load_training_for(training_id, permissions.can_review_plans)
    filters = {name: request.args.get(name, "").strip() for name in ("kabupaten", "instansi", "state")}
    items, page = services.queue_page(training, request.args.get("hal"), **filters)
    kabupaten, instansi = services.filter_options(training)
    return render_template("action_plans/queue.html", training=training, items=items, filters=filters, page=page,
                           kabupaten_options=kabupaten, instansi_options=instansi,
                           state_options=services.STATE_CHOICES, settings=services.settings_for(training),
                           can=management_flags(current_user, duties), tab="rtl")


def _load_plan(training_id, plan_id):
    training, duties = load_training_for(training_id, permissions.can_review_plans)
    plan = services.load_plan(training.id, plan_id) or abort(404)
    return training, duties, plan


@bp.route("/kelola/pelatihan/<int:training_id>/rtl/<int:plan_id>")
def review_plan(training_id, plan_id):
    """One plan for the reviewer: chosen version, changes since the previous one, history, decision form."""
    training, duties, plan = _load_plan(training_id, plan_id)
    diff = services.version_diff(plan, request.args.get("versi", type=int))
    rows = diff.version.plan_rows if diff else plan.plan_rows
    return render_template("action_plans/review_plan.html", training=training, plan=plan, diff=diff, rows=rows,
                           registration=plan.registration, fields=plan_rows.PLAN_FIELDS,
                           changed=services.changed_keys(diff), can=management_flags(current_user, duties),
                           actions=workflow.available_actions(plan.status, workflow.REVIEWER), tab="rtl")


@bp.route("/kelola/pelatihan/<int:training_id>/rtl/<int:plan_id>/keputusan", methods=["POST"])
def decide_plan(training_id, plan_id):
    """Approve or send back one plan with notes (plan note plus notes per row)."""
    training, _registration, plan = _load_plan(training_id, plan_id)
    row_notes = {key[len("row_note-"):]: value for key, value in request.form.items() if key.startswith("row_note-")}
    action = request.form.get("action", "")
    try:
        services.decide(current_user, plan, action, request.form.get("note", ""), row_notes)
    except DomainError as error:
        return refuse(error, redirect(url_for("action_plans.review_plan", training_id=training.id, plan_id=plan_id)))
    db.session.commit()
    flash(_("RTL %(name)s: %(status)s. Peserta diberi tahu lewat e-mail.", name=plan.registration.nama_lengkap,
            status=_(plan.status_label)), "success")
    return redirect(url_for("action_plans.queue", training_id=training.id))


@bp.route("/kelola/pelatihan/<int:training_id>/rtl/setujui", methods=["POST"])
def bulk_approve(training_id):
    """Approve all ticked plans that are waiting for review."""
    training, _duties = load_training_for(training_id, permissions.can_review_plans)
    ids = [value for value in request.form.getlist("plan_ids") if value.isdigit()]
    if not ids:
        flash(_("Pilih minimal satu RTL yang akan disetujui."), "warning")
        return redirect(url_for("action_plans.queue", training_id=training.id))
    approved, skipped = services.bulk_approve(current_user, training, ids)
    db.session.commit()
    message = _("%(count)s RTL disetujui.", count=approved)
    if skipped:
        message += " " + _("%(count)s dilewati karena tidak berstatus Diajukan.", count=skipped)
    flash(message, "success" if approved else "warning")
    return redirect(url_for("action_plans.queue", training_id=training.id))


@bp.route("/kelola/pelatihan/<int:training_id>/rtl/pengingat", methods=["POST"])
def send_reminders(training_id):
    """E-mail everyone whose RTL is missing, still a draft, or waiting for revision."""
    training, _duties = load_training_for(training_id, permissions.can_review_plans)
    count = services.send_reminders(current_user, training)
    db.session.commit()
    flash(_("Pengingat RTL dikirim ke %(count)s peserta.", count=count) if count
          else _("Tidak ada peserta yang perlu diingatkan."), "success" if count else "info")
    return redirect(url_for("action_plans.queue", training_id=training.id))


@bp.route("/kelola/pelatihan/<int:training_id>/rtl/pengaturan", methods=["GET", "POST"])
def edit_settings(training_id):
    """Admin configures the training's RTL: certificate requirement, strategies, one per strategy, window."""
    training, duties = load_training_for(training_id, permissions.can_manage_training)
    settings = services.settings_for(training)
    form = SettingsForm(obj=settings)
    if request.method == "GET":
        _fill_settings_form(form, settings, training.timezone)
    if form.validate_on_submit():
        try:
            services.save_settings(current_user, training, form.required_for_certificate.data, form.strategies.data,
                                   form.require_each_strategy.data, _utc(form.opens_at.data, training.timezone),
                                   _utc(form.closes_at.data, training.timezone))
        except ValidationError as error:
            db.session.rollback()
            if error.field in form:
                form[error.field].errors.append(tr(error.message))
            else:
                flash(tr(error.message), "danger")
        else:
            db.session.commit()
            flash(_("Pengaturan RTL disimpan."), "success")
            return redirect(url_for("action_plans.queue", training_id=training.id))
    return render_template("action_plans/edit_settings.html", training=training, form=form,
                           can=management_flags(current_user, duties), tab="rtl")


def _fill_settings_form(form, settings, tz):
    form.strategies.data = "\n".join(settings.strategy_list)
    for name in ("opens_at", "closes_at"):
        value = getattr(settings, name)
        form[name].data = to_local(value, tz).replace(tzinfo=None) if value else None


def _utc(local, tz):
    return local.replace(tzinfo=get_zone(tz)).astimezone(timezone.utc) if local else None


@bp.route("/kelola/pelatihan/<int:training_id>/rtl/rekap.xlsx")
def export_recap(training_id):
    """Recap workbook: one row per planned activity with participant, instansi, kabupaten, strategi, state."""
    training, _duties = load_training_for(training_id, permissions.can_review_plans)
    return Response(services.recap_xlsx(training), mimetype=XLSX_MIME, headers={
        "Content-Disposition": f'attachment; filename="rekap-rtl-{training.code}.xlsx"'})


@bp.route("/kelola/pelatihan/<int:training_id>/rtl/ringkasan")
def summary(training_id):
    """Summary with server-rendered SVG bar charts (activities per strategy/kabupaten, plans per state)."""
    training, duties = load_training_for(training_id, permissions.can_review_plans)
    return render_template("action_plans/summary.html", training=training, stats=services.summary(training),
                           can=management_flags(current_user, duties), tab="rtl")
