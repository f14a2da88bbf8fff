"""Public registration, the participant portal, and the panitia roster (sign-in: signin_views)."""
import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import orm
from sqlalchemy.exc import IntegrityError

from bimtek.accounts import permissions, throttle
from bimtek.core.database import autocommit_session, commit_keeping_loaded
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.i18n import tr
from bimtek.core.messages import as_message, from_data
from bimtek.core.web import flash_form_errors, get_or_404, refuse
from bimtek.extensions import db, limiter
from bimtek.registration import forms, regions, roster as roster_io, seats, services, signin
from bimtek.registration.blueprint import bp
from bimtek.registration.models import STATUS_LABELS, Registration, Status
from bimtek.registration.phones import share_link
from bimtek.registration.portal_phase import phase_of
from bimtek.trainings.access import load_training_for, management_flags
from bimtek.trainings.models import Training
from bimtek.trainings.schedule import group_by_local_day

_JUST_REGISTERED = "registration.just_registered"


def region_datalists():
    """The provinsi and kabupaten/kota datalists (about 2,700 options, a fifth of the form's CPU): rendered once
    per process, they depend only on the bundled official list (a template global, see register_template_context)."""
    global _DATALISTS
    if _DATALISTS is None:
        template = current_app.jinja_env.get_template("registration/_region_datalists.html")
        _DATALISTS = Markup(template.render(region_lists=regions.template_lists))  # nosec B704  # autoescaped
    return _DATALISTS


_DATALISTS = None


def seats_once(training):
    """seats.seats_of, counted once per request and training (a template global: the registration form asks
    twice, for the waiting-list notice and the seats line)."""
    counted = request.__dict__.setdefault("_bimtek_seats", {})
    if training.id not in counted:
        counted[training.id] = seats.seats_of(training)
    return counted[training.id]


def whatsapp_share(training):
    """'Bagikan ke WhatsApp' link for a training page (a template global, see register_template_context): its
    name, dates and address prefilled."""
    url = url_for("trainings.show", training_id=training.id, _external=True)
    return share_link(f"{training.name} ({training.dates_text}) — {training.organizer_unit}\n{url}")


# --- public registration --------------------------------------------------------------------

@bp.route("/pelatihan/<int:training_id>/daftar", methods=["GET", "POST"])
@limiter.limit("60 per minute", methods=["POST"])
def register(training_id):
    """Public registration form (only inside the registration window)."""
    if request.method == "GET":
        autocommit_session(db.session)  # reads only: no BEGIN/ROLLBACK round trips
    # with its sessions in the same query: the window check, the page and the e-mail all read them
    training = get_or_404(Training, training_id, options=[orm.joinedload(Training.sessions)], is_published=True)
    if not training.registration_is_open():
        return render_template("registration/register.html", training=training, form=None, closed=True)
    form = forms.RegistrationForm()
    if form.is_submitted():
        response = _submit_registration(training, form)
        if response is not None:
            return response
    status = 400 if request.method == "POST" else 200
    return render_template("registration/register.html", training=training, form=form, closed=False), status


def _submit_registration(training, form):
    """Validate with the domain rules and register; a response, or None to re-show the form.

    A new registration and a repeat with an address that is already registered get the same answer: the
    page says a message went to the address, and only that mailbox learns which case it was.
    """
    training_id = training.id  # the commit below expires `training`: reading it again would cost a query
    checked = _checked_values(form)
    if checked is None:
        return None
    values, warnings = checked
    try:
        # Taken for every attempt, before the training lock (the limit store may be this same database).
        mail_allowed = throttle.allow_sign_in_mail(values["email"])
        try:
            registration = services.register(training, values, mail=False)
        except services.DuplicateRegistration as duplicate:
            signin.notify_duplicate(duplicate.registration, current_app.config["SECRET_KEY"], mail_allowed)
            db.session.commit()
        else:
            # The seat is committed first, which releases the training lock: writing the e-mail (templates,
            # MIME, .ics) took longer than the rest of the registration, and every other registrant of the
            # training waited for it. Should the process die in between, registering again with the address
            # answers as for any repeat and mails the registration's details ("repeat").
            commit_keeping_loaded(db.session)
            # The outbox row is one INSERT: on an autocommit connection it is its own transaction (whole or
            # absent), without the BEGIN and COMMIT round trips.
            autocommit_session(db.session)
            services.send_status_mail(registration, "received")
            db.session.commit()
    except services.FormErrors as error:
        db.session.rollback()
        _attach_errors(form, error.errors)
        return None
    except IntegrityError:  # a simultaneous registration with the same address won the race
        db.session.rollback()
        _notify_duplicate(training, values["email"], mail_allowed)
    except ValidationError as error:
        db.session.rollback()
        flash(tr(error.message), "danger")
        return None
    warnings = [as_message(w).to_data() for w in warnings]  # Messages as plain JSON for the session cookie
    session[_JUST_REGISTERED] = {"training_id": training_id, "email": values["email"], "warnings": warnings}
    return redirect(url_for("registration.registered", training_id=training_id))


