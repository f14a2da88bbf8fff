"""Issue 11, finding 2: a copied session cookie stops working after logout, a password change, a deactivation
and "keluar dari semua perangkat" (server-side sessions; SQLite and PostgreSQL)."""

import sqlalchemy as sa

from bimtek.accounts.models import AuthSession, Role
from bimtek.audit.models import AuditEntry
from tests.factories import PASSWORD, make_registration, make_user
from tests.integration.registration_helpers import open_training, sign_in_code

NEW_PASSWORD = "kopi jendela merah sungai"


def _staff_login(client, user, password=PASSWORD):
    response = client.post("/akun/masuk", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return _cookie(client)


def _cookie(client):
    return client.get_cookie("session").value


def _replay(app, cookie, path):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get(path)


def test_logout_ends_the_session_on_the_server(app, client, db):
    admin = make_user(Role.ADMIN)
    cookie = _staff_login(client, admin)
    assert _replay(app, cookie, "/kelola").status_code == 200
    client.post("/akun/keluar")
    assert _replay(app, cookie, "/kelola").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(AuthSession.id))) == 0


def test_password_change_ends_every_earlier_session(app, client, db):
    admin = make_user(Role.ADMIN)
    laptop = _staff_login(client, admin)
    phone_client = app.test_client()
    phone = _staff_login(phone_client, admin)
    response = client.post("/akun/kata-sandi", data={"current": PASSWORD, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert _replay(app, laptop, "/kelola").status_code == 302
    assert _replay(app, phone, "/kelola").status_code == 302
    assert client.get("/kelola").status_code == 200  # this browser continues on a fresh session
    assert "Kata sandi" in db.session.scalars(sa.select(AuditEntry.summary)).all()[-1]


def test_weak_new_password_is_refused_in_indonesian(client, db):
    admin = make_user(Role.ADMIN)
    _staff_login(client, admin)
    page = client.post("/akun/kata-sandi", data={"current": PASSWORD, "password": "password123"},
                       follow_redirects=True).get_data(as_text=True)
    assert "terlalu mudah ditebak" in page


def test_deactivation_logs_the_person_out_at_once(app, client, db):
    admin, staff = make_user(Role.ADMIN), make_user(Role.STAFF)
    staff_client = app.test_client()
    cookie = _staff_login(staff_client, staff)
    _staff_login(client, admin)
    assert client.post(f"/kelola/pengguna/{staff.id}/nonaktifkan").status_code == 302
    assert _replay(app, cookie, "/kelola").status_code == 302
    page = app.test_client().post("/akun/masuk", data={"email": staff.email, "password": PASSWORD})
    assert page.status_code == 400  # refused while inactive
    client.post(f"/kelola/pengguna/{staff.id}/aktifkan")
    _staff_login(app.test_client(), staff)
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "account.deactivate" in actions and "account.reactivate" in actions


def test_participant_signs_out_everywhere(app, client, db):
    training = open_training()
    registration = make_registration(training, email="ani@example.id")
    cookies = []
    for _ in range(2):
        browser = app.test_client()
        browser.post("/peserta/masuk/tautan", data={"link-email": "ani@example.id"})
        assert browser.post("/peserta/masuk/kode", data={"code": sign_in_code("ani@example.id")}).status_code == 302
        cookies.append((browser, _cookie(browser)))
    (first, first_cookie), (second, second_cookie) = cookies
    assert _replay(app, second_cookie, "/peserta").status_code == 200
    first.post("/peserta/keluar-semua")
    for cookie in (first_cookie, second_cookie):
        assert _replay(app, cookie, "/peserta").status_code == 302
    assert registration.number not in _replay(app, second_cookie, "/peserta/data-saya.json").get_data(as_text=True)


def test_old_style_cookie_with_a_bare_user_id_is_refused(app, db):
    admin = make_user(Role.ADMIN)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(admin.id)
    assert client.get("/kelola").status_code == 302
