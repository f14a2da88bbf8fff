"""Staff accounts: password reset by e-mail, admin reset, two-factor (TOTP + recovery codes), required 2FA policy."""
import re

import pyotp
import sqlalchemy as sa

from bimtek.accounts.models import Duty, Role, User
from bimtek.audit.models import AuditEntry
from tests.factories import PASSWORD, make_staff, make_training, make_user
from tests.integration.registration_helpers import latest_mail_body

NEW_PASSWORD = "kopi jendela merah sungai"


def _reset_path(db, address):
    return re.search(r"http://localhost(/akun/sandi-baru/\S+)", latest_mail_body(address)).group(1)


def test_forgot_password_link_sets_a_new_password_once(client, db):
    staff = make_user(Role.STAFF, email="panitia@example.id")
    page = client.post("/akun/lupa-sandi", data={"email": "PANITIA@example.id"}).get_data(as_text=True)
    unknown = client.post("/akun/lupa-sandi", data={"email": "siapa@example.id"}).get_data(as_text=True)
    assert page == unknown and "Jika alamat itu milik akun staf" in page
    assert "bukan akun staf" in latest_mail_body("siapa@example.id")
    path = _reset_path(db, "panitia@example.id")
    weak = client.post(path, data={"password": "password123"}, follow_redirects=True).get_data(as_text=True)
    assert "terlalu mudah ditebak" in weak
    assert client.post(path, data={"password": NEW_PASSWORD}).headers["Location"].endswith("/akun/masuk")
    assert client.post(path, data={"password": NEW_PASSWORD}).headers["Location"].endswith("/akun/lupa-sandi")
    assert client.post("/akun/masuk", data={"email": staff.email, "password": PASSWORD}).status_code == 400
    assert client.post("/akun/masuk", data={"email": staff.email, "password": NEW_PASSWORD}).status_code == 302


def test_admin_reset_stops_the_old_password_and_mails_a_link(app, client, db, login_as):
    admin, staff = make_user(Role.ADMIN), make_user(Role.STAFF, email="reviewer@example.id")
    login_as(admin)
    client.post(f"/kelola/pengguna/{staff.id}/reset")
    db.session.expire_all()
    assert db.session.get(User, staff.id).password_hash is None
    other = app.test_client()
    assert other.post("/akun/masuk", data={"email": staff.email, "password": PASSWORD}).status_code == 400
    assert other.post(_reset_path(db, "reviewer@example.id"), data={"password": NEW_PASSWORD}).status_code == 302
    assert "account.admin_reset" in db.session.scalars(sa.select(AuditEntry.action)).all()


def test_non_admin_staff_cannot_manage_accounts(client, db, login_as):
    staff, victim = make_user(Role.STAFF), make_user(Role.STAFF)
    login_as(staff)
    assert client.get("/kelola/pengguna").status_code == 403
    assert client.post(f"/kelola/pengguna/{victim.id}/nonaktifkan").status_code == 403
    db.session.expire_all()
    assert db.session.get(User, victim.id).is_active


def _enrol(client):
    page = client.get("/akun/dua-langkah/daftar").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    done = client.post("/akun/dua-langkah/daftar", data={"code": pyotp.TOTP(secret).now()}, follow_redirects=True)
    codes = re.findall(r"<code>([0-9a-f]{6}-[0-9a-f]{6})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def test_totp_enrolment_then_sign_in_needs_the_code(app, client, db):
    admin = make_user(Role.ADMIN, email="admin@example.id")
    client.post("/akun/masuk", data={"email": admin.email, "password": PASSWORD})
    secret, recovery = _enrol(client)
    browser = app.test_client()
    step = browser.post("/akun/masuk", data={"email": admin.email, "password": PASSWORD})
    assert step.headers["Location"].endswith("/akun/masuk/verifikasi")
    assert browser.get("/kelola").status_code == 302  # not signed in yet
    assert browser.post("/akun/masuk/verifikasi", data={"code": "000000"}).status_code == 400
    assert browser.post("/akun/masuk/verifikasi", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert browser.get("/kelola").status_code == 200
    phone_lost = app.test_client()
    phone_lost.post("/akun/masuk", data={"email": admin.email, "password": PASSWORD})
    assert phone_lost.post("/akun/masuk/verifikasi", data={"code": recovery[0]}).status_code == 302
    again = app.test_client()
    again.post("/akun/masuk", data={"email": admin.email, "password": PASSWORD})
    assert again.post("/akun/masuk/verifikasi", data={"code": recovery[0]}).status_code == 400  # single use
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "account.two_factor_enable" in actions and "account.recovery_code_used" in actions


def test_required_policy_makes_signers_enrol_at_their_next_sign_in(app, client, db, login_as):
    admin = make_user(Role.ADMIN)
    signer = make_staff(make_training(), Duty.PENANDATANGAN, email="ttd@example.id")
    panitia = make_user(Role.STAFF, email="panitia@example.id")
    login_as(admin)
    client.post("/kelola/pengguna/kebijakan", data={"require_two_factor": "y"})
    browser = app.test_client()
    step = browser.post("/akun/masuk", data={"email": signer.email, "password": PASSWORD})
    assert step.headers["Location"].endswith("/akun/dua-langkah/daftar")
    assert browser.get("/kelola").status_code == 302
    _enrol(browser)
    assert browser.get("/kelola").status_code == 200
    assert browser.post("/akun/dua-langkah/matikan", data={"password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, signer.id).has_two_factor  # refused: required for penandatangan
    plain = app.test_client()
    assert plain.post("/akun/masuk", data={"email": panitia.email, "password": PASSWORD}).headers[
        "Location"].endswith("/kelola")
