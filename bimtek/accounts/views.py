"""Staff sign-in/out, account management."""
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from bimtek.accounts import services
from bimtek.accounts.forms import LoginForm, PasswordForm, UserForm
from bimtek.accounts.models import User
from bimtek.core.errors import ValidationError
from bimtek.core.web import admin_required, flash_form_errors, safe_local_path
from bimtek.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/akun")


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login():
    """Staff sign-in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Email atau kata sandi salah."), "danger")
        else:
            login_user(user)
            db.session.commit()
            return redirect(safe_local_path(request.args.get("next")) or url_for("core.dashboard"))
    elif request.method == "POST":
        flash_form_errors(form)
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" else 400


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    """Sign out (POST only, CSRF-protected)."""
    logout_user()
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("core.index"))


@bp.route("/pengguna")
@admin_required
def list_users():
    """All accounts of staff (participants are managed per training)."""
    users = db.session.scalars(sa.select(User).where(User.role != "peserta").order_by(User.name)).all()
    return render_template("accounts/list_users.html", users=users, form=UserForm())


@bp.route("/pengguna", methods=["POST"])
@admin_required
def create_user():
    """Create a staff or admin account."""
    form = UserForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("accounts.list_users"))
    try:
        services.create_user(form.email.data, form.name.data, form.role.data, form.password.data)
    except ValidationError as error:
        flash(error.message, "danger")
        return redirect(url_for("accounts.list_users"))
    db.session.commit()
    flash(_("Akun berhasil dibuat."), "success")
    return redirect(url_for("accounts.list_users"))


@bp.route("/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    """Staff change their own password."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not services.authenticate(current_user.email, form.current.data):
            flash(_("Kata sandi sekarang salah."), "danger")
        else:
            services.set_password(current_user, form.password.data)
            db.session.commit()
            flash(_("Kata sandi sudah diganti."), "success")
            return redirect(url_for("core.dashboard"))
    else:
        flash_form_errors(form)
    return render_template("accounts/change_password.html", form=form)
