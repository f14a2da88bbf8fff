"""Attendance pages for panitia (upload, preview, session table, review queue, overrides, overview, exports).

Every route loads the training (404), authorises with permissions.can_manage_roster (403), validates, calls
one service and commits once.
"""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from bimtek.accounts import permissions
from bimtek.attendance import forms, services
from bimtek.attendance.models import AttendanceFile, AttendanceOverride, IgnoredName, NameAlias, UnmatchedName
from bimtek.attendance.services import review as queue_review
from bimtek.core import spreadsheet
from bimtek.core.errors import DomainError
from bimtek.core.i18n import session_label
from bimtek.core.web import flash_form_errors, get_or_404, refuse
from bimtek.extensions import db
from bimtek.trainings.access import load_training_for, management_flags
from bimtek.trainings.models import TrainingSession

QUEUE_PAGE = 100  # queue items rendered at once (each carries a participant picker); filters narrow the rest
PICKER_MAX = 200  # above this many participants the queue's picker asks for a registration number (no <select>)
HEATMAP_PEOPLE_MAX = 200  # above this many participants the heatmap summarises per kabupaten (drill-down links)
bp = Blueprint("attendance", __name__, url_prefix="/kelola/pelatihan/<int:training_id>/kehadiran")

# Extraction markers only: services.STATUS_LABELS, METHOD_LABELS and EXCLUSION_LABELS stay plain Indonesian
# (they also go into audit summaries and exports); templates translate them with _(label).
# tests/integration/test_i18n.py checks that every label is in the catalog.
MARKERS = (
    _l("Hadir"), _l("Hadir sebagian"), _l("Tidak hadir"),
    _l("Nomor registrasi"), _l("E-mail"), _l("Alias dari panitia"), _l("Nama sama"), _l("Nama mirip"),
    _l("Host/panelis menurut log"), _l("E-mail akun staf/admin"), _l("Ditandai bukan peserta"),
    _l("Ditetapkan panitia"), _l("Nama tidak lengkap/urutan lain"),
)


def _load(training_id):
    training, duties = load_training_for(training_id, permissions.can_manage_roster)
    return training, {"training": training, "can": management_flags(current_user, duties), "tab": "kehadiran"}


def _load_session(training_id, session_id):
    training, ctx = _load(training_id)
    session = get_or_404(TrainingSession, session_id, training_id=training.id)
    return session, ctx


def _to_session(session):
    return redirect(url_for("attendance.show_session", training_id=session.training_id, session_id=session.id))


@bp.route("")
def overview(training_id):
    """Training attendance overview: sessions, participants' verdicts, heatmap, exports."""
    training, ctx = _load(training_id)
    args = request.args
    filters = services.OverviewFilter(args.get("q", "").strip()[:100], args.get("kabupaten", "")[:100],
                                      args.get("hasil", "") if args.get("hasil") in ("lulus", "tidak") else "")
    overview = services.training_overview(training, filters, args.get("hal"), paged=True)
    return render_template("attendance/overview.html", overview=overview, filters=filters,
                           ignored=db.session.scalars(IgnoredName.for_training(training.id)).all(),
                           action_form=forms.ActionForm(), **ctx)


@bp.route("/heatmap.svg")
def heatmap(training_id):
    """Participants × sessions heatmap as a server-rendered SVG picture."""
    training, ctx = _load(training_id)
    if services.registered_count(training) > HEATMAP_PEOPLE_MAX:
        body = render_template("attendance/heatmap_groups.svg", groups=services.group_summary(training), **ctx)
    else:
        body = render_template("attendance/heatmap.svg", overview=services.training_overview(training), **ctx)
    return Response(body, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.route("/ekspor.<any(csv, xlsx):fmt>")
def export_overview(training_id, fmt):
    """The overview as CSV or XLSX (formula injection neutralised by core.spreadsheet)."""
    training, ctx = _load(training_id)
    headers, rows = services.export_table(training)
    if fmt == "csv":
        data, mimetype = spreadsheet.write_csv(headers, rows), "text/csv; charset=utf-8"
    else:
        data = spreadsheet.write_xlsx(headers, rows, sheet_title="Kehadiran")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = f"kehadiran-{training.code}.{fmt}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/hitung-ulang", methods=["POST"])