def _checked_values(form):
    """(values, warnings) when the form and the domain rules accept the data; else None with every error attached.

    Both checks run on every submission, so all problems show at once (not the consent first, then the rest).
    """
    form_ok = form.validate()
    try:
        checked = services.clean_registration_data(form.data)
    except services.FormErrors as error:
        _attach_errors(form, error.errors)
        return None
    if not form_ok:
        flash(_("Periksa kembali isian yang ditandai."), "danger")
        return None
    return checked


def _attach_errors(form, errors):
    for name, message in errors.items():
        if name in form:
            if not form[name].errors:  # one message per field: the form's own check already said it
                form[name].errors = list(form[name].errors) + [tr(message)]
        else:
            flash(tr(message), "danger")
    flash(_("Periksa kembali isian yang ditandai."), "danger")


def _notify_duplicate(training, email, mail_allowed):
    """Mail the owner of an address that already holds a registration (budgeted per recipient)."""
    existing = services.find_active(training.id, email)
    if existing is not None:  # None: lost a race with a withdrawal; nothing to tell
        signin.notify_duplicate(existing, current_app.config["SECRET_KEY"], mail_allowed)
        db.session.commit()


@bp.route("/pelatihan/<int:training_id>/daftar/selesai")
def registered(training_id):
    """Confirmation page shown right after registering in this browser (the details are in the e-mail)."""
    info = session.get(_JUST_REGISTERED) or {}
    if info.get("training_id") != training_id:
        return redirect(url_for("trainings.show", training_id=training_id))
    training = get_or_404(Training, training_id)
    return render_template("registration/registered.html", training=training, email=info.get("email", ""),
                           warnings=[tr(from_data(w)) for w in info.get("warnings") or []])


# --- participant portal ---------------------------------------------------------------------

def _own_registration(registration_id):
    """The current user's registration or 404 (never reveal other people's registrations)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or not permissions.owns_registration(current_user, registration):
        abort(404)
    return registration


@bp.route("/peserta")
@login_required
def portal():
    """Participant home: registrations, schedule and the other domains' sections (see portal_sections)."""
    sections = current_app.extensions["bimtek.portal_sections"]
    entries = []
    for registration in services.registrations_of(current_user):
        phase = phase_of(registration)
        entries.append((registration, phase, sections.for_registration(registration, phase)))
    return render_template(
        "registration/portal.html", entries=entries, can_withdraw=services.can_withdraw,
        days_of=lambda t: group_by_local_day(t.sessions, t.timezone, start=lambda s: s.starts_at))


@bp.route("/peserta/pendaftaran/<int:registration_id>/ubah", methods=["GET", "POST"])
@login_required
def edit_registration(registration_id):
    """The participant corrects their own data."""
    registration = _own_registration(registration_id)
    form = forms.ParticipantDataForm(obj=registration)
    if registration.anonymized_at is None and form.validate_on_submit():
        try:
            values, warnings = services.clean_registration_data({**form.data, "email": registration.email})
            services.update_details(current_user, registration, values)
            db.session.commit()
        except services.FormErrors as error:
            db.session.rollback()
            _attach_errors(form, error.errors)
        else:
            for warning in warnings:
                flash(tr(warning), "warning")
            flash(_("Data Anda sudah diperbarui."), "success")
            return redirect(url_for("registration.portal"))
    return render_template("registration/edit_registration.html", form=form, registration=registration,
                           training=registration.training)


@bp.route("/peserta/pendaftaran/<int:registration_id>/batal", methods=["POST"])
@login_required
def withdraw(registration_id):
    """The participant withdraws (before the training starts)."""
    registration = _own_registration(registration_id)
    try:
        services.withdraw_self(current_user, registration)
        db.session.commit()
        flash(_("Pendaftaran %(number)s dibatalkan.", number=registration.number), "success")
    except DomainError as error:
        refuse(error)
    return redirect(url_for("registration.portal"))


