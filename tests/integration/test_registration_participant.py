"""Participant sign-in (one-time link or code, never number + e-mail), portal, self-service and IDOR protection."""
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bimtek.accounts.models import EmailToken
from bimtek.core.errors import ValidationError
from bimtek.core.models import now_utc
from bimtek.registration.models import Registration
from tests.factories import make_registration, sign_in
from tests.integration.registration_helpers import form, latest_mail_body, open_training, sign_in_code


def _link_from_outbox(db, address):
    return re.search(r"http://localhost(/peserta/masuk/t/\S+)", latest_mail_body(address)).group(1)


def test_magic_link_signs_in_once(client, db):
    training = open_training()
    make_registration(training, email="siti@example.id")
    response = client.post("/peserta/masuk/tautan", data={"link-email": "SITI@example.id"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/peserta/masuk/kode")
    path = _link_from_outbox(db, "siti@example.id")
    assert "Masuk sekarang" in client.get(path).get_data(as_text=True)  # GET does not consume
    assert db.session.scalar(sa.select(EmailToken.used_at)) is None
    response = client.post(path, data={"token": path.rsplit("/", 1)[1]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/peserta")
    assert training.name in client.get("/peserta").get_data(as_text=True)
    client.post("/akun/keluar")
    reused = client.post(path, data={"token": path.rsplit("/", 1)[1]}, follow_redirects=True)
    assert "sudah dipakai" in reused.get_data(as_text=True)
    assert client.get("/peserta").status_code == 302  # still signed out


def test_code_signs_in_only_in_the_browser_that_asked(app, client, db):
    training = open_training()
    make_registration(training, email="siti@example.id")
    client.post("/peserta/masuk/tautan", data={"link-email": "siti@example.id"})
    code = sign_in_code("siti@example.id")
    other = app.test_client()
    assert other.post("/peserta/masuk/kode", data={"code": code}).status_code == 400
    assert other.get("/peserta").status_code == 302
    response = client.post("/peserta/masuk/kode", data={"code": code})
    assert response.status_code == 302 and training.name in client.get("/peserta").get_data(as_text=True)


def test_code_guesses_are_limited(client, db):
    training = open_training()
    make_registration(training, email="siti@example.id")
    client.post("/peserta/masuk/tautan", data={"link-email": "siti@example.id"})
    code = sign_in_code("siti@example.id")
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    pages = [client.post("/peserta/masuk/kode", data={"code": wrong}).get_data(as_text=True) for _ in range(5)]
    assert all("Kode salah" in page for page in pages)
    assert "Terlalu banyak percobaan" in client.post("/peserta/masuk/kode", data={"code": code}).get_data(as_text=True)
    assert client.get("/peserta").status_code == 302


def test_token_hash_only_and_expiry(app, db):
    from bimtek.accounts import tokens

    training = open_training()
    user = make_registration(training, email="a@example.id").user
    start = now_utc()
    token, code = tokens.issue(tokens.PARTICIPANT, user, app.config["SECRET_KEY"], now=start)
    db.session.commit()
    stored = db.session.scalar(sa.select(EmailToken))
    assert token not in stored.nonce_hash and len(stored.nonce_hash) == 64 and code not in stored.code_hash
    with pytest.raises(ValidationError):
        tokens.consume_link(tokens.PARTICIPANT, token, app.config["SECRET_KEY"], now=start + timedelta(minutes=31))
    with pytest.raises(ValidationError):
        tokens.consume_link(tokens.PARTICIPANT, token[:-2] + "xx", app.config["SECRET_KEY"], now=start)
    with pytest.raises(ValidationError):  # a participant link is not a password-reset link
        tokens.consume_link(tokens.PASSWORD_RESET, token, app.config["SECRET_KEY"], now=start)
    assert tokens.consume_link(tokens.PARTICIPANT, token, app.config["SECRET_KEY"],
                               now=start + timedelta(minutes=5)) == user


def test_link_request_answers_unknown_addresses_the_same_way(client, db):
    training = open_training()
    make_registration(training, email="known@example.id")
    known = client.post("/peserta/masuk/tautan", data={"link-email": "known@example.id"})
    unknown = client.post("/peserta/masuk/tautan", data={"link-email": "nobody@example.id"})
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    assert "Jika nobody@example.id terdaftar" in client.get("/peserta/masuk/kode").get_data(as_text=True)
    assert "belum terdaftar" in latest_mail_body("nobody@example.id")  # a notice, no code, no link
    assert not re.search(r"/peserta/masuk/t/", latest_mail_body("nobody@example.id"))


def test_staff_accounts_cannot_use_participant_links(client, db):
    from bimtek.accounts.models import Role
    from tests.factories import make_user

    make_user(Role.ADMIN, email="admin@example.id")
    client.post("/peserta/masuk/tautan", data={"link-email": "admin@example.id"})
    body = latest_mail_body("admin@example.id")
    assert "akun staf" in body and "/peserta/masuk/t/" not in body


def test_number_and_email_alone_never_sign_in(client, db):
    training = open_training(code="SPP2031")
    reg = make_registration(training, email="b@example.id")
    response = client.post("/peserta/masuk/nomor", data={"nomor-number": reg.number, "nomor-email": "B@example.id"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/peserta/masuk/kode")
    assert client.get("/peserta").status_code == 302
    assert "/peserta/masuk/t/" in latest_mail_body("b@example.id")  # the owner's mailbox gets the way in


def _sign_in(login_as, registration):
    login_as(registration.user)


def test_participant_a_cannot_see_or_change_b(client, db, login_as):
    training = open_training()
    a = make_registration(training, email="a@example.id", name="Ani")
    b = make_registration(training, email="b@example.id", name="Bono")
    _sign_in(login_as, a)
    portal = client.get("/peserta").get_data(as_text=True)
    assert "Bono" not in portal and b.number not in portal
    assert client.get(f"/peserta/pendaftaran/{b.id}/ubah").status_code == 404
    assert client.post(f"/peserta/pendaftaran/{b.id}/ubah", data=form(nama_lengkap="Diretas")).status_code == 404
    assert client.post(f"/peserta/pendaftaran/{b.id}/batal").status_code == 404
    assert client.post(f"/peserta/pendaftaran/{b.id}/hapus").status_code == 404
    exported = json.loads(client.get("/peserta/data-saya.json").get_data(as_text=True))
    assert [r["number"] for r in exported["pendaftaran"]] == [a.number]
    assert client.get(f"/kelola/pelatihan/{training.id}/peserta").status_code == 403
    db.session.expire_all()
    assert (b.nama_lengkap, b.status, b.deletion_requested_at) == ("Bono", "registered", None)


def test_portal_requires_sign_in(client, db):
    assert client.get("/peserta").headers["Location"].endswith("/peserta/masuk?next=/peserta")
    assert client.get("/peserta/data-saya.json").status_code == 302


def test_participant_corrects_data_and_withdraws_promoting_next(client, db, login_as):
    training = open_training(capacity=1)
    a = make_registration(training, email="a@example.id")
    waiting = make_registration(training, email="w@example.id", status="waiting", waitlist_at=now_utc())
    _sign_in(login_as, a)
    response = client.post(f"/peserta/pendaftaran/{a.id}/ubah", data=form(nama_lengkap="Ani Rahmawati, S.Pd."))
    assert response.status_code == 302
    client.post(f"/peserta/pendaftaran/{a.id}/batal")
    db.session.expire_all()
    assert (a.nama_lengkap, a.email, a.status) == ("Ani Rahmawati, S.Pd.", "a@example.id", "withdrawn")
    assert waiting.status == "registered"


def test_withdraw_refused_after_training_started(client, db, login_as):
    from datetime import date

    training = open_training(start=date.today() - timedelta(days=1), days=3)
    a = make_registration(training, email="a@example.id")
    _sign_in(login_as, a)
    client.post(f"/peserta/pendaftaran/{a.id}/batal")
    db.session.expire_all()
    assert a.status == "registered"


def test_deletion_request_then_organizer_anonymises(client, db, login_as):
    from bimtek.accounts.models import Duty
    from tests.factories import make_staff

    training = open_training()
    a = make_registration(training, email="a@example.id", name="Ani", nip="198609262015052001")
    _sign_in(login_as, a)
    client.post(f"/peserta/pendaftaran/{a.id}/hapus")
    db.session.expire_all()
    assert a.deletion_requested_at is not None
    login_as(make_staff(training, Duty.PANITIA))
    assert "Minta hapus data" in client.get(f"/kelola/pelatihan/{training.id}/peserta?hapus=1").get_data(as_text=True)
    client.post(f"/kelola/pelatihan/{training.id}/peserta/{a.id}/anonimkan")
    db.session.expire_all()
    row = db.session.get(Registration, a.id)
    assert (row.nama_lengkap, row.nip, row.user_id, row.status) == ("(data dihapus)", None, None, "withdrawn")
    assert row.anonymized_at is not None and "ani" not in row.email


def test_participant_forms_reject_missing_csrf(csrf_app, db, login_as):
    training = open_training()
    a = make_registration(training, email="a@example.id")
    client = csrf_app.test_client()
    sign_in(client, a.user)
    assert client.post(f"/peserta/pendaftaran/{a.id}/batal").status_code == 400
    assert client.post(f"/peserta/pendaftaran/{a.id}/ubah", data=form()).status_code == 400
    db.session.expire_all()
    assert a.status == "registered"
