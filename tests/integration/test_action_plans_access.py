"""Who may touch which RTL: own plan only, only in draft/perlu revisi; reviewers only of their trainings."""
import pytest
import sqlalchemy as sa

from bimtek.accounts.models import Role
from bimtek.action_plans import services, workflow
from bimtek.action_plans.models import ActionPlan
from tests.factories import make_registration, make_staff, make_training, make_user, sign_in
from tests.integration.test_action_plans_workflow import form, valid_rows


@pytest.fixture
def two(db):
    a, b = make_training(code="AAA"), make_training(code="BBB")
    reg_a, other_a = make_registration(a), make_registration(a)
    reg_b = make_registration(b)
    return {"a": a, "b": b, "reg_a": reg_a, "other_a": other_a, "reg_b": reg_b,
            "rev_a": make_staff(a, "reviewer"), "rev_b": make_staff(b, "reviewer"),
            "panitia_a": make_staff(a, "panitia")}


def submitted(db, registration):
    services.submit_plan(registration.user, registration, valid_rows())
    db.session.commit()
    return db.session.scalar(sa.select(ActionPlan).where(ActionPlan.registration_id == registration.id))


def test_anonymous_is_sent_to_login(client, two):
    response = client.get(f"/peserta/rtl/{two['reg_a'].id}")
    assert response.status_code in (302, 401)


@pytest.mark.parametrize("path", ["", "/draf"])
def test_participant_cannot_touch_another_participants_plan(client, login_as, two, path):
    login_as(two["other_a"].user)
    method = client.post if path else client.get
    assert method(f"/peserta/rtl/{two['reg_a'].id}{path}").status_code == 403


def test_participant_cannot_read_another_plans_pdf_or_attachment(client, login_as, db, two):
    submitted(db, two["reg_a"])
    login_as(two["other_a"].user)
    assert client.get(f"/rtl/{two['reg_a'].id}/rtl.pdf").status_code == 403
    assert client.get(f"/rtl/{two['reg_a'].id}/lampiran").status_code == 403


def test_staff_cannot_write_a_participants_plan(client, login_as, two):
    login_as(two["rev_a"])
    assert client.post(f"/peserta/rtl/{two['reg_a'].id}", data=form(valid_rows())).status_code == 403


@pytest.mark.parametrize("status", [workflow.DIAJUKAN, workflow.DISETUJUI])
def test_participant_cannot_edit_locked_plan(client, login_as, db, two, status):
    plan = submitted(db, two["reg_a"])
    if status == workflow.DISETUJUI:
        services.decide(two["rev_a"], plan, workflow.APPROVE)
        db.session.commit()
    login_as(two["reg_a"].user)
    rows = valid_rows()
    rows[0].kegiatan = "Diubah diam-diam"
    response = client.post(f"/peserta/rtl/{two['reg_a'].id}", data=form(rows, action="save"), follow_redirects=True)
    assert "tidak dapat diubah" in response.get_data(as_text=True)
    assert client.post(f"/peserta/rtl/{two['reg_a'].id}/draf", data=form(rows)).status_code == 409
    response = client.post(f"/peserta/rtl/{two['reg_a'].id}", data=form(rows, action="submit"), follow_redirects=True)
    db.session.expire_all()
    plan = db.session.get(ActionPlan, plan.id)
    assert plan.status == status and "Diubah diam-diam" not in str(plan.rows)
    assert all("Diubah diam-diam" not in str(v.rows) for v in plan.versions)


def test_approved_plan_cannot_be_reviewed_again(client, login_as, db, two):
    plan = submitted(db, two["reg_a"])
    services.decide(two["rev_a"], plan, workflow.APPROVE)
    db.session.commit()
    login_as(two["rev_a"])
    response = client.post(f"/kelola/pelatihan/{two['a'].id}/rtl/{plan.id}/keputusan",
                           data={"action": "request_revision", "note": "x"}, follow_redirects=True)
    assert "RTL sudah disetujui dan tidak dapat diubah lagi." in response.get_data(as_text=True)
    assert db.session.get(ActionPlan, plan.id).status == workflow.DISETUJUI


def test_participant_cannot_decide(client, login_as, db, two):
    plan = submitted(db, two["reg_a"])
    login_as(two["reg_a"].user)
    response = client.post(f"/kelola/pelatihan/{two['a'].id}/rtl/{plan.id}/keputusan", data={"action": "approve"})
    assert response.status_code == 403


def test_reviewer_of_another_training_gets_403(client, login_as, db, two):
    plan = submitted(db, two["reg_a"])
    login_as(two["rev_b"])
    base = f"/kelola/pelatihan/{two['a'].id}/rtl"
    for path in ("", f"/{plan.id}", "/ringkasan", "/rekap.xlsx"):
        assert client.get(base + path).status_code == 403, path
    assert client.post(f"{base}/{plan.id}/keputusan", data={"action": "approve"}).status_code == 403
    assert client.post(f"{base}/setujui", data={"plan_ids": [plan.id]}).status_code == 403
    assert client.get(f"/rtl/{two['reg_a'].id}/rtl.pdf").status_code == 403
    # and a plan id of training A addressed through training B is not found
    assert client.get(f"/kelola/pelatihan/{two['b'].id}/rtl/{plan.id}").status_code == 404
    assert db.session.get(ActionPlan, plan.id).status == workflow.DIAJUKAN


