"""Public training pages, iCal feeds, and organizer management of trainings/sessions/materi."""
from datetime import time
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.accounts import permissions, services as accounts
from bimtek.accounts.forms import DutyForm
from bimtek.accounts.models import User
from bimtek.audit.services import entries_for
from bimtek.core.dates import to_local
from bimtek.core.errors import ValidationError
from bimtek.core.forms import choices
from bimtek.core.i18n import tr
from bimtek.core.web import admin_required, flash_form_errors, get_or_404, refuse, staff_required
from bimtek.extensions import db
from bimtek.trainings import services
from bimtek.trainings.access import load_training_for, management_flags
from bimtek.trainings.forms import ConfirmForm, GenerateSessionsForm, MateriForm, SessionForm, TrainingForm
from bimtek.trainings.models import Materi, Training, TrainingSession
from bimtek.trainings.schedule import Slot, group_by_local_day

bp = Blueprint("trainings", __name__)
RULE_FIELDS = ("min_session_share", "pass_rule", "min_sessions_share", "min_jp")


@bp.route("/")
def index():
    """Public home: the list of open trainings."""
    return render_template("trainings/home.html", trainings=db.session.scalars(Training.published()).all())


@bp.route("/kelola")
@staff_required
def dashboard():
    """Organizer home: the trainings this user manages."""
    return render_template("trainings/dashboard.html", trainings=services.visible_trainings(current_user))


def _public_training(training_id):
    training = services.load_for_display(training_id)
    if training is None:
        abort(404)
    if not training.is_published or not training.sessions:
        load_training_for(training_id)  # staff may preview; everyone else 403/401 (no schedule: not public yet)
    return training


@bp.route("/pelatihan")
def list_public():
    """Published trainings, newest first."""
    trainings = db.session.scalars(Training.published()).all()
    return render_template("trainings/list_public.html", trainings=trainings)


@bp.route("/pelatihan/<int:training_id>")
def show(training_id):
    """Public training page: schedule by day, materi with JP, registration button."""
    training = _public_training(training_id)
    days = group_by_local_day(training.sessions, training.timezone, start=lambda s: s.starts_at)
    return render_template("trainings/show.html", training=training, days=days)


@bp.route("/pelatihan/<int:training_id>/jadwal.ics")
def calendar(training_id):
    """iCalendar feed with one event per session."""
    training = _public_training(training_id)
    return _ics(services.calendar_bytes(training, _abs_url(training), _host()), f"{training.code}.ics")


@bp.route("/pelatihan/<int:training_id>/sesi/<int:session_id>.ics")
def session_calendar(training_id, session_id):
    """A single session as .ics."""
    training = _public_training(training_id)
    session = get_or_404(TrainingSession, session_id, training_id=training.id)
    data = services.calendar_bytes(training, _abs_url(training), _host(), sessions=[session])
    return _ics(data, f"{training.code}-sesi-{session.number}.ics")


def _ics(data, filename):
    return Response(data, mimetype="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _abs_url(training):
    return current_app.config["BASE_URL"].rstrip("/") + url_for("trainings.show", training_id=training.id)


def _host():
    return urlsplit(current_app.config["BASE_URL"]).hostname or "bimtek.local"


@bp.route("/kelola/pelatihan/baru", methods=["GET", "POST"])
@admin_required
def create_training():
    """Admin creates a training."""
    form = TrainingForm()
    if request.method == "GET":
        form.min_session_share.data, form.min_sessions_share.data, form.minutes_per_jp.data = 75, 100, 45
    if _checked(form, None):
        try:
            training = services.create_training(current_user, form.data)
        except ValidationError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("Pelatihan dibuat. Lanjutkan dengan jadwal dan materi."), "success")
            _flash_warnings(training)
            return redirect(url_for("trainings.manage", training_id=training.id))
    return render_template("trainings/edit_training.html", form=form, training=None), _status(form)


def _checked(form, training):
    """True when the form and the training rules accept the submission; else every problem is on its field."""
    if not form.is_submitted():
        return False
    form_ok = form.validate()
    problems = services.training_problems(training, form.data)
    for name, message in problems.items():
        if name in form and not form[name].errors:
            form[name].errors = list(form[name].errors) + [message]
        elif name not in form:
            flash(message, "danger")
    return form_ok and not problems


def _status(form):
    return 400 if request.method == "POST" and form.errors else 200


def _flash_warnings(training):
    for warning in services.warnings_for(training):
        flash(warning, "warning")


