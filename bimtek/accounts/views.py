"""Staff sign-in (password, then the second factor when enrolled), sign-out, password change and reset."""
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from bimtek.accounts import recovery, services, sessions, throttle, twofactor
from bimtek.accounts.forms import ForgotPasswordForm, LoginForm, NewPasswordForm, PasswordForm, SecondFactorForm
from bimtek.accounts.models import User
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.i18n import tr
from bimtek.core.models import now_utc
from bimtek.core.web import flash_unshown_errors, safe_local_path, with_retry_after
from bimtek.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/akun")
PENDING = "login.pending"  # password checked, second factor still to come
PENDING_SECONDS = 600


def unauthorized():
    """Flask-Login's answer to a signed-out visitor: participant pages go to the participant sign-in."""
    login_view = "registration.participant_login" if request.path.startswith("/peserta") else "accounts.login"
    if login_view == "accounts.login":
        flash(_("Silakan masuk untuk membuka halaman ini."), "info")
    return redirect(url_for(login_view, next=request.full_path.rstrip("?")))


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():
    """Staff sign-in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("trainings.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            flash(tr(error.message), "danger")
            wait = error.context.get("retry_after") or 15 * 60
            return with_retry_after((render_template("accounts/login.html", form=form), 429), wait)
        if user is not None:
            return _after_password(user, safe_local_path(request.args.get("next")))
        flash(_("Email atau kata sandi salah."), "danger")
    elif request.method == "POST":
        flash_unshown_errors(form)
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" else 400


def _after_password(user, next_path):
    """Sign in now, or ask for the second factor (or its enrolment when the policy requires one)."""
    if user.has_two_factor or twofactor.is_required_for(user):
        session[PENDING] = {"uid": user.id, "at": time.time(), "next": next_path,
                            "enrol": not user.has_two_factor}
        db.session.commit()
        return redirect(url_for("accounts.second_factor" if user.has_two_factor else "twofactor.enrol"))
    return finish_login(user, next_path)


def finish_login(user, next_path=None):
    """Start a server-side session for `user` in this browser and go on."""
    session.pop(PENDING, None)
    user.last_login_at = now_utc()
    sessions.start(user, request.user_agent.string)
    db.session.commit()
    return redirect(next_path or url_for("trainings.dashboard"))


def pending_user(enrol=None):
    """The user whose password was checked in this browser in the last 10 minutes, or None."""
    pending = session.get(PENDING) or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    if enrol is not None and bool(pending.get("enrol")) != enrol:
        return None
    user = db.session.get(User, pending.get("uid") or 0)
    return user if user is not None and user.is_active else None


@bp.route("/masuk/verifikasi", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def second_factor():
    """Second step: the authenticator code (or a recovery code)."""
    user = pending_user(enrol=False)
    if user is None:
        return redirect(url_for("accounts.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if throttle.account_locked(user.email):
            flash(tr(services.AccountLocked().message), "danger")
        elif twofactor.verify(user, form.code.data):
            return finish_login(user, (session.get(PENDING) or {}).get("next"))
        else:
            throttle.record_failed_login(user.email)
            flash(_("Kode tidak cocok. Periksa jam ponsel Anda, atau pakai salah satu kode pemulihan."), "danger")
    elif request.method == "POST":
        flash_unshown_errors(form)
    return render_template("accounts/second_factor.html", form=form), 200 if request.method == "GET" else 400


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    """Sign out (POST only, CSRF-protected): the server forgets this session, so a copied cookie is useless."""
    sessions.end_current(current_user)
    db.session.commit()
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("trainings.index"))


@bp.route("/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    """Staff change their own password; every other session of theirs ends."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            if services.authenticate(current_user.email, form.current.data) is None:
                raise ValidationError(_("Kata sandi sekarang salah."))
            user = current_user._get_current_object()
            services.set_password(user, form.password.data)
        except DomainError as error:
            db.session.rollback()
            flash(tr(error.message), "danger")
        else:
            sessions.start(user, request.user_agent.string)  # this browser stays signed in, on a new session
            db.session.commit()
            flash(_("Kata sandi sudah diganti. Sesi di perangkat lain sudah diakhiri."), "success")
            return redirect(url_for("trainings.dashboard"))
    else:
        flash_unshown_errors(form)
    return render_template("accounts/change_password.html", form=form)


@bp.route("/lupa-sandi", methods=["GET", "POST"])
@limiter.shared_limit(throttle.SIGN_IN_MAIL_ROUTE_LIMIT, scope=throttle.SIGN_IN_MAIL_SCOPE, methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same for every address."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_password_reset(form.email.data, current_app.config["SECRET_KEY"])
        db.session.commit()
        return render_template("accounts/forgot_password.html", form=form, sent=True)
    if request.method == "POST":
        flash_unshown_errors(form)
    return render_template("accounts/forgot_password.html", form=form, sent=False)


@bp.route("/sandi-baru/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token):
    """The e-mailed reset link: choose a new password (the link is used up only when that succeeds)."""
    secret = current_app.config["SECRET_KEY"]
    if not recovery.reset_link_is_usable(token, secret):
        flash(_("Tautan atur ulang tidak valid, sudah dipakai, atau kedaluwarsa. Minta tautan baru."), "danger")
        return redirect(url_for("accounts.forgot_password"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.reset_password(token, form.password.data, secret)
        except ValidationError as error:
            db.session.rollback()
            flash(tr(error.message), "danger")
        else:
            db.session.commit()
            flash(_("Kata sandi baru sudah disimpan. Silakan masuk."), "success")
            return redirect(url_for("accounts.login"))
    elif request.method == "POST":
        flash_unshown_errors(form)
    return render_template("accounts/reset_password.html", form=form)
