"""Participant sign-in pages: ask for a link + code by e-mail, type the code, or open the link; sign out."""
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.accounts import sessions, throttle, tokens
from bimtek.core.errors import ValidationError
from bimtek.core.i18n import tr
from bimtek.core.web import flash_form_errors, flash_unshown_errors, refuse, safe_local_path
from bimtek.extensions import db, limiter
from bimtek.registration import forms, signin
from bimtek.registration.blueprint import bp

_BROWSER_KEY = "signin.browser"
_NEXT = "signin.next"
# Every route that asks for sign-in mail shares one per-address budget (and signin.py a per-recipient one).
_MAIL_LIMIT = limiter.shared_limit(throttle.SIGN_IN_MAIL_ROUTE_LIMIT, scope=throttle.SIGN_IN_MAIL_SCOPE,
                                   methods=["POST"])


@bp.route("/peserta/masuk")
def participant_login():
    """Participant sign-in: an e-mailed link, or the code from the same e-mail."""
    next_path = safe_local_path(request.args.get("next"))
    if next_path:
        session[_NEXT] = next_path
    if current_user.is_authenticated:
        return redirect(session.pop(_NEXT, None) or url_for("registration.portal"))
    return render_template("registration/participant_login.html", link_form=forms.LinkRequestForm(prefix="link"))


@bp.route("/peserta/masuk/tautan", methods=["POST"])
@_MAIL_LIMIT
def request_link():
    """Mail a link + code; the answer is the same whether or not the address is known."""
    return _request_sign_in(forms.LinkRequestForm(prefix="link"))


@bp.route("/peserta/masuk/nomor", methods=["POST"])
@_MAIL_LIMIT
def login_number():
    """Old number + e-mail form: a number is public, so it only leads to the same e-mailed link + code."""
    return _request_sign_in(forms.NumberLoginForm(prefix="nomor"))


def _request_sign_in(form):
    if not form.validate_on_submit():
        flash_form_errors(form)
        return render_template("registration/participant_login.html",
                               link_form=forms.LinkRequestForm(prefix="link", email=form.email.data)), 400
    session[_BROWSER_KEY] = browser_key = tokens.new_browser_key()
    signin.request_sign_in(form.email.data, current_app.config["SECRET_KEY"], browser_key)
    db.session.commit()
    session["signin.email"] = form.email.data.strip()[:254]
    return redirect(url_for("registration.enter_code"))


@bp.route("/peserta/masuk/kode", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def enter_code():
    """Type the 6-digit code from the e-mail (only in the browser that asked for it)."""
    form = forms.CodeForm()
    if form.validate_on_submit():
        try:
            user = signin.sign_in_with_code(session.get(_BROWSER_KEY), form.code.data,
                                            current_app.config["SECRET_KEY"])
        except ValidationError as error:
            db.session.commit()  # keep the counted attempt
            flash(tr(error.message), "danger")
        else:
            return _signed_in(user)
    elif request.method == "POST":
        flash_unshown_errors(form)
    return render_template("registration/enter_code.html", form=form, email=session.get("signin.email", ""),
                           has_request=bool(session.get(_BROWSER_KEY))), 200 if request.method == "GET" else 400


@bp.route("/peserta/masuk/t/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def consume_login(token):
    """The e-mailed link: GET shows a button (mail scanners must not use it up), POST signs in once."""
    form = forms.ConfirmLoginForm(token=token)
    if not form.validate_on_submit():
        return render_template("registration/consume_login.html", form=form)
    try:
        user = signin.sign_in_with_link(form.token.data, current_app.config["SECRET_KEY"])
    except ValidationError as error:
        return refuse(error, redirect(url_for("registration.participant_login")))
    return _signed_in(user)


def _signed_in(user):
    if current_user.is_authenticated:
        sessions.end_current(current_user)
    session.pop(_BROWSER_KEY, None)
    sessions.start(user, request.user_agent.string)
    db.session.commit()
    flash(_("Selamat datang. Anda masuk sebagai peserta."), "success")
    return redirect(session.pop(_NEXT, None) or url_for("registration.portal"))


@bp.route("/peserta/keluar-semua", methods=["POST"])
def sign_out_everywhere():
    """End every session of this participant on every device (e.g. after using a shared computer)."""
    if not current_user.is_authenticated:
        return redirect(url_for("registration.participant_login"))
    ended = sessions.end_all(current_user)
    sessions.end_current(current_user)
    db.session.commit()
    flash(_("Anda sudah keluar dari semua perangkat (%(count)s sesi).", count=ended), "info")
    return redirect(url_for("registration.participant_login"))
