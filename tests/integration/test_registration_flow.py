"""Public registration, NIP rules, duplicates, moderation, waiting list and audit."""
import sqlalchemy as sa

from bimtek.accounts.models import Duty
from bimtek.audit.models import AuditEntry
from bimtek.mail.models import OutboxMessage
from bimtek.registration.models import Registration
from tests.factories import make_registration, make_staff
from tests.integration.registration_helpers import form, open_training


def _regs(db, training):
    return db.session.scalars(sa.select(Registration).where(Registration.training_id == training.id)
                              .order_by(Registration.seq)).all()


def _mails(db, to=None):
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.recipient == to)
    return db.session.scalars(query).all()


def test_register_happy_path_number_mail_with_ics(client, db):
    training = open_training(code="SPP2030", organizer_unit="Dinas Perpustakaan Kabupaten Bangka")
    page = client.get(f"/pelatihan/{training.id}/daftar").get_data(as_text=True)
    assert "Pengendali data pribadi" in page and "Dinas Perpustakaan Kabupaten Bangka" in page
    response = client.post(f"/pelatihan/{training.id}/daftar", data=form(email="Siti@Example.ID"))
    assert response.status_code == 302
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "periksa email Anda" in done and "siti@example.id" in done
    (reg,) = _regs(db, training)
    assert (reg.number, reg.status, reg.email, reg.phone) == ("SPP2030-0001", "registered", "siti@example.id",
                                                              "+6281234567890")
    assert reg.consent_at is not None and reg.user.role == "peserta"
    (mail,) = _mails(db)
    raw = mail.raw.decode()
    assert mail.recipient == "siti@example.id" and "SPP2030-0001" in mail.subject
    assert "text/calendar" in raw and 'filename="SPP2030.ics"' in raw and "JADWAL" in raw


def test_consent_is_required(client, db):
    training = open_training()
    data = form()
    del data["consent"]
    response = client.post(f"/pelatihan/{training.id}/daftar", data=data)
    assert response.status_code == 400
    assert "Persetujuan wajib dicentang" in response.get_data(as_text=True)
    assert _regs(db, training) == []


def test_nip_is_normalised_and_impossible_dates_rejected(client, db):
    training = open_training()
    bad = client.post(f"/pelatihan/{training.id}/daftar", data=form(nip="19861326 201505 2 001"))
    assert bad.status_code == 400 and "bukan tanggal yang valid" in bad.get_data(as_text=True)
    short = client.post(f"/pelatihan/{training.id}/daftar", data=form(nip="1986 0926"))
    assert "NIP harus 18 digit" in short.get_data(as_text=True)
    assert _regs(db, training) == []
    ok = client.post(f"/pelatihan/{training.id}/daftar", data=form(nip="19860926 201505 2 001", pangkat="III/a"))
    assert ok.status_code == 302
    (reg,) = _regs(db, training)
    assert (reg.nip, reg.pangkat) == ("198609262015052001", "III/a")


def test_gender_digit_mismatch_warns_but_registers(client, db):
    training = open_training()
    response = client.post(f"/pelatihan/{training.id}/daftar", data=form(nip="198609262015051001"),
                           follow_redirects=True)
    assert response.status_code == 200
    assert "tidak sesuai" in response.get_data(as_text=True)
    assert len(_regs(db, training)) == 1


def test_unknown_pangkat_is_refused(client, db):
    training = open_training()
    response = client.post(f"/pelatihan/{training.id}/daftar", data=form(pangkat="V/z"))
    assert response.status_code == 400 and _regs(db, training) == []


def test_closed_window_shows_no_form_and_refuses_posts(client, db):
    from datetime import timedelta

    from bimtek.core.models import now_utc

    training = open_training(registration_closes_at=now_utc() - timedelta(hours=1))
    assert "Pendaftaran tidak dibuka" in client.get(f"/pelatihan/{training.id}/daftar").get_data(as_text=True)
    client.post(f"/pelatihan/{training.id}/daftar", data=form())
    assert _regs(db, training) == []


def test_unpublished_training_is_404(client, db):
    training = open_training(is_published=False)
    assert client.get(f"/pelatihan/{training.id}/daftar").status_code == 404


def test_duplicate_email_looks_like_a_new_registration_and_mails_the_owner(client, db):
    training = open_training()
    first = client.post(f"/pelatihan/{training.id}/daftar", data=form())
    first_page = client.get(first.headers["Location"]).get_data(as_text=True)
    again = client.post(f"/pelatihan/{training.id}/daftar", data=form(email=" SITI@example.id "))
    assert (again.status_code, again.headers["Location"]) == (first.status_code, first.headers["Location"])
    assert client.get(again.headers["Location"]).get_data(as_text=True) == first_page
    assert len(_regs(db, training)) == 1
    duplicate = _mails(db, "siti@example.id")[-1]
    assert duplicate.subject.startswith("Anda sudah terdaftar") and b"/peserta/masuk/t/" in duplicate.raw


def test_database_enforces_one_active_registration_per_email(db):
    import pytest
    from sqlalchemy.exc import IntegrityError

    training = open_training()
    make_registration(training, email="a@example.id")
    with pytest.raises(IntegrityError):
        make_registration(training, email="a@example.id")
    db.session.rollback()
    make_registration(training, email="b@example.id", status="withdrawn")
    make_registration(training, email="b@example.id")  # withdrawn ones do not block