def _field_error(form, error):
    db.session.rollback()
    problems = error.context.get("problems") or {error.field: error.message}
    for name, message in problems.items():
        if name and name in form:
            form[name].errors = list(form[name].errors) + [message]
        else:
            flash(message, "danger")


@bp.route("/kelola/pelatihan/<int:training_id>")
def manage(training_id):
    """Organizer overview of one training."""
    training, duties = load_training_for(training_id)
    days = group_by_local_day(training.sessions, training.timezone, start=lambda s: s.starts_at)
    return render_template("trainings/manage.html", training=training, days=days, duties=duties,
                           can=management_flags(current_user, duties), confirm=ConfirmForm(),
                           generate_form=GenerateSessionsForm(), materi_form=MateriForm(),
                           session_form=SessionForm(), training_warnings=services.warnings_for(training),
                           tab="ringkasan")


@bp.route("/kelola/pelatihan/<int:training_id>/ubah", methods=["GET", "POST"])
def edit_training(training_id):
    """Admin edits a training's data, window and attendance rule."""
    training, duties = load_training_for(training_id, permissions.can_manage_training)
    form = TrainingForm(obj=training)
    frozen_reason = services.rule_lock_reason(training)
    frozen = frozen_reason is not None
    if request.method == "GET" or frozen:
        _fill_local_fields(form, training, only_rule=request.method != "GET")
    if frozen:  # shown read-only with the reason; the stored rule is what gets saved
        for name in RULE_FIELDS:
            form[name].render_kw = {**(form[name].render_kw or {}), "disabled": True}
    if _checked(form, training):
        try:
            services.update_training(current_user, training, form.data)
        except ValidationError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("Perubahan disimpan."), "success")
            _flash_warnings(training)
            return redirect(url_for("trainings.manage", training_id=training.id))
    return render_template("trainings/edit_training.html", form=form, training=training,
                           frozen_reason=frozen_reason,
                           can=management_flags(current_user, duties), tab="ringkasan"), _status(form)


def _fill_local_fields(form, training, only_rule=False):
    """Form values from the stored training (window in local time, shares in %); only_rule: the rule alone."""
    if not only_rule:
        for name in ("registration_opens_at", "registration_closes_at"):
            value = getattr(training, name)
            form[name].data = to_local(value, training.timezone).replace(tzinfo=None) if value else None
    form.pass_rule.data, form.min_jp.data = training.pass_rule, training.min_jp
    form.min_session_share.data = round(training.min_session_share * 100, 2)
    form.min_sessions_share.data = round(training.min_sessions_share * 100, 2)


@bp.route("/kelola/pelatihan/<int:training_id>/sesi/buat", methods=["POST"])
def generate_sessions(training_id):
    """Replace the schedule with days × daily slots."""
    training, _duties = load_training_for(training_id, permissions.can_manage_training)
    form = GenerateSessionsForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _back_to_schedule(training)
    slots = _slots_from(form)
    try:
        sessions = services.generate_sessions(current_user, training, slots, (5, 6) if form.skip_weekend.data else ())
    except ValidationError as error:
        refuse(error)
        return _back_to_schedule(training)
    db.session.commit()
    flash(_("Jadwal dibuat: %(count)s sesi.", count=len(sessions)), "success")
    return _back_to_schedule(training)


def _slots_from(form):
    slots = []
    for i in (1, 2, 3):
        start, end = form[f"slot{i}_start"].data, form[f"slot{i}_end"].data
        if isinstance(start, time) and isinstance(end, time):
            slots.append(Slot(start, end))
        elif start or end:
            flash(_("Slot %(slot)s: isi jam mulai dan jam selesai; slot ini dilewati.", slot=i), "warning")
    return slots


def _back_to_schedule(training):
    return redirect(url_for("trainings.manage", training_id=training.id) + "#jadwal")


@bp.route("/kelola/pelatihan/<int:training_id>/sesi/tambah", methods=["POST"])
@bp.route("/kelola/pelatihan/<int:training_id>/sesi/<int:session_id>", methods=["GET", "POST"])
def edit_session(training_id, session_id=None):
    """Add one session or edit a single one (local date and times)."""
    training, duties = load_training_for(training_id, permissions.can_manage_training)
    session = get_or_404(TrainingSession, session_id, training_id=training.id) if session_id else None
    form = SessionForm()
    if request.method == "GET":
        local_start = to_local(session.starts_at, training.timezone)
        form.day.data, form.start.data = local_start.date(), local_start.time()
        form.end.data, form.title.data = to_local(session.ends_at, training.timezone).time(), session.title
    elif form.validate_on_submit():
        try:
            services.save_session(current_user, training, session, form.day.data, form.start.data,
                                  form.end.data, form.title.data)
        except ValidationError as error:
            refuse(error)
        else:
            db.session.commit()
            flash(_("Sesi disimpan."), "success")
            return _back_to_schedule(training)
    else:
        flash_form_errors(form)
    if session is None:
        return _back_to_schedule(training)
    return render_template("trainings/edit_session.html", form=form, training=training, session=session,
                           can=management_flags(current_user, duties), tab="ringkasan")