def test_panitia_without_reviewer_duty_cannot_review(client, login_as, db, two):
    login_as(two["panitia_a"])
    assert client.get(f"/kelola/pelatihan/{two['a'].id}/rtl").status_code == 403


def test_only_admin_edits_settings(client, login_as, db, two):
    login_as(two["rev_a"])
    assert client.get(f"/kelola/pelatihan/{two['a'].id}/rtl/pengaturan").status_code == 403
    login_as(make_user(Role.ADMIN))
    response = client.post(f"/kelola/pelatihan/{two['a'].id}/rtl/pengaturan", data={
        "required_for_certificate": "y", "strategies": "Literasi\nInklusi\n", "require_each_strategy": "y",
        "opens_at": "2020-07-20T08:00", "closes_at": "2020-07-31T17:00"})
    assert response.status_code == 302
    settings = services.settings_for(two["a"])
    assert settings.strategies == ["Literasi", "Inklusi"] and settings.require_each_strategy
    assert settings.closes_at.hour == 10  # 17.00 WIB = 10:00 UTC


def test_settings_reject_deadline_before_opening(client, login_as, db, two):
    login_as(make_user(Role.ADMIN))
    page = client.post(f"/kelola/pelatihan/{two['a'].id}/rtl/pengaturan", data={
        "strategies": "A", "opens_at": "2020-07-31T08:00", "closes_at": "2020-07-20T17:00"}).get_data(as_text=True)
    assert "Batas akhir pengisian harus setelah waktu dibuka." in page


def test_review_requires_note_for_revision(client, login_as, db, two):
    plan = submitted(db, two["reg_a"])
    login_as(two["rev_a"])
    response = client.post(f"/kelola/pelatihan/{two['a'].id}/rtl/{plan.id}/keputusan",
                           data={"action": "request_revision", "note": "  "}, follow_redirects=True)
    assert "Catatan untuk peserta wajib diisi saat meminta revisi." in response.get_data(as_text=True)
    assert db.session.get(ActionPlan, plan.id).status == workflow.DIAJUKAN


def test_bulk_approve_only_submitted_plans_of_the_training(client, login_as, db, two):
    p1 = submitted(db, two["reg_a"])
    services.save_draft(two["other_a"].user, two["other_a"], valid_rows())
    db.session.commit()
    draft = db.session.scalar(sa.select(ActionPlan).where(ActionPlan.registration_id == two["other_a"].id))
    foreign = submitted(db, two["reg_b"])
    login_as(two["rev_a"])
    response = client.post(f"/kelola/pelatihan/{two['a'].id}/rtl/setujui",
                           data={"plan_ids": [p1.id, draft.id, foreign.id]}, follow_redirects=True)
    assert "1 RTL disetujui." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ActionPlan, p1.id).status == workflow.DISETUJUI
    assert db.session.get(ActionPlan, draft.id).status == workflow.DRAFT
    assert db.session.get(ActionPlan, foreign.id).status == workflow.DIAJUKAN


def test_queue_filters(client, login_as, db, two):
    two["other_a"].kabupaten = "Bangka Selatan"
    db.session.commit()
    submitted(db, two["reg_a"])
    login_as(two["rev_a"])
    base = f"/kelola/pelatihan/{two['a'].id}/rtl"
    page = client.get(base).get_data(as_text=True)
    assert two["reg_a"].nama_lengkap in page and two["other_a"].nama_lengkap in page and "Belum mengisi" in page
    page = client.get(base + "?kabupaten=Bangka+Selatan").get_data(as_text=True)
    assert two["other_a"].number in page and two["reg_a"].number not in page
    page = client.get(base + "?state=diajukan").get_data(as_text=True)
    assert two["reg_a"].number in page and two["other_a"].number not in page


def test_csrf_is_required(csrf_app, db, two):
    client = csrf_app.test_client()
    sign_in(client, two["reg_a"].user)
    assert client.post(f"/peserta/rtl/{two['reg_a'].id}", data=form(valid_rows(), action="submit")).status_code == 400
    assert client.post(f"/peserta/rtl/{two['reg_a'].id}/draf", data=form(valid_rows())).status_code == 400
    assert db.session.scalar(sa.select(ActionPlan)) is None


def test_csrf_header_accepted_for_autosave(csrf_app, db, two):
    client = csrf_app.test_client()
    sign_in(client, two["reg_a"].user)
    page = client.get(f"/peserta/rtl/{two['reg_a'].id}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(f"/peserta/rtl/{two['reg_a'].id}/draf", data=form(valid_rows()),
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
