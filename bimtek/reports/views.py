"""Laporan kegiatan: the report page (figures, editable texts, letterhead), one-click DOCX/PDF, and each daftar
hadir alone (PDF/XLSX). Downloads hold personal data, so they need the roster duty (admin or panitia)."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.accounts import permissions
from bimtek.accounts.services import duties_for
from bimtek.attendance.services import registered_count, registered_people
from bimtek.core.errors import DomainError
from bimtek.core.i18n import tr
from bimtek.core.web import flash_domain_error, flash_form_errors, get_or_404, refuse
from bimtek.extensions import db
from bimtek.jobs import services as jobs
from bimtek.reports import services, tasks
from bimtek.reports.forms import FieldsForm, LetterheadForm
from bimtek.reports.services import figures, files, sheets
from bimtek.trainings.access import load_training_for, management_flags
from bimtek.trainings.models import TrainingSession

bp = Blueprint("reports", __name__, url_prefix="/kelola/pelatihan/<int:training_id>")
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _download(data, ext, name):
    return Response(data, mimetype=MIME[ext], headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                       "Cache-Control": "no-store"})


@bp.route("/laporan")
def show(training_id):
    """The report's figures as the document will print them, with the buttons and the settings. A training too big
    to compute them here (REPORT_FIGURES_INLINE_MAX) shows those of the last computation, with its time."""
    training, duties = load_training_for(training_id, permissions.can_manage_roster)
    registered = registered_count(training)
    computed_at, inline = None, registered <= current_app.config["REPORT_FIGURES_INLINE_MAX"]
    if inline:
        shown = figures.page_figures(services.build_report(training, sheets=False))
        db.session.commit()  # the default questionnaire may have just been created
    else:
        shown, computed_at = figures.last_computed(training) or (None, None)
    fields, head = services.fields_for(training), services.letterhead_for(training)
    stored = files.current_files(training)
    return render_template("reports/show.html", training=training, f=shown, computed_at=computed_at,
                           background=not inline,
                           gain=shown and figures.shown_gain(shown), fields_form=FieldsForm(obj=fields),
                           parts=sheets.part_count(registered), registered=registered, part_rows=sheets.PDF_PART_ROWS,
                           head_form=LetterheadForm(obj=head), head=head, formats=files.FORMATS, stored=stored,
                           stale={fmt: bool(shown) and row.fingerprint != shown["fingerprint"]
                                  for fmt, row in stored.items()},
                           computing=None if inline else jobs.latest_job(figures.FIGURES_KIND, training.id),
                           building={fmt: jobs.latest_job(kind, training.id) for fmt, kind in files.JOB_KINDS.items()},
                           can=management_flags(current_user, duties), tab="laporan")


@bp.route("/laporan/angka/hitung", methods=["POST"])
def compute_figures(training_id):
    """Compute the report page's figures again in the background (a training too big to compute them per view)."""
    training, _duties = load_training_for(training_id, permissions.can_manage_roster)
    job = tasks.start_figures(current_user, training)
    db.session.commit()
    if job is not None:
        jobs.dispatch(current_app._get_current_object(), job.id)
    return redirect(url_for("reports.show", training_id=training.id), 303)


@bp.route("/laporan.<any(docx, pdf):fmt>")
def download(training_id, fmt):
    """The old one-click address: a small report is built now (as `flask laporan`); a bigger one is a job."""
    training, _duties = load_training_for(training_id, permissions.can_manage_roster)
    running = jobs.active_job(files.JOB_KINDS[fmt], training.id)
    if running is not None:
        return redirect(url_for("jobs.show_job", job_id=running.id), 303)
    if not files.fits_in_request(training, current_app.config["REPORT_INLINE_MAX_ROWS"]):
        flash(_("Laporan pelatihan sebesar ini dibuat di latar belakang: tekan “Buat laporan (%(fmt)s)”, lalu unduh "
                "berkasnya setelah selesai.", fmt=fmt.upper()), "info")
        return redirect(url_for("reports.show", training_id=training.id), 303)
    data = services.report_docx(training) if fmt == "docx" else services.report_pdf(training)
    db.session.commit()
    return _download(data, fmt, services.report_filename(training, fmt))


