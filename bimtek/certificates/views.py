"""Certificates: organizer pages (settings, issue, revoke, ZIP, TTE) and downloads (the public verify pages are
in verify_views)."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from bimtek.accounts import permissions
from bimtek.accounts.services import duties_for
from bimtek.certificates import archive, notices, numbering, services, tasks
from bimtek.certificates.blueprint import bp
from bimtek.certificates.forms import RevokeForm, SettingsForm, SignedUploadForm
from bimtek.certificates.models import Certificate
from bimtek.certificates.rendering import render_pdf
from bimtek.core.errors import DomainError
from bimtek.core.storage import app_storage
from bimtek.core.text import end_sentence
from bimtek.core.web import flash_domain_error, flash_form_errors, flash_unshown_errors, get_or_404, refuse
from bimtek.extensions import db
from bimtek.jobs import services as jobs
from bimtek.registration.models import Registration
from bimtek.trainings.access import load_training_for, management_flags

PREFIX = "/kelola/pelatihan/<int:training_id>/sertifikat"
SETTING_FIELDS = ("number_template", "signer_jabatan", "signer_name", "signer_pangkat", "signer_nip", "place",
                  "issue_date", "design")


def _issuer(training_id):
    return load_training_for(training_id, permissions.can_issue_certificates)


def _certificate(training, certificate_id):
    return get_or_404(Certificate, certificate_id, training_id=training.id)


def _back(training):
    return redirect(url_for("certificates.manage", training_id=training.id))


# --- organizer ----------------------------------------------------------------------------------------

@bp.route(PREFIX)
def manage(training_id):
    """Eligibility of every participant, their certificates, bulk issue, ZIP and TTE."""
    training, duties = _issuer(training_id)
    settings = services.settings_for(training)
    state = request.args.get("status", "")
    state = state if state in services.CERTIFICATE_STATES else ""
    table = services.training_page(training, request.args.get("hal"), request.args.get("q", "")[:100], state)
    return render_template(
        "certificates/manage.html", training=training, settings=settings, rows=table.rows, table=table,
        problems=services.settings_problems(settings), job=jobs.latest_job(services.JOB_ISSUE_ALL, training.id),
        eligible=table.eligible, issued=table.issued, verifications=table.verifications,
        number_pieces=numbering.display_pieces(settings.number_template),
        unsigned=services.unsigned_count(training), filters={"q": request.args.get("q", "")[:100], "status": state},
        upload_form=SignedUploadForm(), can=management_flags(current_user, duties), tab="sertifikat")


@bp.route(PREFIX + "/pengaturan", methods=["GET", "POST"])
def edit_settings(training_id):
    """Number template, signer, place/date, signature and stamp images, design."""
    training, duties = _issuer(training_id)
    settings = services.settings_for(training)
    form = SettingsForm(obj=settings)
    form.set_designs(services.design_choices())
    if form.validate_on_submit():
        signature, stamp = _file_bytes(form.signature), _file_bytes(form.stamp)
        try:
            for data, label in ((signature, "Tanda tangan"), (stamp, "Stempel")):
                if data:  # header-only check first: crafted images get a message, never a 500
                    services.check_image(data, label)
            services.save_settings(current_user, training, {k: form[k].data for k in SETTING_FIELDS},
                                   signature=signature, stamp=stamp)
        except DomainError as error:
            refuse(error)
        else:
            db.session.commit()
            flash(_("Pengaturan sertifikat disimpan."), "success")
            return _back(training)
    elif request.method == "POST":
        flash_unshown_errors(form)
    return render_template("certificates/edit_settings.html", training=training, settings=settings, form=form,
                           can=management_flags(current_user, duties), tab="sertifikat")


def _file_bytes(field):
    storage = field.data
    return storage.read() if storage and getattr(storage, "filename", "") else None


@bp.route(PREFIX + "/pengaturan/hapus-<which>", methods=["POST"])
def remove_image(training_id, which):
    """Remove the signature or stamp image from the settings."""
    training, _duties = _issuer(training_id)
    if which not in ("signature", "stamp"):
        abort(404)
    services.remove_image(current_user, training, which)
    db.session.commit()
    flash(_("Gambar dihapus dari pengaturan."), "success")
    return redirect(url_for("certificates.edit_settings", training_id=training.id))


@bp.route(PREFIX + "/pratinjau.pdf")
def preview(training_id):
    """A sample certificate with the current settings (not stored, not numbered)."""
    training, _duties = _issuer(training_id)
    settings = services.settings_for(training)
    try:
        shared, person = services.render_context(
            {**services.shared_snapshot(training, settings), "number": "CONTOH", "verify_url":
             services.verify_url("CONTOH0000000000000000"), "person": {
                 "name": "Nama Peserta, S.Kom.", "nip": "198609262015051001", "instansi": "Instansi Peserta"}},
            app_storage())
        pdf = render_pdf(services.design_dir(settings.design or "default"), {**shared, **person})
    except DomainError as error:
        flash_domain_error(error)
        return _back(training)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": 'inline; filename="pratinjau-sertifikat.pdf"'})


@bp.route(PREFIX + "/terbitkan/<int:registration_id>", methods=["POST"])
def issue_one(training_id, registration_id):
    """Issue one participant's certificate now."""
    training, _duties = _issuer(training_id)
    registration = get_or_404(Registration, registration_id, training_id=training.id)
    try:
        cert = services.issue_certificate(current_user, registration)
    except DomainError as error:
        return refuse(error, _back(training))
    db.session.commit()
    flash(end_sentence(_("Sertifikat %(number)s diterbitkan untuk %(name)s.", number=cert.number, name=cert.name)),
          "success")
    return _back(training)


