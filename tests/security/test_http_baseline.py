"""HTTP baseline: rate-limited sign-in, cookie flags, proxy awareness, security headers, CSP-clean templates."""
import re
from pathlib import Path

import pytest

from bimtek import create_app
from bimtek.config import TestConfig
from tests.factories import PASSWORD, make_registration, make_training, make_user

ROOT = Path(__file__).resolve().parents[2]
# Rendered only to PDF by WeasyPrint (never served as HTML), so CSP does not apply to them.
PDF_ONLY_TEMPLATES = {"action_plans/export_pdf.html", "reports/report_pdf.html", "reports/sheet_pdf.html"}


def _app(tmp_path, **overrides):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'http.sqlite3'}"
        DATA_DIR = str(tmp_path / "data")

    for key, value in overrides.items():
        setattr(Config, key, value)
    app = create_app(Config)
    from bimtek.extensions import db

    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def limited_app(tmp_path):
    """A second app with rate limiting on (TestConfig switches it off), own database and memory storage."""
    app = _app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    yield app
    from bimtek.extensions import db

    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("path,data,allowed", [
    ("/akun/masuk", {"email": "admin@example.id", "password": "salah-salah"}, 10),
    ("/peserta/masuk/tautan", {"link-email": "siapa@example.id"}, 10),
    ("/peserta/masuk/nomor", {"nomor-number": "X-0001", "nomor-email": "siapa@example.id"}, 10),
    ("/akun/lupa-sandi", {"email": "siapa@example.id"}, 10),
])
def test_sign_in_and_link_requests_are_rate_limited(limited_app, path, data, allowed):
    client = limited_app.test_client()
    codes = [client.post(path, data=data).status_code for _ in range(allowed)]
    assert 429 not in codes
    blocked = client.post(path, data=data)
    assert blocked.status_code == 429
    assert "<html" in blocked.get_data(as_text=True).lower() or blocked.is_json  # a page, not a stack trace
    other_client = limited_app.test_client()
    # Another address (the account limit counts guesses at one address from anywhere, so use another one).
    data = {key: value.replace("@", "2@") for key, value in data.items()}
    other = other_client.post(path, data=data, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code != 429, "the limit is per client address, not global"


def test_rate_limit_counts_the_real_client_behind_a_trusted_proxy(tmp_path):
    app = _app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", TRUSTED_PROXIES=1)
    client = app.test_client()
    data = {"link-email": "siapa@example.id"}
    for _ in range(10):
        client.post("/peserta/masuk/tautan", data=data, headers={"X-Forwarded-For": "203.0.113.5"})
    assert client.post("/peserta/masuk/tautan", data=data,
                       headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 429
    # Another visitor behind the same proxy (same REMOTE_ADDR) is not blocked.
    assert client.post("/peserta/masuk/tautan", data=data,
                       headers={"X-Forwarded-For": "198.51.100.7"}).status_code != 429


def _session_cookie(response):
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def _staff_login(app):
    from bimtek.extensions import db

    with app.app_context():
        make_user("admin", email="admin.http@example.id")
        db.session.remove()
    client = app.test_client()
    response = client.post("/akun/masuk", data={"email": "admin.http@example.id", "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_session_cookie_is_httponly_and_samesite(tmp_path):
    cookie = _session_cookie(_staff_login(_app(tmp_path)))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain-HTTP demo keeps working


def test_session_cookie_is_secure_behind_https(tmp_path):
    app = _app(tmp_path, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, TRUSTED_PROXIES=1)
    cookie = _session_cookie(_staff_login(app))
    assert "Secure" in cookie and "HttpOnly" in cookie
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_trusted_proxy_gives_https_urls(tmp_path):
    app = _app(tmp_path, TRUSTED_PROXIES=1)
    response = app.test_client().get("/kelola", headers={"X-Forwarded-Proto": "https",
                                                         "X-Forwarded-Host": "bimtek.example.go.id"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(("https://bimtek.example.go.id/", "/akun/masuk"))


def test_untrusted_forwarded_headers_are_ignored(tmp_path):
    app = _app(tmp_path)  # TRUSTED_PROXIES=0: nobody may claim another address or scheme
    response = app.test_client().get("/kelola", headers={"X-Forwarded-Host": "evil.example"})
    assert "evil.example" not in response.headers.get("Location", "")


def _csp_directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/pelatihan", "/akun/masuk", "/peserta/masuk", "/privasi", "/tidak-ada",
                                  "/static/css/app.css", "/sehat", "/v/AAAAAAAAAAAAAAAA"])
def test_security_headers_on_every_kind_of_response(client, path):
    response = client.get(path)
    response.close()  # static files are streamed from an open file
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = _csp_directives(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert not any("unsafe" in value for values in csp.values() for value in values)
    assert response.headers["X-Frame-Options"] == "DENY"


def test_error_pages_show_no_stack_trace(client):
    body = client.get("/pelatihan/999999").get_data(as_text=True)
    assert "Traceback" not in body and "werkzeug" not in body.lower()


def _templates():
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "templates").rglob("*.svg")):
        name = path.relative_to(ROOT / "templates").as_posix()
        if name not in PDF_ONLY_TEMPLATES:
            yield name, path.read_text(encoding="utf-8")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]*\sstyle\s*=", re.I)
STYLE_TAG = re.compile(r"<style\b", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


@pytest.mark.parametrize("name,text", list(_templates()), ids=lambda v: v if isinstance(v, str) and len(v) < 80 else "")
def test_templates_are_csp_clean(name, text):
    """CSP script-src/style-src 'self' would block these, so none may exist in served templates."""
    for pattern, what in ((INLINE_SCRIPT, "inline <script> body"), (EVENT_HANDLER, "on* event handler attribute"),
                          (STYLE_ATTR, "style= attribute"), (STYLE_TAG, "<style> element"),
                          (JS_URL, "javascript: URL")):
        found = pattern.search(text)
        assert not found, f"{name}: {what}: {found.group(0)[:80]}"


def test_static_javascript_does_not_inject_inline_styles_or_eval():
    for path in (ROOT / "static" / "js").glob("*.js"):
        text = path.read_text(encoding="utf-8")
        for needle in ("eval(", "new Function(", 'setAttribute("style"', "setAttribute('style'", ".innerHTML ="):
            assert needle not in text, f"{path.name} uses {needle}"


def test_public_training_page_lists_no_participants(client, db):
    training = make_training(code="PUB")
    make_registration(training, name="Rahasia Peserta", email="rahasia@example.id", nip="198609262015051001")
    for path in (f"/pelatihan/{training.id}", "/pelatihan", "/", f"/pelatihan/{training.id}/jadwal.ics",
                 f"/pelatihan/{training.id}/sesi/{training.sessions[0].id}.ics", f"/pelatihan/{training.id}/daftar"):
        body = client.get(path).get_data(as_text=True)
        for secret in ("Rahasia Peserta", "rahasia@example.id", "198609262015051001", "PUB-0001"):
            assert secret not in body, f"{path} shows {secret}"


def test_registration_done_page_is_only_for_the_registrant(client, db):
    training = make_training(code="DON")
    make_registration(training, name="Rahasia Peserta", email="rahasia@example.id")
    body = client.get(f"/pelatihan/{training.id}/daftar/selesai").get_data(as_text=True)
    assert "Rahasia Peserta" not in body and "DON-0001" not in body
