"""Flask glue shared by all domains: error pages, access decorators, load-or-404, form errors."""
import math
import time
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, flash, jsonify, make_response, render_template, request
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import default_exceptions

from bimtek.core.errors import DomainError
from bimtek.core.i18n import N_, tr
from bimtek.extensions import db, limiter, login_manager

ERROR_TITLES = {
    400: N_("Permintaan tidak valid"),
    403: N_("Akses ditolak"),
    404: N_("Halaman tidak ditemukan"),
    405: N_("Metode tidak diizinkan"),
    413: N_("Berkas terlalu besar"),
    429: N_("Terlalu banyak permintaan"),
    500: N_("Terjadi kesalahan pada server"),
}
ERROR_MESSAGES = {
    400: N_("Permintaan tidak dapat diproses. Muat ulang halaman lalu coba lagi."),
    403: N_("Anda tidak memiliki izin untuk membuka halaman ini."),
    404: N_("Halaman yang Anda cari tidak ada atau sudah dipindahkan."),
    405: N_("Cara membuka halaman ini tidak diizinkan."),
    413: N_("Berkas yang diunggah melebihi batas ukuran."),
    429: N_("Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi."),
    500: N_("Maaf, terjadi kesalahan. Tim kami sudah dicatat; silakan coba lagi."),
}


def wants_json():
    """True for API-style requests (Accept: application/json without HTML preference)."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code, message=None, **extra):
    """Render an error page (or JSON, with `extra` fields) with the given status code, in the request's
    language."""
    message = message or ERROR_MESSAGES.get(code, "")
    message = gettext(message) if message else message  # gettext("") would return the catalog header
    title = gettext(ERROR_TITLES.get(code, str(code)))
    if wants_json():
        return jsonify(error=title, message=message, **extra), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app):
    """Turn HTTP errors and CSRF failures into friendly pages; roll back on 500; close uploads."""
    app.teardown_request(close_uploads)
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, lambda e, code=code: render_error(code, _description(e, code)))
    app.register_error_handler(429, too_many_requests)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, gettext("Sesi formulir kedaluwarsa atau tidak valid (CSRF). "
                                         "Muat ulang halaman lalu kirim lagi."))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)


def too_many_requests(error):
    """429 with when to try again: "Coba lagi dalam N detik" on the page and a Retry-After header."""
    seconds = retry_after_seconds()
    if seconds is None:
        return render_error(429, _description(error, 429))
    return with_retry_after(render_error(429, wait_message(seconds), retry_after=seconds), seconds)


def retry_after_seconds():
    """Seconds until the limit this request broke resets (Flask-Limiter's window), or None when unknown."""
    current = limiter.current_limit
    if current is None or not current.breached:
        return None
    return max(1, math.ceil(current.reset_at - time.time()))


def wait_message(seconds):
    """'Terlalu banyak percobaan. Coba lagi dalam 42 detik.' (minutes from two minutes on)."""
    if seconds < 120:
        return gettext("Terlalu banyak percobaan. Coba lagi dalam %(n)s detik.", n=seconds)
    return gettext("Terlalu banyak percobaan. Coba lagi dalam %(n)s menit.", n=math.ceil(seconds / 60))


def with_retry_after(result, seconds):
    """(body, status) or a response, with the Retry-After header set."""
    response = make_response(result)
    response.headers["Retry-After"] = str(int(seconds))
    return response


def close_uploads(_exc=None):
    """Close every uploaded file's spooled temporary file when the request ends, whatever path the view took
    (refused form, early error): large uploads (signed PDFs, logs) hold a file descriptor each."""
    parsed = request.__dict__.get("files") if request else None  # never parse a body here (it may be refused)
    for upload in (parsed or {}).values():
        upload.close()


def _description(error, code):
    description = getattr(error, "description", None)
    # Werkzeug's default descriptions are English; only keep messages we set ourselves.
    if isinstance(description, str) and getattr(error, "_bimtek_message", False):
        return description
    return ERROR_MESSAGES.get(code)


def fail(code, message):
    """abort() with an Indonesian message that the error page shows."""
    error = default_exceptions[code](description=message)
    error._bimtek_message = True
    abort(error)


def role_required(allowed):
    """Decorator: signed-out visitors go to sign-in; signed-in users for whom allowed(user) is false get 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(lambda user: user.is_staff)  # admin or staff accounts
admin_required = role_required(lambda user: user.is_admin)  # Dinas admins


def safe_local_path(target):
    """`target` if it is a same-site path ('/…'), else None — blocks open redirects.

    Browsers treat a backslash like a slash, so '/\\evil.example' is refused as well as '//evil.example'.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target):
        return None
    return target


def get_or_404(model, ident, options=(), **filters):
    """Load by primary key (and optional equality filters; options: loader options, e.g. eager loads) or abort 404."""
    obj = db.session.get(model, ident, options=options)
    if obj is None or any(getattr(obj, k) != v for k, v in filters.items()):
        abort(404)
    return obj


def flash_form_errors(form):
    """Flash every WTForms error as 'Label: message' (for a view that redirects; one that renders the form
    again uses flash_unshown_errors)."""
    for name, errors in form.errors.items():
        label = form[name].label.text if name in form else name
        for error in errors:
            flash(f"{label}: {error}", "danger")


def flash_unshown_errors(form):
    """For a view that renders `form` again: each visible field shows its own errors (the `field` macro), so
    flash only what no field shows (the hidden CSRF token, form-wide errors). Flashing everything says each
    problem twice."""
    for name, errors in form.errors.items():
        if name in form and getattr(form[name].widget, "input_type", None) != "hidden":
            continue
        label = form[name].label.text if name in form else ""
        for error in errors:
            flash(f"{label}: {error}" if label else str(error), "danger")


def flash_domain_error(error: DomainError) -> None:
    """Flash a domain error and each sub-error it carries."""
    extra = error.context.get("errors") or []
    flash(tr(error.message), "danger")  # a core.messages.Message in the reader's language; text as is
    for message in extra[1:]:
        flash(tr(message), "danger")


def refuse(error: DomainError, response=None):
    """The tail of a view whose change the domain refused: undo the transaction, say why, then answer
    with `response` (usually a redirect back; None lets the view re-render its form)."""
    db.session.rollback()
    flash_domain_error(error)
    return response
