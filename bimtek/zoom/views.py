"""Zoom pages for organizers: the training's connection (admin), meeting ids per session, "Uji koneksi" and
"Tarik sekarang" (admin or panitia). Every route loads the training (404), authorises (403), commits once."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.accounts import permissions
from bimtek.core.errors import DomainError
from bimtek.core.web import flash_form_errors, get_or_404, refuse
from bimtek.extensions import db
from bimtek.trainings.access import load_training_for, management_flags
from bimtek.trainings.models import TrainingSession
from bimtek.zoom import forms, services, tasks
from bimtek.zoom.models import PULL_DONE

bp = Blueprint("zoom", __name__, url_prefix="/kelola/pelatihan/<int:training_id>/zoom")


def session_panel(session):
    """The attendance session page's Zoom panel (meeting, pull state, who is in the meeting now): the template
    global `zoom_session_panel`, declared in bimtek.register_template_context."""
    link = services.link_for(session)
    meeting = services.meeting_for(session, link=link) if link is not None else services.meeting_for(session)
    if not meeting:
        return None
    return {"meeting": meeting, "link": link, "present": services.present_now(session), "form": forms.ActionForm()}


def _load(training_id):
    training, duties = load_training_for(training_id, permissions.can_manage_roster)
    return training, {"training": training, "can": management_flags(current_user, duties), "tab": "kehadiran"}


def _to_page(training):
    return redirect(url_for("zoom.connection", training_id=training.id))


def _commit_or_flash(training, success, action):
    """Run one service call: commit and flash `success`, or roll back and flash the Indonesian error."""
    try:
        action()
    except DomainError as error:
        refuse(error)
    else:
        db.session.commit()
        flash(success, "success")
    return _to_page(training)


@bp.route("")
def connection(training_id):
    """Connection status (never the secret), meeting per session and pull state."""
    training, ctx = _load(training_id)
    existing = services.connection_for(training)
    form = forms.ConnectionForm(obj=existing) if existing else forms.ConnectionForm()
    return render_template("zoom/connection.html", connection=existing, form=form, action_form=forms.ActionForm(),
                           links=services.links_by_session(training), **ctx)


@bp.route("/koneksi", methods=["POST"])
def save_connection(training_id):
    training, ctx = _load(training_id)
    if not ctx["can"]["manage"]:
        abort(403)
    form = forms.ConnectionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _to_page(training)
    return _commit_or_flash(training, _("Koneksi Zoom disimpan. Tekan “Uji koneksi” untuk memeriksanya."),
                            lambda: services.save_connection(
                                current_user, training, current_app.config, account_id=form.account_id.data,
                                client_id=form.client_id.data, client_secret=form.client_secret.data,
                                recurring_meeting_id=form.recurring_meeting_id.data,
                                webhook_token=form.webhook_token.data))


@bp.route("/hapus", methods=["POST"])
def delete_connection(training_id):
    training, ctx = _load(training_id)
    if not ctx["can"]["manage"]:
        abort(403)
    if forms.ActionForm().validate_on_submit():
        services.delete_connection(current_user, training)
        db.session.commit()
        flash(_("Koneksi Zoom dihapus."), "success")
    return _to_page(training)


@bp.route("/uji", methods=["POST"])
def check(training_id):
    """"Uji koneksi": ask Zoom for a token with the stored credentials."""
    training, ctx = _load(training_id)
    if forms.ActionForm().validate_on_submit():
        try:
            ok, message = services.check_connection(current_user, training, current_app.config)
        except DomainError as error:
            refuse(error)
            return _to_page(training)
        db.session.commit()
        flash(message, "success" if ok else "danger")
    return _to_page(training)


@bp.route("/rapat", methods=["POST"])
def save_meetings(training_id):
    """Meeting id per session (empty: the recurring meeting)."""
    training, ctx = _load(training_id)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    meetings = {s.id: request.form.get(f"meeting_{s.id}", "")[:40] for s in training.sessions
                if f"meeting_{s.id}" in request.form}
    return _commit_or_flash(training, _("ID rapat Zoom disimpan."),
                            lambda: services.save_meetings(current_user, training, meetings))


@bp.route("/sesi/<int:session_id>/tarik", methods=["POST"])
def pull_now(training_id, session_id):
    """"Tarik sekarang": the same pull as the background job, started now."""
    training, ctx = _load(training_id)
    session = get_or_404(TrainingSession, session_id, training_id=training.id)
    if forms.ActionForm().validate_on_submit():
        job = tasks.start_pull(current_app._get_current_object(), current_user, training.id, [session.id])
        if job is None:
            flash(_("Penarikan Zoom untuk pelatihan ini sedang berjalan; tunggu sebentar lalu muat ulang."), "warning")
        else:
            db.session.expire_all()
            link = services.link_for(session)
            if job.is_finished and link is not None:
                flash(link.message, "success" if link.status == PULL_DONE else "danger")
            else:
                flash(_("Penarikan laporan Zoom dimulai; hasilnya tampil di halaman ini setelah selesai."), "info")
    target = request.form.get("next") == "session"
    if target:
        return redirect(url_for("attendance.show_session", training_id=training.id, session_id=session.id))
    return _to_page(training)
