"""Issue 11, finding 1: knowing someone's e-mail (and a registration number) must not make you that person.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

import sqlalchemy as sa

from bimtek.mail.models import OutboxMessage
from bimtek.registration.models import Registration
from tests.factories import make_registration, make_training
from tests.integration.registration_helpers import form, open_training, sign_in_code


def _victim(db):
    past = make_training(code="SPP2020")
    victim = make_registration(past, email="korban@example.id", name="Korban Asli", phone="081299990000",
                               nip="198609262015052001", jabatan="Pustakawan")
    return past, victim


def test_registering_with_a_victims_email_reaches_nothing_of_theirs(app, db):
    past, victim = _victim(db)
    upcoming = open_training(code="SPP2027")
    attacker = app.test_client()
    done = attacker.post(f"/pelatihan/{upcoming.id}/daftar",
                         data=form(email="KORBAN@example.id", nama_lengkap="Penyusup"))
    assert done.status_code == 302
    page = attacker.get(done.headers["Location"]).get_data(as_text=True)
    new = db.session.scalar(sa.select(Registration).where(Registration.training_id == upcoming.id))
    assert new.number not in page, "the confirmation page must not hand out the number"
    # The old attack: number + e-mail. It now only mails the owner; this browser stays a stranger.
    attempt = attacker.post("/peserta/masuk/nomor",
                            data={"nomor-number": new.number, "nomor-email": "korban@example.id"})
    assert attempt.status_code == 302 and attempt.headers["Location"].endswith("/peserta/masuk/kode")
    for path in ("/peserta", "/peserta/data-saya.json", f"/peserta/pendaftaran/{victim.id}/ubah",
                 f"/peserta/rtl/{victim.id}"):
        response = attacker.get(path)
        assert response.status_code == 302 and "/peserta/masuk" in response.headers["Location"], path
    for path in (f"/peserta/pendaftaran/{victim.id}/batal", f"/peserta/pendaftaran/{victim.id}/hapus"):
        assert attacker.post(path).status_code == 302
    db.session.expire_all()
    assert (victim.status, victim.deletion_requested_at) == ("registered", None)


def test_a_code_mailed_to_the_victim_is_useless_in_the_attackers_browser(app, db):
    _past, _victim_registration = _victim(db)
    attacker = app.test_client()
    attacker.post("/peserta/masuk/tautan", data={"link-email": "korban@example.id"})
    # The attacker does not see the victim's mailbox; guessing is capped at five tries per code.
    for guess in ("000000", "123456", "111111", "999999", "654321", "000001"):
        attacker.post("/peserta/masuk/kode", data={"code": guess})
    assert attacker.get("/peserta").status_code == 302


def test_the_real_owner_later_sees_the_strangers_registration_and_can_cancel_it(app, db):
    _victim(db)
    upcoming = open_training(code="SPP2027")
    app.test_client().post(f"/pelatihan/{upcoming.id}/daftar", data=form(email="korban@example.id"))
    owner = app.test_client()
    owner.post("/peserta/masuk/tautan", data={"link-email": "korban@example.id"})
    assert owner.post("/peserta/masuk/kode", data={"code": sign_in_code("korban@example.id")}).status_code == 302
    portal = owner.get("/peserta").get_data(as_text=True)
    assert "SPP2027" in portal and "SPP2020" in portal


def test_status_mail_tells_a_non_registrant_that_nobody_can_sign_in_without_the_mailbox(app, db):
    upcoming = open_training(code="SPP2028")
    app.test_client().post(f"/pelatihan/{upcoming.id}/daftar", data=form(email="orang@example.id"))
    raw = db.session.scalars(sa.select(OutboxMessage.raw)).first().decode("utf-8", "replace")
    assert "nomor registrasi" not in raw.lower().split("untuk masuk")[-1][:200]