@bp.route("/laporan/<any(docx, pdf):fmt>/buat", methods=["POST"])
def build(training_id, fmt):
    """Build the report file as a job: a small one inside this request (then the file), else in the background."""
    training, _duties = load_training_for(training_id, permissions.can_manage_roster)
    try:
        job = tasks.start_build(current_user, training, fmt)
    except DomainError as error:
        return _already_building(error, training)
    db.session.commit()
    app = current_app._get_current_object()
    if not files.fits_in_request(training, current_app.config["REPORT_INLINE_MAX_ROWS"]):
        jobs.dispatch(app, job.id)
        return redirect(url_for("jobs.show_job", job_id=job.id), 303)
    jobs.run_job(job.id, app)
    db.session.refresh(job)
    if job.status == "done":
        return redirect(url_for("reports.stored_file", training_id=training.id, fmt=fmt), 303)
    return redirect(url_for("jobs.show_job", job_id=job.id), 303)  # it failed: the job's page says why


def _already_building(error, training):
    """'Sedang dibuat': to the running job's page; other refusals back to the report page."""
    db.session.rollback()
    job_id = error.context.get("job_id")
    if not job_id:
        flash_domain_error(error)
        return redirect(url_for("reports.show", training_id=training.id), 303)
    flash(tr(error.message), "warning")
    return redirect(url_for("jobs.show_job", job_id=job_id), 303)


@bp.route("/laporan/<any(docx, pdf):fmt>/berkas")
def stored_file(training_id, fmt):
    """The report file the last job built (checked like the report itself: admin or panitia)."""
    training, _duties = load_training_for(training_id, permissions.can_manage_roster)
    row = files.current_file(training, fmt)
    if row is None:
        abort(404)
    try:
        data = files.read_file(row)
    except FileNotFoundError:
        abort(404)
    return _download(data, fmt, services.report_filename(training, fmt))


def job_page_parts(job, training):
    """The report job's page: its name, the file once it is built (for those who may download it), the way back
    (registered with the jobs' page)."""
    fmt = next((fmt for fmt, kind in files.JOB_KINDS.items() if kind == job.kind), "")
    links = [(url_for("reports.show", training_id=job.training_id), _("Kembali ke laporan"), False)]
    if job.kind == figures.FIGURES_KIND:
        return {"title": _("Angka laporan kegiatan"), "links": links}
    may_download = permissions.can_manage_roster(current_user, duties_for(current_user, training))
    if job.status == "done" and (job.result or {}).get("fmt") == fmt and may_download:
        links.insert(0, (url_for("reports.stored_file", training_id=job.training_id, fmt=fmt),
                         _("Unduh laporan (%(fmt)s)", fmt=fmt.upper()), True))
    return {"title": _("Laporan kegiatan (%(fmt)s)", fmt=fmt.upper()), "links": links}


@bp.route("/laporan/daftar-hadir/<int:session_id>.<any(pdf, xlsx):fmt>")
def attendance_sheet(training_id, session_id, fmt):
    """One session's daftar hadir: XLSX whole; PDF whole up to PDF_PART_ROWS rows, else in parts (?bagian=N)."""
    training, _duties = load_training_for(training_id, permissions.can_manage_roster)
    session = get_or_404(TrainingSession, session_id, training_id=training.id)
    if fmt == "xlsx":
        return _download(services.sheet_xlsx(session), fmt, f"daftar-hadir-{training.code}-sesi-{session.number}.xlsx")
    part = request.args.get("bagian", 1, type=int)
    if not 1 <= part <= sheets.part_count(len(registered_people(training.id))):
        abort(404)
    suffix = f"-bagian-{part}" if part > 1 else ""
    return _download(services.sheet_pdf(session, part), fmt,
                     f"daftar-hadir-{training.code}-sesi-{session.number}{suffix}.pdf")


@bp.route("/laporan/isian", methods=["POST"])
def save_fields(training_id):
    training, _duties = load_training_for(training_id, permissions.can_manage_training)
    form = FieldsForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("reports.show", training_id=training.id))
    try:
        services.save_fields(current_user, training, form.data)
        db.session.commit()
        flash(_("Isian laporan disimpan."), "success")
    except DomainError as error:
        refuse(error)
    return redirect(url_for("reports.show", training_id=training.id))


@bp.route("/laporan/kop", methods=["POST"])
def save_letterhead(training_id):
    """The unit's kop surat, shared by every training of the same organizer unit."""
    training, _duties = load_training_for(training_id, permissions.can_manage_training)
    form = LetterheadForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("reports.show", training_id=training.id))
    logo = form.logo.data.read(services.settings.LOGO_MAX_BYTES + 1) if form.logo.data else None
    try:
        services.save_letterhead(current_user, training, form.parent_line.data, form.unit_name.data,
                                 form.address.data, logo)
        db.session.commit()
        flash(_("Kop surat disimpan untuk %(unit)s.", unit=training.organizer_unit), "success")
    except DomainError as error:
        refuse(error)
    return redirect(url_for("reports.show", training_id=training.id))
