"""Attendance: people who are not participants (host, trainers, Dinas staff, a room's TV) stay out of the queue.

"Bukan peserta" marks one identity: its e-mail (every session of the training) or its name within the session it
was seen in (issue 20: a device name must not hide every look-alike); they survive re-uploads and can be undone;
host/panelist rows and staff e-mails are excluded automatically.
"""
import csv
import io

import pytest
import sqlalchemy as sa

from bimtek.accounts import services as accounts
from bimtek.accounts.models import Duty, Role
from bimtek.attendance import services
from bimtek.attendance.models import AttendanceRecord, IgnoredName, UnmatchedName
from bimtek.audit.models import AuditEntry
from tests.factories import make_registration, make_staff, make_training, make_user, sign_in

HEADER = ("Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest", "Role")


def zoom_csv(rows, day="07/21/2020"):
    """Zoom participants CSV with a Role column; rows = (name, email, 'HH:MM AM' join, leave[, role])."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for name, email, join, leave, *role in rows:
        hhmm_in, ampm_in = join.split()
        hhmm_out, ampm_out = leave.split()
        writer.writerow([name, email, f"{day} {hhmm_in}:00 {ampm_in}", f"{day} {hhmm_out}:00 {ampm_out}", 1,
                         "No" if email else "Yes", role[0] if role else "Attendee"])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def setup(db, login_as):
    """Training with 2 sessions (21 Jul 2020 08–12 and 13–16.30 WIB), two participants and a logged-in panitia."""
    training = make_training(days=1, materi_jp=(4, 3))
    regs = [make_registration(training, name="Siti Aminah, S.IP.", email="siti@example.id"),
            make_registration(training, name="Budi Santoso", email="budi@example.id")]
    panitia = make_staff(training, Duty.PANITIA, email="panitia@dinas.example.id")
    login_as(panitia)
    return training, regs, panitia


def base(training):
    return f"/kelola/pelatihan/{training.id}/kehadiran"


def upload_and_apply(client, training, session, name, content):
    url = f"{base(training)}/sesi/{session.id}"
    response = client.post(f"{url}/unggah", data={"files": [(io.BytesIO(content), name)]},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith("/pratinjau"), response.location
    assert client.post(f"{url}/terapkan").status_code == 302


def queue_names(session):
    return [item.name for item in services.session_queue(session)]


def item_named(db, session, name):
    return db.session.scalar(sa.select(UnmatchedName).where(UnmatchedName.session_id == session.id,
                                                            UnmatchedName.name == name))


def ignore(client, training, session, item):
    return client.post(f"{base(training)}/sesi/{session.id}/antrean/{item.id}/bukan-peserta")


def badges(training):
    return [info.queue for info in services.training_overview(training).sessions]


MORNING = zoom_csv([("Siti Aminah", "", "07:55 AM", "12:01 PM"),
                    ("TV Ruang Rapat", "", "07:50 AM", "12:05 PM"),
                    ("Pak Trainer", "trainer@luar.example.id", "08:00 AM", "11:00 AM"),
                    ("HP Samsung A12", "", "08:02 AM", "11:58 AM")])


def test_ignore_removes_from_queue_and_is_remembered_for_the_training(client, db, setup):
    training, regs, _ = setup
    first, second = training.sessions
    upload_and_apply(client, training, first, "s1.csv", MORNING)
    assert sorted(queue_names(first)) == ["HP Samsung A12", "Pak Trainer", "TV Ruang Rapat"]
    assert badges(training) == [3, 0]
    page = client.get(f"{base(training)}/sesi/{first.id}").get_data(as_text=True)
    assert "Bukan peserta" in page and "Tetapkan" in page

    response = ignore(client, training, first, item_named(db, first, "TV Ruang Rapat"))
    assert response.status_code == 302 and response.location.endswith(f"/sesi/{first.id}")
    assert "ditandai bukan peserta" in client.get(response.location).get_data(as_text=True)
    ignore(client, training, first, item_named(db, first, "Pak Trainer"))
    db.session.expire_all()
    assert queue_names(first) == ["HP Samsung A12"] and badges(training) == [1, 0]
    keys = sorted(db.session.scalars(sa.select(IgnoredName.key)))
    assert keys[0] == "email:trainer@luar.example.id" and keys[1].startswith("name:")
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "attendance.ignore")).all()
    assert {e.details["name"] for e in entries} == {"TV Ruang Rapat", "Pak Trainer"}
    assert all(e.training_id == training.id and e.actor_id for e in entries)

    # a second upload of the same session: both marks still apply; another session: only the e-mail mark
    upload_and_apply(client, training, first, "s1b.csv", zoom_csv([("TV  ruang rapat", "", "08:00 AM", "09:00 AM")]))
    upload_and_apply(client, training, second, "s2.csv", zoom_csv([
        ("TV Ruang Rapat", "", "12:50 PM", "04:35 PM"),
        ("Trainer di HP", "Trainer@Luar.example.id", "01:00 PM", "03:00 PM"),
        ("iPhone", "", "01:00 PM", "02:00 PM"), ("Budi Santoso", "budi@example.id", "01:00 PM", "04:30 PM")]))
    db.session.expire_all()
    assert queue_names(first) == ["HP Samsung A12"]
    assert sorted(queue_names(second)) == ["TV Ruang Rapat", "iPhone"]
    assert badges(training) == [1, 2]
    page = client.get(f"{base(training)}/sesi/{second.id}").get_data(as_text=True)
    assert "Ditandai bukan peserta" in page and "Trainer di HP" in page
    assert db.session.scalar(sa.select(sa.func.count(AttendanceRecord.id)).where(
        AttendanceRecord.session_id == second.id)) == 1  # ignoring never touches the participants' records


def test_ignore_twice_keeps_one_mark_and_one_audit_entry(client, db, setup):
    training, _, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "s1.csv", MORNING)
    item = item_named(db, first, "TV Ruang Rapat")
    ignore(client, training, first, item)
    ignore(client, training, first, item)
    assert db.session.scalar(sa.select(sa.func.count(IgnoredName.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "attendance.ignore")) == 1


def test_undo_from_overview_restores_the_queue(client, db, setup):
    training, _, _ = setup
    first, second = training.sessions
    upload_and_apply(client, training, first, "s1.csv", MORNING)
    upload_and_apply(client, training, second, "s2.csv", zoom_csv([("TV Ruang Rapat", "", "01:00 PM", "04:00 PM")]))
    ignore(client, training, first, item_named(db, first, "TV Ruang Rapat"))
    ignore(client, training, second, item_named(db, second, "TV Ruang Rapat"))
    assert badges(training) == [2, 0]
    overview = client.get(base(training)).get_data(as_text=True)
    assert "Ditandai bukan peserta" in overview and "TV Ruang Rapat" in overview
    marks = db.session.scalars(sa.select(IgnoredName).order_by(IgnoredName.id)).all()
    assert [m.session_id for m in marks] == [first.id, second.id]
    assert all(f"/bukan-peserta/{mark.id}/hapus" in overview for mark in marks)

    for mark in marks:
        response = client.post(f"{base(training)}/bukan-peserta/{mark.id}/hapus")
    assert response.status_code == 302 and response.location.endswith("/kehadiran")
    assert "dibatalkan" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(IgnoredName.id))) == 0
    assert "TV Ruang Rapat" in queue_names(first) and queue_names(second) == ["TV Ruang Rapat"]
    assert badges(training) == [3, 1]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "attendance.ignore_delete")).first()
    assert entry.details["name"] == "TV Ruang Rapat" and entry.training_id == training.id


def test_undo_from_session_page_returns_there(client, db, setup):
    training, _, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "s1.csv", MORNING)
    ignore(client, training, first, item_named(db, first, "HP Samsung A12"))
    mark = db.session.scalar(sa.select(IgnoredName))
    page = client.get(f"{base(training)}/sesi/{first.id}").get_data(as_text=True)
    assert f"/bukan-peserta/{mark.id}/hapus" in page
    response = client.post(f"{base(training)}/bukan-peserta/{mark.id}/hapus", data={"session_id": first.id})
    assert response.location.endswith(f"/sesi/{first.id}")
    assert "HP Samsung A12" in queue_names(first)


def test_staff_emails_and_host_rows_never_enter_the_queue(client, db, setup):
    training, regs, panitia = setup
    first = training.sessions[0]
    make_user(Role.ADMIN, email="kadis@dinas.example.id")
    make_staff(training, Duty.REVIEWER, email="reviewer@dinas.example.id")
    other = make_training(days=1)
    outsider = make_staff(other, Duty.PANITIA, email="tamu@dinas.example.id")
    log = zoom_csv([
        ("Panitia DKPUS", "PANITIA@dinas.example.id", "07:30 AM", "12:10 PM"),   # the panitia's own account
        ("Kadis", "kadis@dinas.example.id", "08:00 AM", "08:30 AM"),              # any admin account
        ("Reviewer", "reviewer@dinas.example.id", "08:00 AM", "09:00 AM"),        # duty in this training
        ("Zoom Host", "", "07:40 AM", "12:00 PM", "Host"),                         # host role in the log
        ("Narasumber Ahli", "", "09:00 AM", "10:00 AM", "Panelist"),              # panelist role in the log
        ("Tamu Dinas", "tamu@dinas.example.id", "08:00 AM", "09:00 AM"),          # staff of another training
        ("HP Samsung A12", "", "08:02 AM", "11:58 AM"),
        ("Siti Aminah", "", "08:00 AM", "12:00 PM")])
    url = f"{base(training)}/sesi/{first.id}"
    client.post(f"{url}/unggah", data={"files": [(io.BytesIO(log), "s1.csv")]}, content_type="multipart/form-data")
    preview = services.preview_pending(first)
    assert sorted(i.name for i in preview.queue) == ["HP Samsung A12", "Tamu Dinas"]
    assert len(preview.not_counted) == 5
    page = client.get(f"{url}/pratinjau").get_data(as_text=True)
    assert "Tidak masuk antrean" in page and "Zoom Host" in page
    client.post(f"{url}/terapkan")

    assert sorted(queue_names(first)) == ["HP Samsung A12", "Tamu Dinas"]
    assert badges(training) == [2, 0]
    review = services.session_review(first)
    assert {item.name: reason for item, reason in review.not_counted} == {
        "Panitia DKPUS": "staff", "Kadis": "staff", "Reviewer": "staff", "Zoom Host": "host",
        "Narasumber Ahli": "host"}
    page = client.get(url).get_data(as_text=True)
    assert "Penyelenggara/host (tidak dihitung)" in page and "Panitia DKPUS" in page
    assert page.index("Panitia DKPUS") > page.index("Penyelenggara/host (tidak dihitung)")
    assert db.session.scalar(sa.select(AttendanceRecord.registration_id)) == regs[0].id

    # decided when the queue is read: a new duty in this training takes effect without recomputation
    accounts.assign_duty(training, outsider, Duty.PANITIA)
    db.session.commit()
    assert queue_names(first) == ["HP Samsung A12"] and badges(training) == [1, 0]


def test_host_role_is_stored_on_the_unmatched_row(client, db, setup):
    training, _, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "s1.csv", zoom_csv([
        ("Zoom Host", "", "07:40 AM", "12:00 PM", "Host"), ("Moderator", "", "08:00 AM", "09:00 AM", "Moderator")]))
    roles = dict(db.session.execute(sa.select(UnmatchedName.name, UnmatchedName.role)).all())
    assert roles == {"Zoom Host": "host", "Moderator": "panelist"}
    assert queue_names(first) == []


@pytest.mark.parametrize("who", ["peserta", "reviewer", "other_panitia"])
def test_ignore_and_undo_need_the_trainings_panitia(client, db, login_as, setup, who):
    training, _, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "s1.csv", MORNING)
    item = item_named(db, first, "TV Ruang Rapat")
    ignore(client, training, first, item_named(db, first, "HP Samsung A12"))
    mark = db.session.scalar(sa.select(IgnoredName))
    user = {"peserta": lambda: make_user(Role.PESERTA),
            "reviewer": lambda: make_staff(training, Duty.REVIEWER),
            "other_panitia": lambda: make_staff(make_training(days=1), Duty.PANITIA)}[who]()
    login_as(user)
    assert ignore(client, training, first, item).status_code == 403
    assert client.post(f"{base(training)}/bukan-peserta/{mark.id}/hapus").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(IgnoredName.id))) == 1


def test_objects_of_another_training_or_session_are_404(client, db, login_as, setup):
    training, _, panitia = setup
    first, second = training.sessions
    upload_and_apply(client, training, first, "s1.csv", MORNING)
    item = item_named(db, first, "TV Ruang Rapat")
    assert ignore(client, training, second, item).status_code == 404  # item of another session
    other = make_training(days=1)
    accounts.assign_duty(other, panitia, Duty.PANITIA)
    db.session.commit()
    assert ignore(client, other, other.sessions[0], item).status_code == 404
    ignore(client, training, first, item)
    mark = db.session.scalar(sa.select(IgnoredName))
    assert client.post(f"{base(other)}/bukan-peserta/{mark.id}/hapus").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(IgnoredName.id))) == 1


def test_anonymous_is_sent_to_login(app, db, setup):
    training, _, _ = setup
    client = app.test_client()
    response = client.post(f"{base(training)}/bukan-peserta/1/hapus")
    assert response.status_code in (302, 401)


def test_csrf_is_required(csrf_app, db, setup, client):
    training, _, panitia = setup
    first = training.sessions[0]
    csrf_app.config["WTF_CSRF_ENABLED"] = False  # set up through the plain client first
    upload_and_apply(client, training, first, "s1.csv", MORNING)
    item = item_named(db, first, "TV Ruang Rapat")
    mark = IgnoredName(training_id=training.id, key="name:hp samsung a12", display="HP Samsung A12")
    db.session.add(mark)
    db.session.commit()
    csrf_app.config["WTF_CSRF_ENABLED"] = True
    guarded = csrf_app.test_client()
    sign_in(guarded, panitia)
    response = guarded.post(f"{base(training)}/sesi/{first.id}/antrean/{item.id}/bukan-peserta")
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    response = guarded.post(f"{base(training)}/bukan-peserta/{mark.id}/hapus")
    assert response.status_code == 400
    assert [m.key for m in db.session.scalars(sa.select(IgnoredName))] == ["name:hp samsung a12"]
