"""Second-factor settings: enrol an authenticator app (also during a required sign-in), recovery codes, turn off."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from bimtek.accounts import services, twofactor
from bimtek.accounts.forms import ConfirmPasswordForm, SecondFactorForm
from bimtek.accounts.views import PENDING, finish_login, pending_user
from bimtek.core.i18n import tr
from bimtek.core.web import flash_unshown_errors
from bimtek.extensions import db, limiter

bp = Blueprint("twofactor", __name__, url_prefix="/akun/dua-langkah")
_ENROLMENT_KEY = "twofactor.secret"  # the secret being enrolled; saved to the account only once a code confirms it
_CODES = "twofactor.codes"    # recovery codes, shown once right after they are made


def _enrolling_user():
    """The signed-in staff member, or the one whose required enrolment interrupts their sign-in."""
    if current_user.is_authenticated and current_user.is_staff:
        return current_user._get_current_object()
    return pending_user(enrol=True)


@bp.route("/")
@login_required
def settings():
    """Status of the second factor for the signed-in staff member."""
    if not current_user.is_staff:
        return redirect(url_for("registration.portal"))
    return render_template("accounts/two_factor.html", required=twofactor.is_required_for(current_user),
                           codes=session.pop(_CODES, None), password_form=ConfirmPasswordForm())


@bp.route("/daftar", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def enrol():
    """Scan the QR code with an authenticator app and confirm with a first code."""
    user = _enrolling_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    secret = session.get(_ENROLMENT_KEY) or twofactor.new_secret()
    session[_ENROLMENT_KEY] = secret
    form = SecondFactorForm()
    if form.validate_on_submit():
        codes = twofactor.enable(user, secret, form.code.data)
        if codes is not None:
            session.pop(_ENROLMENT_KEY, None)
            session[_CODES] = codes
            flash(_("Verifikasi dua langkah aktif. Simpan kode pemulihan di bawah ini di tempat yang aman."),
                  "success")
            if not current_user.is_authenticated:
                finish_login(user, None)
            else:
                db.session.commit()
            return redirect(url_for("twofactor.settings"))
        flash(_("Kode tidak cocok. Pastikan jam ponsel Anda tepat, lalu ketik kode yang sedang tampil."), "danger")
    elif request.method == "POST":
        flash_unshown_errors(form)
    uri, qr = twofactor.provisioning_qr(user, secret)
    return render_template("accounts/two_factor_enrol.html", form=form, qr=qr, secret=secret, uri=uri,
                           during_login=not current_user.is_authenticated and PENDING in session)


@bp.route("/kode-pemulihan", methods=["POST"])
@login_required
def new_recovery_codes():
    """Replace the recovery codes (after confirming the password)."""
    form = ConfirmPasswordForm()
    if current_user.has_two_factor and form.validate_on_submit() and _password_ok(form.password.data):
        session[_CODES] = twofactor.regenerate_recovery_codes(current_user)
        db.session.commit()
    return redirect(url_for("twofactor.settings"))


@bp.route("/matikan", methods=["POST"])
@login_required
def disable():
    """Turn the second factor off (refused while the policy requires it for this account)."""
    form = ConfirmPasswordForm()
    if twofactor.is_required_for(current_user):
        flash(_("Verifikasi dua langkah wajib untuk akun Anda dan tidak dapat dimatikan."), "danger")
    elif form.validate_on_submit() and _password_ok(form.password.data):
        twofactor.disable(current_user, current_user)
        db.session.commit()
        flash(_("Verifikasi dua langkah dimatikan."), "info")
    return redirect(url_for("twofactor.settings"))


def _password_ok(password):
    try:
        ok = services.authenticate(current_user.email, password) is not None
    except services.AccountLocked as error:
        flash(tr(error.message), "danger")
        return False
    if not ok:
        db.session.rollback()
        flash(_("Kata sandi salah."), "danger")
    return ok