@bp.route(PREFIX + "/terbitkan-semua", methods=["POST"])
def issue_all(training_id):
    """Start the background job that issues every eligible participant's certificate."""
    training, _duties = _issuer(training_id)
    selected = [int(v) for v in request.form.getlist("registration_id") if v.isdigit()]
    if request.form.get("pilihan") and not selected:  # "issue selected" with nothing ticked must not mean "all"
        flash(_("Centang minimal satu peserta yang akan diterbitkan sertifikatnya."), "warning")
        return _back(training)
    try:
        job, resumed = tasks.start_bulk_issue(current_user, training, selected or None)
    except DomainError as error:
        db.session.rollback()
        _flash_bulk_error(error)
        return _back(training)
    db.session.commit()
    jobs.dispatch(current_app._get_current_object(), job.id)
    if resumed:
        flash(_("Penerbitan massal sebelumnya terhenti dan kini dilanjutkan dengan nomor yang sudah dipesan."),
              "info")
    else:
        flash(_("Penerbitan massal dimulai. Proses tetap berjalan walaupun halaman ini ditutup."), "info")
    return _back(training)


def _flash_bulk_error(error):
    """'Sedang berjalan' carries a link to the running job; other errors are flashed as they are."""
    job_id = error.context.get("job_id")
    if not job_id:
        flash_domain_error(error)
        return
    link = Markup('<a href="{}">{}</a>').format(url_for("jobs.show_job", job_id=job_id), _("Lihat pekerjaan"))
    flash(Markup("{} {}").format(_("Penerbitan massal untuk pelatihan ini sedang berjalan."), link), "warning")


@bp.route(PREFIX + "/<int:certificate_id>/terbitkan-ulang", methods=["POST"])
def reissue(training_id, certificate_id):
    """Correction: issue a new certificate (new number) from the current data; the old one is 'diganti'."""
    training, _duties = _issuer(training_id)
    cert = _certificate(training, certificate_id)
    try:
        new = services.reissue_certificate(current_user, cert)
    except DomainError as error:
        return refuse(error, _back(training))
    db.session.commit()
    flash(_("Sertifikat %(old)s diganti dengan %(new)s.", old=cert.number, new=new.number), "success")
    return _back(training)


