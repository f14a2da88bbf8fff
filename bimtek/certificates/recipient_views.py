"""Certificates for narasumber, moderators, MC and panitia (routes on the certificates blueprint): recipients
by hand or from the materi list, numbering choice, issue one or all (background job)."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.accounts import permissions
from bimtek.certificates.blueprint import bp
from bimtek.certificates.models import CertificateRecipient
from bimtek.certificates.recipients import ROLES
from bimtek.certificates.services import recipients as service
from bimtek.core.errors import DomainError
from bimtek.core.web import get_or_404, refuse
from bimtek.extensions import db
from bimtek.jobs import services as jobs
from bimtek.trainings.access import load_training_for, management_flags

PREFIX = "/kelola/pelatihan/<int:training_id>/sertifikat/narasumber"


def _issuer(training_id):
    return load_training_for(training_id, permissions.can_issue_certificates)


def _back(training):
    return redirect(url_for("certificates.recipients", training_id=training.id))


def _attempt(action):
    """Run a service call; commit on success, roll back and flash its message on a DomainError."""
    try:
        result = action()
    except DomainError as error:
        refuse(error)
        return None
    db.session.commit()
    return result


@bp.route(PREFIX)
def recipients(training_id):
    """Recipients with their role, materi and certificate."""
    training, duties = _issuer(training_id)
    rows = [(r, service.current_certificate(r)) for r in service.recipients_of(training)]
    pending = sum(1 for _r, cert in rows if not (cert and cert.is_valid))  # = len(service.recipients_to_issue)
    return render_template("certificates/recipients.html", training=training, rows=rows, roles=ROLES, pending=pending,
                           numbering=service.numbering_of(training), tab="sertifikat",
                           job=jobs.latest_job(service.JOB_ISSUE_RECIPIENTS, training.id),
                           can=management_flags(current_user, duties))


@bp.route(PREFIX + "/tambah", methods=["POST"])
def add_recipient(training_id):
    training, _duties = _issuer(training_id)
    form = request.form
    materi_id = int(form["materi_id"]) if form.get("materi_id", "").isdigit() else None
    if _attempt(lambda: service.add_recipient(current_user, training, form.get("name"), form.get("role"),
                                              materi_id, form.get("nip", ""), form.get("instansi", ""))):
        flash(_("Penerima ditambahkan."), "success")
    return _back(training)


@bp.route(PREFIX + "/dari-materi", methods=["POST"])
def import_recipients(training_id):
    """Add every trainer of the materi list as narasumber (once)."""
    training, _duties = _issuer(training_id)
    added = _attempt(lambda: service.import_from_materi(current_user, training))
    if added is not None:
        flash(_("%(count)s narasumber ditambahkan dari daftar materi.", count=len(added)), "success")
    return _back(training)


@bp.route(PREFIX + "/penomoran", methods=["POST"])
def recipient_numbering(training_id):
    training, _duties = _issuer(training_id)
    if _attempt(lambda: service.save_numbering(current_user, training, request.form.get("shared") == "1",
                                               request.form.get("number_template", ""))):
        flash(_("Penomoran disimpan."), "success")
    return _back(training)


@bp.route(PREFIX + "/<int:recipient_id>/terbitkan", methods=["POST"])
def issue_recipient(training_id, recipient_id):
    training, _duties = _issuer(training_id)
    recipient = get_or_404(CertificateRecipient, recipient_id, training_id=training.id)
    cert = _attempt(lambda: service.issue_recipient_certificate(current_user, recipient))
    if cert is not None:
        flash(_("Sertifikat %(number)s diterbitkan.", number=cert.number), "success")
    return _back(training)


@bp.route(PREFIX + "/terbitkan-semua", methods=["POST"])
def issue_all_recipients(training_id):
    """Issue every recipient's certificate in a background job."""
    training, _duties = _issuer(training_id)
    if not service.recipients_to_issue(training):  # never a job that reports "0 dari 0"
        flash(_("Semua narasumber dan panitia sudah memiliki sertifikat yang sah. Tidak ada yang diterbitkan."),
              "info")
        return _back(training)
    job = jobs.enqueue_exclusive(service.JOB_ISSUE_RECIPIENTS, current_user, training_id=training.id)
    db.session.commit()
    if job is None:
        flash(_("Penerbitan sedang berjalan."), "info")
        return _back(training)
    jobs.dispatch(current_app._get_current_object(), job.id)
    flash(_("Penerbitan sertifikat narasumber/panitia dimulai."), "info")
    return _back(training)