def test_waiting_list_and_promotion_mail_on_withdrawal(client, db, login_as):
    training = open_training(capacity=2)
    for i in range(4):
        assert client.post(f"/pelatihan/{training.id}/daftar", data=form(email=f"p{i}@example.id")).status_code == 302
    assert [r.status for r in _regs(db, training)] == ["registered", "registered", "waiting", "waiting"]
    panitia = make_staff(training, Duty.PANITIA)
    login_as(panitia)
    first = _regs(db, training)[0]
    client.post(f"/kelola/pelatihan/{training.id}/peserta/{first.id}/status", data={"action": "withdraw"})
    db.session.expire_all()
    assert [r.status for r in _regs(db, training)] == ["withdrawn", "registered", "registered", "waiting"]
    promoted_mail = [m for m in _mails(db, "p2@example.id") if "mendapat kursi" in m.subject]
    assert promoted_mail and "text/calendar" in promoted_mail[0].raw.decode()
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.training_id == training.id)).all()
    assert "registration.withdraw" in actions and "registration.promote" in actions


def test_raised_capacity_fills_seats_from_the_waiting_list_in_order(client, db, login_as):
    training = open_training(capacity=1)
    for i in range(4):
        assert client.post(f"/pelatihan/{training.id}/daftar", data=form(email=f"w{i}@example.id")).status_code == 302
    training.capacity = 3
    db.session.commit()
    login_as(make_staff(training, Duty.PANITIA))
    response = client.post(f"/kelola/pelatihan/{training.id}/peserta/promosi", follow_redirects=True)
    assert "2 peserta naik dari daftar tunggu." in response.get_data(as_text=True)
    db.session.expire_all()
    assert [r.status for r in _regs(db, training)] == ["registered", "registered", "registered", "waiting"]


def test_moderation_pending_approve_reject_with_reason(client, db, login_as):
    training = open_training(requires_approval=True, capacity=1)
    client.post(f"/pelatihan/{training.id}/daftar", data=form(email="a@example.id"))
    client.post(f"/pelatihan/{training.id}/daftar", data=form(email="b@example.id"))
    a, b = _regs(db, training)
    assert (a.status, b.status) == ("pending", "waiting")
    login_as(make_staff(training, Duty.PANITIA))
    url = f"/kelola/pelatihan/{training.id}/peserta/{a.id}/status"
    client.post(url, data={"action": "reject"})  # reason missing -> refused
    db.session.expire_all()
    assert a.status == "pending"
    client.post(url, data={"action": "reject", "reason": "Bukan pengelola perpustakaan"})
    db.session.expire_all()
    assert (a.status, a.status_reason, b.status) == ("rejected", "Bukan pengelola perpustakaan", "pending")
    client.post(f"/kelola/pelatihan/{training.id}/peserta/{b.id}/status", data={"action": "approve"})
    db.session.expire_all()
    assert b.status == "registered"
    assert any("ditolak" in m.subject for m in _mails(db, "a@example.id"))
    assert any("disetujui" in m.subject for m in _mails(db, "b@example.id"))


def test_bulk_approve(client, db, login_as):
    training = open_training(requires_approval=True)
    regs = [make_registration(training, status="pending") for _ in range(3)]
    login_as(make_staff(training, Duty.PANITIA))
    client.post(f"/kelola/pelatihan/{training.id}/peserta/massal",
                data={"action": "approve", "ids": [r.id for r in regs[:2]]})
    db.session.expire_all()
    assert [r.status for r in regs] == ["registered", "registered", "pending"]


def test_roster_access_is_limited_to_panitia_and_admin(client, db, login_as):
    training = open_training()
    other = open_training()
    login_as(make_staff(training, Duty.REVIEWER))
    assert client.get(f"/kelola/pelatihan/{training.id}/peserta").status_code == 403
    login_as(make_staff(other, Duty.PANITIA))
    assert client.get(f"/kelola/pelatihan/{training.id}/peserta").status_code == 403
    reg = make_registration(training)
    response = client.post(f"/kelola/pelatihan/{training.id}/peserta/{reg.id}/status", data={"action": "withdraw"})
    assert response.status_code == 403
    db.session.expire_all()
    assert reg.status == "registered"


def test_roster_search_and_filters(client, db, login_as):
    training = open_training()
    make_registration(training, name="Budi Santoso", kabupaten="Bangka Barat", instansi="Perpustakaan Desa A")
    make_registration(training, name="Dewi Lestari", kabupaten="Belitung", instansi="TBM Pelangi", status="waiting")
    login_as(make_staff(training, Duty.PANITIA))
    base = f"/kelola/pelatihan/{training.id}/peserta"
    assert "Dewi Lestari" not in client.get(base + "?q=budi").get_data(as_text=True)
    page = client.get(base + "?kabupaten=Belitung").get_data(as_text=True)
    assert "Dewi Lestari" in page and "Budi Santoso" not in page
    page = client.get(base + "?status=registered").get_data(as_text=True)
    assert "Budi Santoso" in page and "Dewi Lestari" not in page
    assert "Budi" not in client.get(base + "?instansi=TBM+Pelangi").get_data(as_text=True)


def test_registration_form_rejects_missing_csrf(csrf_app, db):
    training = open_training()
    client = csrf_app.test_client()
    response = client.post(f"/pelatihan/{training.id}/daftar", data=form())
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    assert _regs(db, training) == []
    for url in ("/peserta/masuk/tautan", "/peserta/masuk/nomor"):
        assert client.post(url, data={"link-email": "x@example.id"}).status_code == 400
