"""RTL exports (PDF, recap XLSX, summary), attachments, reminders and the portal partial."""
import io
import zipfile

import pytest
import sqlalchemy as sa
from flask import render_template
from openpyxl import load_workbook
from pypdf import PdfReader

from bimtek.action_plans import services, workflow
from bimtek.action_plans.models import ActionPlan
from bimtek.registration.portal_phase import phase_of
from tests.factories import make_registration, make_staff, make_training
from tests.integration.test_action_plans_workflow import form, valid_rows
from tests.xlsx_content import xlsx_content


@pytest.fixture
def data(db):
    training = make_training(code="SPP2020")
    approved = make_registration(training, name="Siti Aminah", kabupaten="Bangka Barat", instansi="Desa Kundi")
    hostile = make_registration(training, name="=HYPERLINK(\"http://x\")", kabupaten="Bangka Selatan")
    missing = make_registration(training, name="Belum Isi", kabupaten="Bangka Tengah")
    reviewer = make_staff(training, "reviewer")
    services.submit_plan(approved.user, approved, valid_rows())
    rows = valid_rows()
    rows[0].kegiatan = "=cmd|' /C calc'!A0"
    rows[1].kegiatan = "<script>alert(1)</script> Kelas"
    services.submit_plan(hostile.user, hostile, rows)
    plan = services.plan_for(approved)
    services.decide(reviewer, plan, workflow.APPROVE)
    db.session.commit()
    return {"training": training, "approved": approved, "hostile": hostile, "missing": missing, "reviewer": reviewer}


def test_recap_xlsx_one_row_per_activity_and_neutralized(client, login_as, data):
    login_as(data["reviewer"])
    response = client.get(f"/kelola/pelatihan/{data['training'].id}/rtl/rekap.xlsx")
    assert response.status_code == 200 and "rekap-rtl-SPP2020.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.values)
    assert values[0][:6] == ("No. Registrasi", "Nama Peserta", "Instansi", "Kabupaten/Kota", "Status RTL",
                             "No. Kegiatan")
    assert values[0][6] == "Strategi TPBIS"
    body = values[1:]
    assert len(body) == 3 + 3 + 1  # two plans × 3 activities + one participant without a plan
    siti = [row for row in body if row[1] == "Siti Aminah"]
    assert [row[4] for row in siti] == ["Disetujui"] * 3
    assert [row[6] for row in siti] == ["Peningkatan Layanan Informasi", "Pelibatan Masyarakat",
                                        "Advokasi dan Kemitraan"]
    assert any(row[1] == "Belum Isi" and row[4] == "Belum mengisi" for row in body)
    assert all(sheet.cell(row=r, column=c).data_type != "f" for r in range(1, sheet.max_row + 1)
               for c in range(1, sheet.max_column + 1))
    assert any(row[7] == "'=cmd|' /C calc'!A0" for row in body)
    assert any(row[1] == "'=HYPERLINK(\"http://x\")" for row in body)


def test_recap_xlsx_content_is_pinned(client, login_as, data):
    """Headers, values, cell types and text formats of the recap exactly as exported (guards its speed-ups)."""
    login_as(data["reviewer"])
    content = xlsx_content(client.get(f"/kelola/pelatihan/{data['training'].id}/rtl/rekap.xlsx").data)
    plan = ["Tujuan", "Warga desa", "Agustus 2020", "Pengelola", "20 peserta", "Dana Desa", "Karang Taruna"]
    siti = ["SPP2020-0001", "Siti Aminah", "Desa Kundi", "Bangka Barat", "Disetujui"]
    hostile = ["SPP2020-0002", "'=HYPERLINK(\"http://x\")", "Perpustakaan Desa", "Bangka Selatan", "Diajukan"]
    strategies = ["Peningkatan Layanan Informasi", "Pelibatan Masyarakat", "Advokasi dan Kemitraan"]
    body = [siti + [n, strategies[n - 1], f"Kegiatan {n}"] + plan for n in (1, 2, 3)] + [
        hostile + [1, strategies[0], "'=cmd|' /C calc'!A0"] + plan,
        hostile + [2, strategies[1], "<script>alert(1)</script> Kelas"] + plan,
        hostile + [3, strategies[2], "Kegiatan 3"] + plan,
        ["SPP2020-0003", "Belum Isi", "Perpustakaan Desa", "Bangka Tengah", "Belum mengisi", None] + [""] * 9]
    number = {int: ("n", "General"), type(None): ("n", "General")}
    assert content["rows"] == [[(h, "s", "General") for h in services.RECAP_HEADERS]] + [
        [(v, *number.get(type(v), ("s", "@"))) for v in row] for row in body]
    assert content["bold"] == [[True] * 15] + [[False] * 15] * 7
    assert (content["title"], content["freeze"], content["filter"]) == ("Rekap RTL SPP2020", "A2", "A1:O8")
    assert [round(w) for w in content["widths"].values()] == [17, 26, 20, 17, 16, 15, 32, 34, 9, 13, 20, 19, 25,
                                                              23, 16]


