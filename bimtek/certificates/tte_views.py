"""Electronic signing (TTE) pages: how a training's certificates are signed, the keys and trust anchors (admin),
and starting the bulk signing job with the secret typed now (never stored)."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from bimtek.accounts import permissions
from bimtek.certificates import signing_tasks
from bimtek.certificates.blueprint import bp
from bimtek.certificates.forms import SignAllForm, TteSettingsForm
from bimtek.certificates.models import SIGN_METHODS
from bimtek.certificates.services import settings_for, tte, unsigned_count
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.i18n import tr
from bimtek.core.web import flash_domain_error, flash_form_errors, flash_unshown_errors, refuse
from bimtek.extensions import db
from bimtek.jobs import services as jobs
from bimtek.trainings.access import load_training_for, management_flags

PREFIX = "/kelola/pelatihan/<int:training_id>/sertifikat/tanda-tangan"


def _page(training_id):
    return url_for("certificates.tte_settings", training_id=training_id)


@bp.route(PREFIX, methods=["GET", "POST"])
def tte_settings(training_id):
    """Signing method, BSrE identifiers; the PKCS#12 and trust anchors are uploaded by an admin."""
    training, duties = load_training_for(training_id, permissions.can_issue_certificates)
    settings = settings_for(training)
    form = TteSettingsForm(obj=settings, method=settings.sign_method, nik=settings.bsre_nik,
                           subscriber=settings.bsre_subscriber)
    form.method.choices = [(k, _(v)) for k, v in SIGN_METHODS.items()]
    if form.validate_on_submit():
        try:
            _save(training, form)
        except DomainError as error:
            refuse(error)
        else:
            db.session.commit()
            flash(_("Pengaturan tanda tangan elektronik disimpan."), "success")
            return redirect(_page(training.id))
    elif request.method == "POST":
        flash_unshown_errors(form)
    return render_template("certificates/tte.html", training=training, settings=settings, form=form,
                           sign_form=SignAllForm(), job=jobs.latest_job(signing_tasks.JOB_SIGN_ALL, training.id),
                           unsigned=unsigned_count(training), is_admin=permissions.is_admin(current_user),
                           can=management_flags(current_user, duties), tab="sertifikat")


def _upload(field, limit):
    storage = field.data
    if not (storage and getattr(storage, "filename", "")):
        return None
    data = storage.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("Berkas %(name)s terlalu besar.", name=field.label.text), field=field.name)
    return data


def _save(training, form):
    pkcs12, anchors = _upload(form.pkcs12, tte.PKCS12_MAX_BYTES), _upload(form.anchors, tte.ANCHORS_MAX_BYTES)
    if (pkcs12 or anchors) and not permissions.is_admin(current_user):
        raise ValidationError(_("Hanya admin yang dapat mengunggah sertifikat elektronik dan sertifikat akar."))
    tte.save_tte_settings(current_user, training, form.method.data, form.nik.data, form.subscriber.data)
    if anchors:
        tte.store_anchors(current_user, training, anchors)
    if pkcs12:
        password = form.pkcs12_password.data or current_app.config.get("TTE_PKCS12_PASSWORD") or ""
        tte.store_pkcs12(current_user, training, pkcs12, password)


@bp.route(PREFIX + "/mulai", methods=["POST"])
def sign_all(training_id):
    """Start the bulk signing job; the typed secret goes to the job through memory only."""
    training, _duties = load_training_for(training_id, permissions.can_issue_certificates)
    form = SignAllForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(_page(training.id))
    secret = form.secret.data or ""
    if not secret and settings_for(training).sign_method == "pkcs12":
        secret = current_app.config.get("TTE_PKCS12_PASSWORD") or ""
    try:
        job = signing_tasks.start_bulk_sign(current_user, training, secret)
    except DomainError as error:
        db.session.rollback()
        _flash_start_error(error)
        return redirect(_page(training.id))
    db.session.commit()
    app = current_app._get_current_object()
    signing_tasks.hand_over(app, job.id, secret)
    jobs.dispatch(app, job.id)
    flash(_("Penandatanganan massal dimulai. Proses tetap berjalan walaupun halaman ini ditutup."), "info")
    return redirect(_page(training.id))


def _flash_start_error(error):
    job_id = error.context.get("job_id")
    if not job_id:
        flash_domain_error(error)
        return
    link = Markup('<a href="{}">{}</a>').format(url_for("jobs.show_job", job_id=job_id), _("Lihat pekerjaan"))
    flash(Markup("{} {}").format(tr(error.message), link), "warning")