@bp.route(PREFIX + "/<int:certificate_id>/cabut", methods=["GET", "POST"])
def revoke(training_id, certificate_id):
    """Revoke a certificate with a required reason."""
    training, duties = _issuer(training_id)
    cert = _certificate(training, certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_certificate(current_user, cert, form.reason.data)
            notices.notify_revoked(cert)
        except DomainError as error:
            refuse(error)
        else:
            db.session.commit()
            flash(_("Sertifikat %(number)s dicabut.", number=cert.number), "success")
            return _back(training)
    elif request.method == "POST":
        flash_unshown_errors(form)
    return render_template("certificates/revoke.html", training=training, cert=cert, form=form,
                           can=management_flags(current_user, duties), tab="sertifikat")


@bp.route(PREFIX + "/<int:certificate_id>")
def show_certificate(training_id, certificate_id):
    """One certificate: snapshot, file versions, verification count and log."""
    training, duties = _issuer(training_id)
    cert = _certificate(training, certificate_id)
    return render_template("certificates/show_certificate.html", training=training, cert=cert,
                           verifications=services.verification_log(cert),
                           can=management_flags(current_user, duties), tab="sertifikat")


@bp.route(PREFIX + "/semua.zip")
def download_zip(training_id):
    """Every valid certificate's stored PDF as one ZIP, streamed."""
    training, _duties = _issuer(training_id)
    return _zip_response(services.zip_entries(training), f"sertifikat-{training.code}.zip")


@bp.route(PREFIX + "/tte.zip")
def export_unsigned(training_id):
    """Unsigned certificates rendered with the BSrE TTE footer, to be signed outside the app."""
    training, _duties = _issuer(training_id)
    return _zip_response(services.tte_entries(training), f"sertifikat-{training.code}-untuk-tte.zip")


def _zip_response(entries, filename):
    if not entries:
        abort(404)
    return Response(stream_with_context(archive.stream_zip(entries)), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{archive.safe_filename(filename)}"'})


@bp.route(PREFIX + "/tte", methods=["POST"])
def upload_signed(training_id):
    """Upload PDFs signed outside the app (BSrE TTE); each replaces its certificate's stored file."""
    training, _duties = _issuer(training_id)
    form = SignedUploadForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back(training)
    uploads = [(f.filename, _read_and_close(f)) for f in form.files.data if getattr(f, "filename", "")]
    results = services.attach_signed(current_user, training, uploads)
    db.session.commit()
    for filename, ok, message in results:
        flash(f"{filename}: {message}", "success" if ok else "danger")
    return _back(training)


def _read_and_close(upload, limit=-1):
    """The bytes of an uploaded file (at most `limit`); its spooled temporary file is closed at once."""
    try:
        return upload.read(limit)
    finally:
        upload.close()


# --- downloads ----------------------------------------------------------------------------------------

def _may_download(cert):
    """Owner of a valid certificate, or an organizer (admin/penandatangan/panitia) of its training."""
    duties = duties_for(current_user, cert.training)
    if permissions.can_issue_certificates(current_user, duties) or permissions.can_manage_roster(current_user, duties):
        return True
    return bool(cert.registration and cert.is_valid and permissions.owns_registration(current_user, cert.registration))


@bp.route("/sertifikat/<int:certificate_id>/unduh")
def download(certificate_id):
    """The stored PDF of a certificate (the exact bytes issued, or the signed replacement)."""
    if not current_user.is_authenticated:  # e.g. the e-mailed link: sign in, then land on this download
        flash(_("Masuk dengan email Anda untuk mengunduh sertifikat."), "info")
        return redirect(url_for("registration.participant_login", next=request.full_path.rstrip("?")))
    cert = get_or_404(Certificate, certificate_id)
    if not _may_download(cert):
        abort(404)
    data = app_storage().get(cert.sha256)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{services.filename_for(cert)}"'})