def test_plan_pdf_text(client, login_as, data):
    login_as(data["approved"].user)
    response = client.get(f"/rtl/{data['approved'].id}/rtl.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "RENCANA TINDAK LANJUT" in text and "Siti Aminah" in text
    assert "Disetujui" in text and "Pelibatan Masyarakat" in text and "Atasan Langsung" in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # A4 landscape


def test_pdf_escapes_user_text(client, login_as, data):
    login_as(data["reviewer"])
    response = client.get(f"/rtl/{data['hostile'].id}/rtl.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "<script>alert(1)</script>" in text.replace("\n", "")


def test_review_page_escapes_user_text(client, login_as, data):
    login_as(data["reviewer"])
    plan = services.plan_for(data["hostile"])
    page = client.get(f"/kelola/pelatihan/{data['training'].id}/rtl/{plan.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_summary_page_has_svg_charts(client, login_as, data):
    login_as(data["reviewer"])
    page = client.get(f"/kelola/pelatihan/{data['training'].id}/rtl/ringkasan").get_data(as_text=True)
    assert page.count("<svg") == 3 and "Kegiatan direncanakan per strategi" in page
    assert "Bangka Barat" in page and "Belum mengisi" in page and "<script>alert" not in page
    stats = services.summary(data["training"])
    assert stats["activities"] == 6 and stats["approved"] == 1
    assert [(b.label, b.value) for b in stats["by_state"].bars][:2] == [("Diajukan", 1), ("Perlu Revisi", 0)]


def test_reminders_go_to_missing_and_draft_only(client, login_as, db, data):
    from bimtek.mail.models import OutboxMessage

    login_as(data["reviewer"])
    before = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    response = client.post(f"/kelola/pelatihan/{data['training'].id}/rtl/pengingat", follow_redirects=True)
    assert "Pengingat RTL dikirim ke 1 peserta." in response.get_data(as_text=True)
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()[before:]
    assert [m.recipient for m in messages] == [data["missing"].email]
    assert "Pengingat RTL" in messages[0].subject


def _docx_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_attachment_upload_type_checked_and_downloadable(client, login_as, db, data):
    reg = data["missing"]
    login_as(reg.user)
    fake = {"action": "save", "attachment": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "rencana.pdf")}
    page = client.post(f"/peserta/rtl/{reg.id}", data=fake, content_type="multipart/form-data",
                       follow_redirects=True).get_data(as_text=True)
    assert "Lampiran harus berupa berkas PDF, DOCX atau XLSX." in page
    good = dict(form(valid_rows()[:1], action="save"),
                attachment=(io.BytesIO(_docx_bytes()), "../../surat atasan.docx"))
    client.post(f"/peserta/rtl/{reg.id}", data=good, content_type="multipart/form-data")
    plan = db.session.scalar(sa.select(ActionPlan).where(ActionPlan.registration_id == reg.id))
    assert plan.attachment_name == "surat atasan.docx"
    response = client.get(f"/rtl/{reg.id}/lampiran")
    assert response.status_code == 200 and response.data == _docx_bytes()
    login_as(data["reviewer"])
    assert client.get(f"/rtl/{reg.id}/lampiran").status_code == 200


def _portal_section(registration):
    """The RTL section of the portal as the portal view renders it (data from its registered builder)."""
    phase = phase_of(registration)
    return render_template("action_plans/_portal.html", registration=registration, phase=phase,
                           data=services.portal_section(registration, phase))


def test_portal_partial_shows_status_and_link(app, db, data):
    with app.test_request_context():
        html = _portal_section(data["approved"])
        assert "Disetujui" in html and f"/peserta/rtl/{data['approved'].id}" in html
        html = _portal_section(data["missing"])
        assert "Isi RTL" in html and "RTL belum diisi" in html