@bp.route("/kelola/pelatihan/<int:training_id>/sesi/<int:session_id>/hapus", methods=["POST"])
def delete_session(training_id, session_id):
    """Delete one session."""
    training, _duties = load_training_for(training_id, permissions.can_manage_training)
    session = get_or_404(TrainingSession, session_id, training_id=training.id)
    if ConfirmForm().validate_on_submit():
        services.delete_session(current_user, training, session)
        db.session.commit()
        flash(_("Sesi dihapus."), "success")
    return _back_to_schedule(training)


@bp.route("/kelola/pelatihan/<int:training_id>/materi", methods=["POST"])
@bp.route("/kelola/pelatihan/<int:training_id>/materi/<int:materi_id>", methods=["POST"])
def save_materi(training_id, materi_id=None):
    """Add or edit a materi row."""
    training, _duties = load_training_for(training_id, permissions.can_manage_training)
    form = MateriForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
    elif materi_id:
        materi = get_or_404(Materi, materi_id, training_id=training.id)
        services.update_materi(current_user, materi, form.title.data, form.trainer.data, form.jp.data)
        db.session.commit()
        flash(_("Materi disimpan."), "success")
    else:
        services.add_materi(current_user, training, form.title.data, form.trainer.data, form.jp.data)
        db.session.commit()
        flash(_("Materi ditambahkan."), "success")
    return redirect(url_for("trainings.manage", training_id=training.id) + "#materi")


@bp.route("/kelola/pelatihan/<int:training_id>/materi/<int:materi_id>/<action>", methods=["POST"])
def change_materi(training_id, materi_id, action):
    """Delete a materi row or move it up/down."""
    training, _duties = load_training_for(training_id, permissions.can_manage_training)
    materi = get_or_404(Materi, materi_id, training_id=training.id)
    if action not in ("hapus", "naik", "turun") or not ConfirmForm().validate_on_submit():
        abort(400)
    if action == "hapus":
        services.delete_materi(current_user, materi)
    else:
        services.move_materi(current_user, materi, -1 if action == "naik" else 1)
    db.session.commit()
    return redirect(url_for("trainings.manage", training_id=training.id) + "#materi")


@bp.route("/kelola/pelatihan/<int:training_id>/staf", methods=["GET", "POST"])
def manage_staff(training_id):
    """Assign panitia, reviewers and signers to the training."""
    training, duties = load_training_for(training_id, permissions.can_manage_training)
    form = DutyForm()
    form.user_id.choices = choices((u.id, f"{u.name} ({u.email})") for u in accounts.staff_users())
    if form.validate_on_submit():
        user = get_or_404(User, form.user_id.data)
        try:
            accounts.assign_duty(training, user, form.duty.data)
        except ValidationError as error:
            flash(tr(error.message), "danger")
        else:
            db.session.commit()
            flash(_("Tugas ditambahkan."), "success")
        return redirect(url_for("trainings.manage_staff", training_id=training.id))
    return render_template("trainings/manage_staff.html", training=training, form=form, confirm=ConfirmForm(),
                           can=management_flags(current_user, duties), tab="staf")


@bp.route("/kelola/pelatihan/<int:training_id>/staf/<int:role_id>/hapus", methods=["POST"])
def remove_staff(training_id, role_id):
    """Remove a duty assignment."""
    training, _duties = load_training_for(training_id, permissions.can_manage_training)
    if ConfirmForm().validate_on_submit():
        try:
            accounts.remove_duty(training, role_id)
        except ValidationError:
            abort(404)
        db.session.commit()
        flash(_("Tugas dihapus."), "success")
    return redirect(url_for("trainings.manage_staff", training_id=training.id))


@bp.route("/kelola/pelatihan/<int:training_id>/log")
def audit_log(training_id):
    """The training's audit log (admin only)."""
    training, duties = load_training_for(training_id, permissions.can_manage_training)
    return render_template("trainings/audit_log.html", training=training, entries=entries_for(training.id),
                           can=management_flags(current_user, duties), tab="log")
