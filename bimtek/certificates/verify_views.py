"""Verifier pages: the page behind the QR code (/v/<code>) and its JSON, the PDF check (/v/<code>/periksa), an
unknown code (HTTP 404), and a look-up by certificate number + holder's name.

The page behind the QR code is the same for every visitor without the app's cookies (no form, no CSRF token, no
session; its language switch is a `?lang=` link), so certificates.page_cache serves it from memory after one
database statement that writes its log row and reads the certificate's version (install_fast_path). The PDF
check has its own page, with the form, its CSRF token and the session that token needs.
"""
from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE_NAME
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from bimtek.certificates import lookup, page_cache, services
from bimtek.certificates.blueprint import bp
from bimtek.certificates.forms import VerifyUploadForm
from bimtek.certificates.services.fast_verify import RawStatements
from bimtek.core.database import autocommit_session
from bimtek.core.i18n import current_lang, lazy_gettext as _l
from bimtek.core.web import flash_form_errors
from bimtek.extensions import db, limiter

# One budget for PDF checks, whichever address the form posts to (/v/<code> before the check had its own page).
UPLOAD_LIMIT = "10 per minute; 60 per hour"
UPLOAD_SCOPE = "verify-upload"


class LookupForm(FlaskForm):
    number = StringField(_l("Nomor sertifikat"), validators=[DataRequired(_l("Wajib diisi.")), Length(max=160)],
                         description=_l("Seperti tercetak pada sertifikat, mis. 800/001/DKPUS/2020."))
    name = StringField(_l("Nama pemegang sertifikat"), validators=[DataRequired(_l("Wajib diisi.")), Length(max=200)],
                       description=_l("Seperti tercetak pada sertifikat; huruf besar/kecil dan spasi diabaikan."))


def unknown_certificate():
    """The answer for a code that matches no certificate: what it means and what to do (HTTP 404)."""
    return render_template("certificates/verify_unknown.html", form=LookupForm()), 404


@bp.route("/verifikasi", methods=["GET", "POST"])
@limiter.limit("10 per minute; 60 per hour", methods=["POST"])
def lookup_certificate():
    """Find a certificate by its number and the holder's name; a mismatch reveals nothing."""
    form, not_found = LookupForm(), False
    if form.validate_on_submit():
        cert = lookup.find_by_number_and_name(form.number.data, form.name.data)
        if cert is not None:
            services.log_verification(cert, "lookup", request.user_agent.string)
            db.session.commit()
            return redirect(url_for("certificates.verify", code=cert.code))
        not_found = True
    return render_template("certificates/lookup.html", form=form, not_found=not_found), 400 if form.errors else 200


@bp.route("/v/<code>.json")
def verify_json(code):
    """Machine-readable verification: the same minimum the page shows."""
    autocommit_session(db.session)  # one read and its log row: no BEGIN/COMMIT round trips
    cert = services.find_and_log(code, "json", request.user_agent.string)
    if cert is None:
        abort(404)
    view = {**lookup.public_view(cert), "code": cert.code}
    db.session.commit()
    return jsonify(view)


@bp.route("/v/<code>", methods=["GET", "POST"])
@limiter.shared_limit(UPLOAD_LIMIT, scope=UPLOAD_SCOPE, methods=["POST"])
def verify(code):
    """Public page behind the QR code. A POST (the PDF check that used to sit on this page) is answered as on
    /v/<code>/periksa, for forms and links made before the check moved there."""
    if request.method == "POST":
        return _check_page(code)
    autocommit_session(db.session)  # one statement: found and logged (no BEGIN/COMMIT round trips)
    if request.environ.get(page_cache.LOGGED):  # page_cache wrote this scan's log row already
        cert = services.find_by_code(code)
    else:
        cert = services.find_and_log(code, "page", request.user_agent.string)
    if cert is None:
        return unknown_certificate()
    view, code = lookup.public_view(cert), cert.code  # before the commit expires (and would reload) the row
    db.session.commit()
    shareable = _is_anonymous_visitor()
    if shareable:
        request.environ[page_cache.PAGE] = True
    return render_template("certificates/verify.html", view=view, code=code, lang_arg=_lang_arg(),
                           lang_href=_language_link() if shareable else None)


@bp.route("/v/<code>/periksa", methods=["GET", "POST"])
@limiter.shared_limit(UPLOAD_LIMIT, scope=UPLOAD_SCOPE, methods=["POST"])
def check_file(code):
    """Upload a PDF to check it is the issued file (byte for byte), an older version of it, or a correctly
    signed copy. The file is not stored."""
    return _check_page(code)


def _check_page(code):
    autocommit_session(db.session)  # reads and one log row: no BEGIN/COMMIT round trips
    if request.method == "GET":
        cert = services.find_and_log(code, "page", request.user_agent.string)
    else:
        cert = services.find_by_code(code)
    if cert is None:
        return unknown_certificate()
    form, result, check = VerifyUploadForm(), None, None
    if form.validate_on_submit():
        data = _read_and_close(form.file.data, services.SIGNED_MAX_BYTES + 1)
        check = services.check_upload(cert, data, services.SIGNED_MAX_BYTES)
        result = check["result"]
        services.log_verification(cert, "upload", request.user_agent.string, result)
    elif request.method == "POST":
        flash_form_errors(form)
        services.log_verification(cert, "page", request.user_agent.string)
    view, code = lookup.public_view(cert), cert.code  # before the commit expires (and would reload) the row
    db.session.commit()
    return render_template("certificates/verify_check.html", view=view, code=code, form=form, result=result,
                           check=check, lang_arg=_lang_arg())


def _read_and_close(upload, limit):
    """The first `limit` bytes of an uploaded file; its spooled temporary file is closed at once."""
    try:
        return upload.read(limit)
    finally:
        upload.close()


def _is_anonymous_visitor():
    """No session cookie and nobody signed in: the page carries nothing of this visitor (no CSRF token, whose
    session cookie would make every visitor's page different)."""
    return current_app.config["SESSION_COOKIE_NAME"] not in request.cookies and not current_user.is_authenticated


def _lang_arg():
    """`?lang=` of this request when it chose a language: the page's links keep it (a visitor without a session
    has no other way to keep the language)."""
    lang = request.args.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else None


def _language_link():
    """The language switch as a link (the same page with `?lang=`; the default language without it): a form
    would need a CSRF token, and with it a session."""
    target = "en" if current_lang() == "id" else "id"
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return request.path if target == default else f"{request.path}?lang={target}"


def install_fast_path(app):
    """Serve GET /v/<code> from memory for visitors without the app's cookies (certificates.page_cache)."""
    with app.app_context():
        engine = db.engine
    statements = RawStatements(engine, wait_for_disk=app.config.get("VERIFY_LOG_SYNC_COMMIT", False))
    cookies = {app.config.get("SESSION_COOKIE_NAME", "session"), app.config.get("REMEMBER_COOKIE_NAME",
                                                                                 REMEMBER_COOKIE_NAME)}
    queries = [""] + [f"lang={lang}" for lang in app.config["LANGUAGES"]]
    app.wsgi_app = page_cache.VerifyFastPath(app.wsgi_app, statements.find_and_log, statements.version_of,
                                             cookies, queries)