def recompute(training_id):
    """Recompute every session from its stored files (after registrations changed)."""
    training, ctx = _load(training_id)
    if forms.ActionForm().validate_on_submit():
        count = services.recompute_training(current_user, training)
        db.session.commit()
        flash(_("Kehadiran %(count)s sesi sudah dihitung ulang.", count=count), "success")
    return redirect(url_for("attendance.overview", training_id=training.id))


@bp.route("/sesi/<int:session_id>")
def show_session(training_id, session_id):
    """One session: uploads, attendance table, review queue and overrides."""
    session, ctx = _load_session(training_id, session_id)
    files = db.session.scalars(AttendanceFile.of_session(session.id)).all()
    review = services.session_review(session)
    queue_filter = queue_review.QueueFilter.from_args(request.args)
    items = queue_review.filtered(queue_review.queue_items(session, review.queue), queue_filter)
    table = services.session_rows(session, request.args.get("cari", "")[:100], request.args.get("hal"))
    return render_template(
        "attendance/show_session.html", session=session, files=files, rows=table.rows, table=table,
        picker=table.registered <= PICKER_MAX and services.registered_people(session.training_id),
        queue=review.queue, items=items[:QUEUE_PAGE], matching_items=len(items), queue_filter=queue_filter,
        review=review, summary=db.session.get(services.SessionSummary, session.id),
        identities=queue_review.identities_by_registration(session, [row.registration.id for row in table.rows]),
        aliases=db.session.scalars(NameAlias.for_training(training_id)).all(),
        upload_form=forms.UploadForm(), override_form=forms.OverrideForm(), action_form=forms.ActionForm(),
        method_labels=services.METHOD_LABELS, exclusion_labels=services.EXCLUSION_LABELS, **ctx)


def _min_score():
    value = request.values.get("min", type=float)
    return min(100.0, max(1.0, value)) if value is not None else 90.0


@bp.route("/sesi/<int:session_id>/terima-saran")
def bulk_preview(training_id, session_id):
    """Preview of "accept every suggestion from N %": which identity goes to whom and what changes."""
    session, ctx = _load_session(training_id, session_id)
    minimum = _min_score()
    chosen = queue_review.bulk_candidates(queue_review.queue_items(session), minimum)
    return render_template("attendance/bulk_accept.html", session=session, chosen=chosen, minimum=minimum,
                           action_form=forms.ActionForm(), **ctx)


@bp.route("/sesi/<int:session_id>/terima-saran", methods=["POST"])
def bulk_accept(training_id, session_id):
    """Accept the previewed suggestions (only items still queued whose best suggestion still qualifies)."""
    session, ctx = _load_session(training_id, session_id)
    if not forms.ActionForm().validate_on_submit():
        return _to_session(session)
    wanted = set(request.form.getlist("item_id", type=int))
    chosen = [entry for entry in queue_review.bulk_candidates(queue_review.queue_items(session), _min_score())
              if entry.item.id in wanted]
    try:
        services.assign_many(current_user, [(entry.item, entry.best.registration.id) for entry in chosen])
    except DomainError as error:
        return refuse(error, _to_session(session))
    db.session.commit()
    flash(_("%(count)s nama di antrean ditetapkan sesuai saran; kehadiran dihitung ulang.", count=len(chosen)),
          "success")
    return _to_session(session)


