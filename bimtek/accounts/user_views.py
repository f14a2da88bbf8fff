"""The admin's staff accounts page: create, deactivate/reactivate, reset, 2FA policy, account log."""
import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.accounts import recovery, services, twofactor
from bimtek.accounts.forms import ActionForm, PolicyForm, UserForm
from bimtek.accounts.models import User
from bimtek.audit.models import AuditEntry
from bimtek.audit.services import record
from bimtek.core.errors import ValidationError
from bimtek.core.i18n import tr
from bimtek.core.messages import N_, Message
from bimtek.core.web import admin_required, flash_form_errors
from bimtek.extensions import db

bp = Blueprint("users", __name__, url_prefix="/kelola/pengguna")


@bp.route("")
@admin_required
def list_users():
    """All staff accounts (participants are managed per training) and the account log."""
    users = db.session.scalars(sa.select(User).where(User.role != "peserta").order_by(User.name)).all()
    log = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.like("account.%"))
                             .order_by(AuditEntry.id.desc()).limit(50)).all()
    return render_template("accounts/list_users.html", users=users, form=UserForm(), action_form=ActionForm(),
                           policy_form=PolicyForm(require_two_factor=twofactor.policy().require_two_factor),
                           log=log)


@bp.route("", methods=["POST"])
@admin_required
def create_user():
    """Create a staff or admin account."""
    form = UserForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("users.list_users"))
    try:
        user = services.create_user(form.email.data, form.name.data, form.role.data, form.password.data)
        record(current_user, "account.create", user,
               summary=Message(N_("Membuat akun %(email)s (%(role)s)"), email=user.email, role=user.role))
    except ValidationError as error:
        db.session.rollback()
        flash(tr(error.message), "danger")
        return redirect(url_for("users.list_users"))
    db.session.commit()
    flash(_("Akun berhasil dibuat."), "success")
    return redirect(url_for("users.list_users"))


def _staff(user_id):
    user = db.session.get(User, user_id)
    if user is None or not user.is_staff:
        abort(404)
    return user


@bp.route("/<int:user_id>/<action>", methods=["POST"])
@admin_required
def change_account(user_id, action):
    """Deactivate, reactivate or reset one staff account."""
    user = _staff(user_id)
    if action not in ("nonaktifkan", "aktifkan", "reset") or not ActionForm().validate_on_submit():
        flash(_("Tindakan tidak dikenal."), "danger")
        return redirect(url_for("users.list_users"))
    if user.id == current_user.id:
        flash(_("Akun Anda sendiri diatur di Keamanan akun, bukan di sini."), "danger")
        return redirect(url_for("users.list_users"))
    try:
        _apply(action, user)
    except ValidationError as error:
        db.session.rollback()
        flash(tr(error.message), "danger")
    else:
        db.session.commit()
    return redirect(url_for("users.list_users"))


def _apply(action, user):
    if action == "nonaktifkan":
        services.deactivate(current_user, user)
        flash(_("Akun %(email)s dinonaktifkan; semua sesinya sudah diakhiri.", email=user.email), "success")
    elif action == "aktifkan":
        services.reactivate(current_user, user)
        flash(_("Akun %(email)s aktif kembali.", email=user.email), "success")
    else:
        services.admin_reset(current_user, user)
        recovery.request_password_reset(user.email, current_app.config["SECRET_KEY"])
        flash(_("Kata sandi %(email)s direset; tautan untuk membuat kata sandi baru dikirim ke alamat itu.",
                email=user.email), "success")


@bp.route("/kebijakan", methods=["POST"])
@admin_required
def set_policy():
    """Switch "verifikasi dua langkah wajib untuk admin dan penandatangan" on or off."""
    form = PolicyForm()
    if form.validate_on_submit():
        twofactor.set_required(current_user, form.require_two_factor.data)
        db.session.commit()
        flash(_("Kebijakan akun disimpan."), "success")
    return redirect(url_for("users.list_users"))
