"""RTL participant form and the whole cycle: draft → diajukan → perlu revisi → diajukan → disetujui."""
import json

import pytest
import sqlalchemy as sa

from bimtek.accounts.models import Role
from bimtek.action_plans import plan_rows, services, workflow
from bimtek.action_plans.models import ActionPlan
from bimtek.audit.models import AuditEntry
from tests.factories import make_registration, make_staff, make_training, make_user

LAYANAN, PELIBATAN, ADVOKASI = plan_rows.TPBIS_STRATEGIES


def valid_rows():
    return plan_rows.assign_keys([
        plan_rows.PlanRow(strategy, f"Kegiatan {n}", "Tujuan", "Warga desa", "Agustus 2020", "Pengelola",
                          "20 peserta", "Dana Desa", "Karang Taruna")
        for n, strategy in enumerate(plan_rows.TPBIS_STRATEGIES, start=1)])


def form(rows, **extra):
    data = plan_rows.form_data(rows)
    data.update(extra)
    return data


@pytest.fixture
def setup(db):
    training = make_training(code="SPP2020")
    registration = make_registration(training, kabupaten="Bangka Barat", instansi="Perpustakaan Desa Kundi")
    reviewer = make_staff(training, "reviewer")
    return training, registration, reviewer


def url(registration, suffix=""):
    return f"/peserta/rtl/{registration.id}{suffix}"


def plan_of(db, registration):
    return db.session.scalar(sa.select(ActionPlan).where(ActionPlan.registration_id == registration.id))


def test_new_plan_shows_one_blank_row_per_strategy(client, login_as, setup):
    _, registration, _ = setup
    login_as(registration.user)
    page = client.get(url(registration)).get_data(as_text=True)
    assert "RTL saya" in page and "Tambah kegiatan" in page and "Ajukan RTL" in page
    assert page.count('name="rows-2-kegiatan"') == 1 and 'name="rows-3-kegiatan"' not in page
    assert "js/action_plans.js" in page and "<script>" not in page


def test_save_draft_then_submit_creates_version_event_and_audit(client, login_as, db, setup):
    _, registration, _ = setup
    login_as(registration.user)
    response = client.post(url(registration), data=form(valid_rows()[:1], action="save"))
    assert response.status_code == 302
    plan = plan_of(db, registration)
    assert plan.status == workflow.DRAFT and len(plan.rows) == 1 and plan.versions == []
    response = client.post(url(registration), data=form(valid_rows(), action="submit"), follow_redirects=True)
    assert "RTL diajukan" in response.get_data(as_text=True)
    db.session.expire_all()
    plan = plan_of(db, registration)
    assert plan.status == workflow.DIAJUKAN
    assert [v.number for v in plan.versions] == [1] and len(plan.versions[0].rows) == 3
    assert [(e.action, e.from_status, e.to_status) for e in plan.events] == [("submit", "draft", "diajukan")]
    assert plan.events[0].actor_id == registration.user_id
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "action_plan.submit"))