@bp.route("/sesi/<int:session_id>/unggah", methods=["POST"])
def upload_files(training_id, session_id):
    """Stage uploaded logs as pending and show the preview (nothing counts until applied)."""
    session, ctx = _load_session(training_id, session_id)
    form = forms.UploadForm()
    uploads = [(f.filename, f.read()) for f in request.files.getlist("files") if f and f.filename]
    if not form.validate_on_submit() or not uploads:
        flash(_("Pilih minimal satu berkas log kehadiran."), "danger")
        return _to_session(session)
    limit = int(current_app.config["ATTENDANCE_MAX_UPLOAD_MB"] * 1024 * 1024)
    try:
        staged, skipped = services.stage_uploads(current_user, session, uploads, limit)
    except DomainError as error:
        return refuse(error, _to_session(session))
    db.session.commit()
    for name in skipped:
        flash(_("Berkas '%(name)s' sudah pernah diunggah untuk sesi ini; tidak ada yang berubah.", name=name), "info")
    if not staged:
        return _to_session(session)
    return redirect(url_for("attendance.preview_upload", training_id=training_id, session_id=session.id))


@bp.route("/sesi/<int:session_id>/pratinjau")
def preview_upload(training_id, session_id):
    """Preview of the pending files: formats, rows, matches, review queue, warnings."""
    session, ctx = _load_session(training_id, session_id)
    preview = services.preview_pending(session)
    if preview is None:
        flash(_("Tidak ada berkas yang menunggu diterapkan."), "info")
        return _to_session(session)
    return render_template("attendance/preview_upload.html", session=session, preview=preview,
                           action_form=forms.ActionForm(), method_labels=services.METHOD_LABELS,
                           exclusion_labels=services.EXCLUSION_LABELS, **ctx)


@bp.route("/sesi/<int:session_id>/terapkan", methods=["POST"])
def apply_upload(training_id, session_id):
    """Count the pending files in the session's attendance."""
    session, ctx = _load_session(training_id, session_id)
    if forms.ActionForm().validate_on_submit():
        count = services.apply_pending(current_user, session)
        db.session.commit()
        flash(_("%(count)s berkas diterapkan; kehadiran %(session)s sudah dihitung.", count=count,
                session=session_label(session)), "success")
    return _to_session(session)


@bp.route("/sesi/<int:session_id>/batalkan", methods=["POST"])
def discard_upload(training_id, session_id):
    """Drop the pending files without counting them."""
    session, ctx = _load_session(training_id, session_id)
    if forms.ActionForm().validate_on_submit():
        services.discard_pending(current_user, session)
        db.session.commit()
        flash(_("Unggahan dibatalkan; tidak ada yang berubah."), "info")
    return _to_session(session)


@bp.route("/sesi/<int:session_id>/berkas/<int:file_id>/hapus", methods=["POST"])
def delete_file(training_id, session_id, file_id):
    """Delete one uploaded file and recompute the session."""
    session, ctx = _load_session(training_id, session_id)
    item = get_or_404(AttendanceFile, file_id, session_id=session.id)
    if forms.ActionForm().validate_on_submit():
        services.delete_file(current_user, item)
        db.session.commit()
        flash(_("Berkas '%(name)s' dihapus; kehadiran dihitung ulang.", name=item.filename), "success")
    return _to_session(session)


def _by_number(training):
    """Form data where a typed registration number (large trainings: no picker) stands for the participant."""
    data = request.form.copy()
    number = data.pop("registration_number", "").strip()
    if number and not data.get("registration_id"):
        data["registration_id"] = str(services.registration_id_by_number(training, number) or "")
        if not data["registration_id"]:
            flash(_("Nomor registrasi %(number)s tidak ditemukan di antara peserta terdaftar.", number=number[:40]),
                  "danger")
    return data


@bp.route("/sesi/<int:session_id>/antrean/<int:item_id>", methods=["POST"])
def assign_name(training_id, session_id, item_id):
    """Tie a queued log name to a participant (remembered as an alias for every session)."""
    session, ctx = _load_session(training_id, session_id)
    item = get_or_404(UnmatchedName, item_id, session_id=session.id)
    form = forms.AssignForm(_by_number(session.training))
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _to_session(session)
    try:
        alias = services.assign_name(current_user, item, form.registration_id.data)
    except DomainError as error:
        return refuse(error, _to_session(session))
    db.session.commit()
    flash(_("“%(alias)s” ditetapkan sebagai %(name)s; waktunya ditambahkan. Nama ini juga dikenali di sesi lain "
            "dan penetapan dapat dibatalkan.", alias=alias.display, name=alias.registration.nama_lengkap), "success")
    return _to_session(session)