@bp.route("/peserta/data-saya.json")
@login_required
def export_data():
    """Download everything stored about the participant (UU PDP right of access)."""
    body = json.dumps(services.personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="data-saya.json"'})


@bp.route("/peserta/pendaftaran/<int:registration_id>/hapus", methods=["POST"])
@login_required
def request_deletion(registration_id):
    """The participant asks the organizer to erase this registration's data."""
    registration = _own_registration(registration_id)
    services.request_deletion(current_user, registration)
    db.session.commit()
    flash(_("Permintaan penghapusan data sudah dikirim ke panitia."), "info")
    return redirect(url_for("registration.portal"))


# --- roster (panitia) -----------------------------------------------------------------------

def _roster_filters():
    args = request.args
    status = args.get("status", "")
    return {"q": args.get("q", "").strip()[:100], "status": status if status in {s.value for s in Status} else "",
            "kabupaten": args.get("kabupaten", ""), "instansi": args.get("instansi", ""),
            "deletion": args.get("hapus") == "1"}


@bp.route("/kelola/pelatihan/<int:training_id>/peserta")
def roster(training_id):
    """Roster for panitia: search, filters, moderation, import/export."""
    training, duties = load_training_for(training_id, permissions.can_manage_roster)
    return _render_roster(training, duties)


def _render_roster(training, duties, import_form=None, import_error=None, status=200):
    filters = _roster_filters()
    registrations, page = services.roster_page(training.id, request.args.get("hal"), **filters)
    return render_template(
        "registration/roster.html", training=training, duties=duties, tab="peserta",
        can=management_flags(current_user, duties), filters=filters, page=page,
        registrations=registrations, summary=services.roster_summary(training.id),
        status_labels={s.value: label for s, label in STATUS_LABELS.items()}, status_form=forms.StatusForm(),
        import_form=import_form or forms.ImportForm(), import_error=import_error,
        headers=roster_io.ROSTER_HEADERS), status


@bp.route("/kelola/pelatihan/<int:training_id>/peserta/<int:registration_id>/status", methods=["POST"])
def change_status(training_id, registration_id):
    """Approve / reject (with reason) / withdraw one registration."""
    training, _duties = load_training_for(training_id, permissions.can_manage_roster)
    registration = get_or_404(Registration, registration_id, training_id=training.id)
    form = forms.StatusForm()
    if form.validate_on_submit():
        try:
            services.change_status(current_user, registration, form.action.data, form.reason.data)
            db.session.commit()
            flash(_("Status %(number)s: %(status)s.", number=registration.number, status=_(registration.status_label)),
                  "success")
        except DomainError as error:
            refuse(error)
    else:
        flash_form_errors(form)
    return redirect(url_for("registration.roster", training_id=training.id))


@bp.route("/kelola/pelatihan/<int:training_id>/peserta/massal", methods=["POST"])
def bulk_status(training_id):
    """Apply one action to the ticked registrations."""
    training, _duties = load_training_for(training_id, permissions.can_manage_roster)
    form = forms.StatusForm()
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    if not form.validate_on_submit() or not ids:
        flash(_("Pilih peserta dan tindakan terlebih dahulu."), "warning")
        return redirect(url_for("registration.roster", training_id=training.id))
    try:
        done, skipped = services.bulk_change(current_user, training, ids, form.action.data, form.reason.data)
        db.session.commit()
    except DomainError as error:
        refuse(error)
    else:
        flash(_("%(count)s pendaftaran diproses.", count=len(done)), "success")
        for message in skipped[:10]:
            flash(tr(message), "warning")
    return redirect(url_for("registration.roster", training_id=training.id))


@bp.route("/kelola/pelatihan/<int:training_id>/peserta/promosi", methods=["POST"])
def promote(training_id):
    """Fill free seats from the waiting list (e.g. after the capacity was raised)."""
    training, _duties = load_training_for(training_id, permissions.can_manage_roster)
    promoted = services.fill_free_seats(current_user, training)
    db.session.commit()
    flash(_("%(count)s peserta naik dari daftar tunggu.", count=len(promoted)), "success" if promoted else "info")
    return redirect(url_for("registration.roster", training_id=training.id))


@bp.route("/kelola/pelatihan/<int:training_id>/peserta/<int:registration_id>/anonimkan", methods=["POST"])
def anonymize(training_id, registration_id):
    """Approve a deletion request: erase the registration's personal data."""
    training, _duties = load_training_for(training_id, permissions.can_manage_roster)
    registration = get_or_404(Registration, registration_id, training_id=training.id)
    services.anonymize(current_user, registration)
    db.session.commit()
    flash(_("Data pribadi %(number)s sudah dihapus.", number=registration.number), "success")
    return redirect(url_for("registration.roster", training_id=training.id, hapus=1))


@bp.route("/kelola/pelatihan/<int:training_id>/peserta/ekspor.<fmt>")
def export_roster(training_id, fmt):
    """Download the roster as CSV or XLSX with Indonesian headers."""
    training, _duties = load_training_for(training_id, permissions.can_manage_roster)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    data = services.export_roster(current_user, training, fmt)
    db.session.commit()
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="peserta-{training.code}.{fmt}"'})


@bp.route("/kelola/pelatihan/<int:training_id>/peserta/impor", methods=["POST"])
def import_roster(training_id):
    """Import CSV/XLSX: every row validated first; nothing is saved unless the whole file is valid."""
    training, duties = load_training_for(training_id, permissions.can_manage_roster)
    form = forms.ImportForm()
    if not form.validate_on_submit():
        return _render_roster(training, duties, import_form=form, status=400)
    upload = form.file.data
    try:
        created, updated = services.import_roster(current_user, training, upload.filename, upload.read())
        db.session.commit()
    except (DomainError, IntegrityError) as error:
        db.session.rollback()
        if isinstance(error, IntegrityError):
            error = DomainError("Impor dibatalkan: data bentrok dengan pendaftaran lain (email ganda). "
                                "Tidak ada data yang disimpan.")
        return _render_roster(training, duties, import_form=form, import_error=error, status=400)
    flash(_("Impor berhasil: %(created)s peserta baru, %(updated)s diperbarui.", created=len(created),
            updated=len(updated)), "success")
    return redirect(url_for("registration.roster", training_id=training.id))