def test_submit_shows_indonesian_validation_messages_and_keeps_draft(client, login_as, db, setup):
    _, registration, _ = setup
    login_as(registration.user)
    rows = valid_rows()
    rows[1].tujuan = ""
    rows[2].strategi = "Strategi Palsu"
    response = client.post(url(registration), data=form(rows, action="submit"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Baris 2: Tujuan wajib diisi." in page
    assert "Baris 3: Strategi harus salah satu dari" in page
    plan = plan_of(db, registration)
    assert plan.status == workflow.DRAFT and plan.versions == [] and len(plan.rows) == 3


def test_empty_plan_cannot_be_submitted(client, login_as, db, setup):
    _, registration, _ = setup
    login_as(registration.user)
    page = client.post(url(registration), data={"action": "submit"}).get_data(as_text=True)
    assert "RTL harus berisi minimal satu kegiatan." in page


def test_require_each_strategy_setting(client, login_as, db, setup):
    training, registration, reviewer = setup
    admin = make_user(Role.ADMIN)
    services.save_settings(admin, training, True, "\n".join(plan_rows.TPBIS_STRATEGIES), True)
    db.session.commit()
    login_as(registration.user)
    page = client.post(url(registration), data=form(valid_rows()[:2], action="submit")).get_data(as_text=True)
    assert "Belum ada kegiatan untuk strategi Advokasi dan Kemitraan" in page


@pytest.mark.parametrize("button, expected", [
    ("add", ["Kegiatan 1", "Kegiatan 2", "Kegiatan 3", ""]),
    ("remove-1", ["Kegiatan 1", "Kegiatan 3"]),
    ("up-2", ["Kegiatan 1", "Kegiatan 3", "Kegiatan 2"]),
    ("down-0", ["Kegiatan 2", "Kegiatan 1", "Kegiatan 3"]),
])
def test_row_buttons_work_without_javascript(client, login_as, db, setup, button, expected):
    _, registration, _ = setup
    login_as(registration.user)
    rows = valid_rows()
    response = client.post(url(registration), data=form(rows, row_action=button, action="submit"))
    assert response.status_code == 302 and "#baris" in response.headers["Location"] or "#rtl-rows" in \
        response.headers["Location"]
    plan = plan_of(db, registration)
    assert plan.status == workflow.DRAFT  # a row button never submits
    assert [row.kegiatan for row in plan.plan_rows] == expected
    keys = [row.key for row in plan.plan_rows]
    assert len(set(keys)) == len(keys)
    page = client.get(url(registration)).get_data(as_text=True)
    assert f'name="rows-{len(expected) - 1}-kegiatan"' in page


def test_autosave_endpoint_returns_json(client, login_as, db, setup):
    _, registration, _ = setup
    login_as(registration.user)
    response = client.post(url(registration, "/draf"), data=form(valid_rows()[:2]),
                           headers={"Accept": "application/json"})
    assert response.status_code == 200 and json.loads(response.data)["ok"] is True
    assert "Draf tersimpan otomatis" in json.loads(response.data)["message"]
    assert len(plan_of(db, registration).rows) == 2


def test_full_cycle_with_revision_versions_diff_and_mails(client, login_as, db, setup):
    training, registration, reviewer = setup
    login_as(registration.user)
    client.post(url(registration), data=form(valid_rows(), action="submit"))
    plan = plan_of(db, registration)
    login_as(reviewer)
    key = plan.plan_rows[1].key
    response = client.post(f"/kelola/pelatihan/{training.id}/rtl/{plan.id}/keputusan", data={
        "action": "request_revision", "note": "Indikator belum terukur.", f"row_note-{key}": "Tulis angka target."})
    assert response.status_code == 302
    db.session.expire_all()
    plan = plan_of(db, registration)
    assert plan.status == workflow.PERLU_REVISI and plan.row_notes == {key: "Tulis angka target."}
    assert services.rtl_status_for(registration) == (False, "RTL belum disetujui (status: Perlu Revisi)")
    login_as(registration.user)
    page = client.get(url(registration)).get_data(as_text=True)
    assert "Indikator belum terukur." in page and "Tulis angka target." in page and "Ajukan RTL" in page
    rows = plan.plan_rows
    rows[1].indikator_keberhasilan = "50 warga hadir"
    rows.append(plan_rows.PlanRow(LAYANAN, "Kegiatan baru", "T", "S", "Mei 2021", "PJ", "I", "", "", key=""))
    client.post(url(registration), data=form(rows, action="submit"))
    db.session.expire_all()
    plan = plan_of(db, registration)
    assert plan.status == workflow.DIAJUKAN and [v.number for v in plan.versions] == [1, 2]
    login_as(reviewer)
    page = client.get(f"/kelola/pelatihan/{training.id}/rtl/{plan.id}").get_data(as_text=True)
    assert "Perubahan sejak versi 1" in page
    assert "Indikator Keberhasilan: \u201c20 peserta\u201d \u2192 \u201c50 warga hadir\u201d" in page
    assert "Baris 4 ditambahkan: Kegiatan baru" in page
    client.post(f"/kelola/pelatihan/{training.id}/rtl/{plan.id}/keputusan", data={"action": "approve", "note": ""})
    db.session.expire_all()
    plan = plan_of(db, registration)
    assert plan.status == workflow.DISETUJUI
    assert [e.to_status for e in plan.events] == ["diajukan", "perlu_revisi", "diajukan", "disetujui"]
    assert services.rtl_status_for(registration) == (True, "RTL disetujui")
    subjects = _outbox_subjects(db, registration.email)
    assert any("RTL Anda perlu direvisi" in s for s in subjects)
    assert any("RTL Anda disetujui" in s for s in subjects)


def _outbox_subjects(db, email):
    from bimtek.mail.models import OutboxMessage

    return [m.subject for m in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == email))]


def test_revision_mail_lists_notes(client, login_as, db, setup):
    training, registration, reviewer = setup
    login_as(registration.user)
    client.post(url(registration), data=form(valid_rows(), action="submit"))
    plan = plan_of(db, registration)
    login_as(reviewer)
    key = plan.plan_rows[0].key
    client.post(f"/kelola/pelatihan/{training.id}/rtl/{plan.id}/keputusan", data={
        "action": "request_revision", "note": "Perbaiki <b>sasaran</b>.", f"row_note-{key}": "Terlalu umum."})
    from bimtek.mail.models import OutboxMessage

    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == registration.email))
    body = message.raw.decode("utf-8", "replace")
    assert "Perbaiki <b>sasaran</b>." in body or "Perbaiki" in body
    assert "Kegiatan 1 (Kegiatan 1): Terlalu umum." in body or "Terlalu umum." in body
    assert f"/peserta/rtl/{registration.id}" in body


def test_rtl_not_required_is_eligible(db, setup):
    training, registration, _ = setup
    assert services.rtl_status_for(registration) == (False, "RTL belum diisi")
    services.save_settings(make_user(Role.ADMIN), training, False, "A\nB", False)
    db.session.commit()
    assert services.rtl_status_for(registration)[0] is True


def test_deadline_blocks_first_submission_but_not_revision(client, login_as, db, setup):
    from datetime import datetime, timezone

    training, registration, reviewer = setup
    past = datetime(2020, 8, 1, tzinfo=timezone.utc)
    services.save_settings(make_user(Role.ADMIN), training, True, "\n".join(plan_rows.TPBIS_STRATEGIES), False,
                           closes_at=past)
    db.session.commit()
    login_as(registration.user)
    response = client.post(url(registration), data=form(valid_rows(), action="submit"), follow_redirects=True)
    assert "Batas waktu pengisian RTL sudah lewat." in response.get_data(as_text=True)
    assert plan_of(db, registration) is None