@bp.route("/sesi/<int:session_id>/antrean/<int:item_id>/bukan-peserta", methods=["POST"])
def ignore_name(training_id, session_id, item_id):
    """Mark one queued identity "not a participant": its e-mail, else its name in this session (undoable)."""
    session, ctx = _load_session(training_id, session_id)
    item = get_or_404(UnmatchedName, item_id, session_id=session.id)
    if forms.ActionForm().validate_on_submit():
        ignored = services.ignore_name(current_user, item)
        db.session.commit()
        if ignored.email:
            flash(_("“%(name)s” (e-mail %(email)s) ditandai bukan peserta di semua sesi pelatihan ini. "
                    "Tanda ini dapat dibatalkan.", name=ignored.display, email=ignored.email), "success")
        else:
            flash(_("“%(name)s” ditandai bukan peserta di sesi ini saja; nama yang sama di sesi lain tetap "
                    "ditinjau. Tanda ini dapat dibatalkan.", name=ignored.display), "success")
    return _to_session(session)


@bp.route("/bukan-peserta/<int:ignored_id>/hapus", methods=["POST"])
def unignore_name(training_id, ignored_id):
    """Remove a "not a participant" mark; the name waits in the review queue again."""
    training, ctx = _load(training_id)
    ignored = get_or_404(IgnoredName, ignored_id, training_id=training.id)
    if forms.ActionForm().validate_on_submit():
        services.unignore_name(current_user, ignored)
        db.session.commit()
        flash(_("Tanda bukan peserta “%(name)s” dibatalkan; nama ini kembali ke antrean tinjauan.",
                name=ignored.display), "success")
    return _back_to(training, request.form.get("session_id", type=int))


def _back_to(training, session_id):
    if session_id and db.session.get(TrainingSession, session_id) in training.sessions:
        return redirect(url_for("attendance.show_session", training_id=training.id, session_id=session_id))
    return redirect(url_for("attendance.overview", training_id=training.id))


@bp.route("/alias/<int:alias_id>/hapus", methods=["POST"])
def delete_alias(training_id, alias_id):
    """Undo an assignment ("Batalkan penetapan") and recompute the training."""
    training, ctx = _load(training_id)
    alias = get_or_404(NameAlias, alias_id, training_id=training.id)
    back = request.form.get("session_id", type=int)
    if forms.ActionForm().validate_on_submit():
        services.delete_alias(current_user, alias)
        db.session.commit()
        flash(_("Penetapan “%(name)s” dibatalkan; kehadiran dihitung ulang.", name=alias.display), "success")
    return _back_to(training, back)


@bp.route("/sesi/<int:session_id>/koreksi", methods=["POST"])
def save_override(training_id, session_id):
    """Set a manual status for one participant in this session (reason required, audited)."""
    session, ctx = _load_session(training_id, session_id)
    form = forms.OverrideForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _to_session(session)
    try:
        services.set_override(current_user, session, form.registration_id.data, form.status.data, form.reason.data)
    except DomainError as error:
        return refuse(error, _to_session(session))
    db.session.commit()
    flash(_("Koreksi kehadiran disimpan dan dicatat di log audit."), "success")
    return _to_session(session)


@bp.route("/sesi/<int:session_id>/koreksi/<int:override_id>/hapus", methods=["POST"])
def delete_override(training_id, session_id, override_id):
    """Remove a manual status (audited)."""
    session, ctx = _load_session(training_id, session_id)
    override = get_or_404(AttendanceOverride, override_id, session_id=session.id)
    if forms.ActionForm().validate_on_submit():
        services.clear_override(current_user, override)
        db.session.commit()
        flash(_("Koreksi dihapus; status dihitung dari log lagi."), "success")
    return _to_session(session)
