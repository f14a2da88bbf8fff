"""Attendance: hostile uploads change nothing; access control; CSRF."""
import io
import os
import zipfile

import pytest
import sqlalchemy as sa

from bimtek.accounts.models import Duty, Role
from bimtek.attendance.models import AttendanceFile, AttendanceRecord
from tests.factories import make_registration, make_staff, make_training, make_user, sign_in

GOOD = (b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\r\n"
        b"Budi Santoso,budi@example.id,07/21/2020 08:00:00 AM,07/21/2020 12:00:00 PM,240\r\n")


@pytest.fixture
def training(db, login_as):
    training = make_training(days=1)
    make_registration(training, name="Budi Santoso", email="budi@example.id")
    login_as(make_staff(training, Duty.PANITIA))
    return training


def post_file(client, training, name, content):
    session = training.sessions[0]
    return client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/unggah",
                       data={"files": [(io.BytesIO(content), name)]}, content_type="multipart/form-data",
                       follow_redirects=True)


def zip_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b"0" * (60 * 1024 * 1024) + b"</a>")
    return out.getvalue()


def truncated_xlsx():
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Name (Original Name)", "User Email", "Join Time", "Leave Time"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()[:400]


@pytest.mark.parametrize("name, content, message", [
    ("log.csv", os.urandom(4096), "diharapkan"),
    ("log.csv", b"", "kosong"),
    ("log.csv", b"\x00\x01binary\x00" * 50, "diharapkan"),
    ("log.exe", GOOD, "tidak didukung"),
    ("log.xlsx", GOOD, "bukan berkas Excel"),
    ("log.csv", truncated_xlsx(), "bernama .csv"),
    ("log.xlsx", truncated_xlsx(), "diharapkan"),
    ("bomb.xlsx", zip_bomb(), "terlalu besar"),
    ("log.csv", b"Nama,Kota\r\nBudi,Bangka\r\n", "format tidak dikenali"),
    ("log.csv", GOOD.replace(b"12:00:00 PM", b"12:00:"), "diharapkan"),
    ("log.csv", GOOD.splitlines()[0], "baris peserta"),
])
def test_hostile_uploads_change_nothing(client, db, training, name, content, message):
    response = post_file(client, training, name, content)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AttendanceFile.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AttendanceRecord.id))) == 0


def test_bad_file_in_a_batch_stores_nothing(client, db, training):
    session = training.sessions[0]
    client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/unggah",
                data={"files": [(io.BytesIO(GOOD), "good.csv"), (io.BytesIO(b"\x00junk"), "bad.csv")]},
                content_type="multipart/form-data")
    assert db.session.scalar(sa.select(sa.func.count(AttendanceFile.id))) == 0


def test_configurable_size_limit(app, client, db, training):
    app.config["ATTENDANCE_MAX_UPLOAD_MB"] = 0.0001
    try:
        response = post_file(client, training, "log.csv", GOOD)
    finally:
        app.config["ATTENDANCE_MAX_UPLOAD_MB"] = 10
    assert "terlalu besar" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AttendanceFile.id))) == 0


def test_thirty_megabytes_is_refused_by_the_app_limit(client, db, training):
    url = f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{training.sessions[0].id}/unggah"
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"huge.csv\"\r\n\r\n"
            + GOOD + b"x" * (30 * 1024 * 1024) + b"\r\n--XyZ--\r\n")
    response = client.post(url, data=body, content_type="multipart/form-data; boundary=XyZ")
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AttendanceFile.id))) == 0


def pages(training):
    s = training.sessions[0].id
    base = f"/kelola/pelatihan/{training.id}/kehadiran"
    return [("get", base), ("get", f"{base}/heatmap.svg"), ("get", f"{base}/ekspor.csv"),
            ("get", f"{base}/sesi/{s}"), ("get", f"{base}/sesi/{s}/pratinjau"), ("post", f"{base}/sesi/{s}/unggah"),
            ("post", f"{base}/sesi/{s}/terapkan"), ("post", f"{base}/sesi/{s}/koreksi"),
            ("post", f"{base}/hitung-ulang")]


@pytest.mark.parametrize("who", ["peserta", "reviewer", "other_panitia"])
def test_access_is_refused(client, db, login_as, who):
    training = make_training(days=1)
    other = make_training(days=1)
    user = {"peserta": lambda: make_user(Role.PESERTA),
            "reviewer": lambda: make_staff(training, Duty.REVIEWER),
            "other_panitia": lambda: make_staff(other, Duty.PANITIA)}[who]()
    login_as(user)
    for method, url in pages(training):
        assert getattr(client, method)(url).status_code == 403, url


def test_session_of_another_training_is_404(client, db, training):
    other = make_training(days=1)
    url = f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{other.sessions[0].id}"
    assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_login(client, db):
    training = make_training(days=1)
    response = client.get(f"/kelola/pelatihan/{training.id}/kehadiran")
    assert response.status_code in (302, 401)


def test_csrf_rejection(csrf_app, db):
    training = make_training(days=1)
    panitia = make_staff(training, Duty.PANITIA)
    client = csrf_app.test_client()
    sign_in(client, panitia)
    response = client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{training.sessions[0].id}/unggah",
                           data={"files": [(io.BytesIO(GOOD), "a.csv")]}, content_type="multipart/form-data")
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AttendanceFile.id))) == 0
