"""Attendance identities: a registration owns any number of log identities; assignments add time, leave the
queue at once and can be undone; "Bukan peserta" marks one identity (issue 20, "What was found")."""
import csv
import io

import pytest
import sqlalchemy as sa

from bimtek.accounts.models import Duty
from bimtek.attendance import services
from bimtek.attendance.models import AttendanceIdentity, AttendanceRecord, NameAlias, UnmatchedName
from bimtek.attendance.services import review
from bimtek.audit.models import AuditEntry
from tests.factories import make_registration, make_staff, make_training

HEADER = ("Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest")


def zoom_csv(rows, day="07/21/2020"):
    """Zoom participants CSV; rows = (name, email, 'HH:MM AM' join, 'HH:MM AM' leave), local time."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for name, email, join, leave in rows:
        (hin, ain), (hout, aout) = join.split(), leave.split()
        writer.writerow([name, email, f"{day} {hin}:00 {ain}", f"{day} {hout}:00 {aout}", 1, "No" if email else "Yes"])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def setup(db, login_as):
    """SPP2020-like training: 2 sessions (08–12, 13–16.30 WIB), four participants, a logged-in panitia."""
    training = make_training(days=1, materi_jp=(4, 3))
    regs = {name: make_registration(training, name=name, email=email) for name, email in (
        ("Nurhayati", "nurhayati@example.id"), ("Yuliana Sari", "yuliana@example.id"),
        ("Maria Ulfa", "maria@example.id"), ("Budi Santoso", "budi@example.id"))}
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


def minutes(session, registration):
    record = services.db.session.scalar(sa.select(AttendanceRecord).where(
        AttendanceRecord.session_id == session.id, AttendanceRecord.registration_id == registration.id))
    return record.attended_seconds // 60 if record else 0


def queue_names(session):
    return sorted(item.name for item in services.session_queue(session))


def item_named(db, session, name):
    return db.session.scalar(sa.select(UnmatchedName).where(UnmatchedName.session_id == session.id,
                                                            UnmatchedName.name == name))


def assign(client, training, session, item, registration):
    return client.post(f"{base(training)}/sesi/{session.id}/antrean/{item.id}",
                       data={"registration_id": registration.id})


MAIN = zoom_csv([("Nurhayati", "", "08:00 AM", "12:00 PM"),
                 ("Yuliana Sari", "yuliana@example.id", "08:00 AM", "10:00 AM"),
                 ("Maria Ulfa", "maria@example.id", "08:00 AM", "10:00 AM"),
                 ("Budi Santoso", "budi@example.id", "08:00 AM", "12:00 PM")])
SECOND = zoom_csv([("Nurhayati TBM Pelangi", "", "08:30 AM", "11:00 AM"), ("Galaxy A52", "", "09:30 AM", "11:30 AM"),
                   ("HP Maria", "", "09:00 AM", "11:00 AM")])


def test_assignment_leaves_the_queue_and_adds_time(client, db, setup):
    """Finding 1 and 2b: assigning a second device of someone matched by e-mail sticks."""
    training, regs, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "zoom.csv", MAIN)
    upload_and_apply(client, training, first, "kedua.csv", SECOND)
    assert queue_names(first) == ["Galaxy A52", "HP Maria", "Nurhayati TBM Pelangi"]
    response = assign(client, training, first, item_named(db, first, "HP Maria"), regs["Maria Ulfa"])
    assert response.status_code == 302
    db.session.expire_all()
    assert queue_names(first) == ["Galaxy A52", "Nurhayati TBM Pelangi"]
    assert minutes(first, regs["Maria Ulfa"]) == 180  # 08–10 ∪ 09–11
    assign(client, training, first, item_named(db, first, "Galaxy A52"), regs["Yuliana Sari"])
    db.session.expire_all()
    assert queue_names(first) == ["Nurhayati TBM Pelangi"]
    assert minutes(first, regs["Yuliana Sari"]) == 210  # 08–10 ∪ 09.30–11.30
    page = client.get(f"{base(training)}/sesi/{first.id}").get_data(as_text=True)
    assert "Galaxy A52" in page and "Batalkan penetapan" in page


def test_assignment_never_takes_time_from_another_identity(client, db, setup):
    """Finding 2: "Nurhayati TBM Pelangi" assigned to Nurhayati keeps her original "Nurhayati" row."""
    training, regs, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "zoom.csv", MAIN)
    assert minutes(first, regs["Nurhayati"]) == 240
    upload_and_apply(client, training, first, "kedua.csv", SECOND)
    assert minutes(first, regs["Nurhayati"]) == 240
    assign(client, training, first, item_named(db, first, "Nurhayati TBM Pelangi"), regs["Nurhayati"])
    db.session.expire_all()
    assert minutes(first, regs["Nurhayati"]) == 240
    assert "Nurhayati" not in queue_names(first) and "Nurhayati TBM Pelangi" not in queue_names(first)
    identities = db.session.scalars(sa.select(AttendanceIdentity).where(
        AttendanceIdentity.registration_id == regs["Nurhayati"].id)).all()
    assert sorted(i.name for i in identities) == ["Nurhayati", "Nurhayati TBM Pelangi"]
    assert services.attendance_verdict_for(regs["Nurhayati"]).outcomes[0].status == "hadir"


def test_same_name_second_device_counts_automatically(client, db, setup):
    """Finding 1: a phone log "Maria Ulfa" without e-mail is Maria's second identity, not a queue item."""
    training, regs, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "zoom.csv", MAIN)
    upload_and_apply(client, training, first, "hp.csv", zoom_csv([("Maria Ulfa", "", "09:30 AM", "12:00 PM")]))
    assert queue_names(first) == []
    assert minutes(first, regs["Maria Ulfa"]) == 240


def test_undo_assignment_recomputes(client, db, setup):
    training, regs, _ = setup
    first, second = training.sessions
    upload_and_apply(client, training, first, "zoom.csv", MAIN)
    upload_and_apply(client, training, first, "kedua.csv", SECOND)
    assign(client, training, first, item_named(db, first, "Galaxy A52"), regs["Yuliana Sari"])
    db.session.expire_all()
    alias = db.session.scalar(sa.select(NameAlias))
    assert alias.session_id == first.id and alias.created_by_id is not None
    response = client.post(f"{base(training)}/alias/{alias.id}/hapus", data={"session_id": first.id})
    assert response.location.endswith(f"/sesi/{first.id}")
    db.session.expire_all()
    assert minutes(first, regs["Yuliana Sari"]) == 120
    assert "Galaxy A52" in queue_names(first)
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "attendance.alias_delete"))


def test_ignore_marks_one_identity_only(client, db, setup):
    """Finding 3: "Bukan peserta" on a device name hides that identity in its session, not every "iPhone"."""
    training, regs, _ = setup
    first, second = training.sessions
    upload_and_apply(client, training, first, "s1.csv", zoom_csv([("iPhone", "", "08:00 AM", "09:00 AM"),
                                                                  ("Tamu", "tamu@luar.example.id", "08:00 AM",
                                                                   "09:00 AM")]))
    upload_and_apply(client, training, second, "s2.csv", zoom_csv([("iPhone", "", "01:00 PM", "02:00 PM"),
                                                                   ("Tamu HP", "tamu@luar.example.id", "01:00 PM",
                                                                    "02:00 PM")]))
    for name in ("iPhone", "Tamu"):
        item = item_named(db, first, name)
        client.post(f"{base(training)}/sesi/{first.id}/antrean/{item.id}/bukan-peserta")
    db.session.expire_all()
    assert queue_names(first) == []
    assert queue_names(second) == ["iPhone"]  # by name: only within its session; by e-mail: everywhere
    upload_and_apply(client, training, first, "s1b.csv", zoom_csv([("iphone", "", "10:00 AM", "11:00 AM")]))
    assert queue_names(first) == []  # the same identity in a later file of the same session stays marked


def test_every_page_shows_the_new_figures(client, db, setup):
    training, regs, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "zoom.csv", MAIN)
    upload_and_apply(client, training, first, "kedua.csv", SECOND)
    assign(client, training, first, item_named(db, first, "Galaxy A52"), regs["Yuliana Sari"])
    overview = services.training_overview(training)
    row = next(r for r in overview.rows if r.registration.id == regs["Yuliana Sari"].id)
    assert row.cells[0].minutes == 210
    assert overview.sessions[0].queue == 2
    page = client.get(f"{base(training)}/sesi/{first.id}").get_data(as_text=True)
    assert "210" in page


def test_review_item_explains_what_accepting_changes(client, db, setup):
    training, regs, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "zoom.csv", MAIN)
    upload_and_apply(client, training, first, "kedua.csv", SECOND)
    items = {i.item.name: i for i in review.queue_items(first)}
    nur = items["Nurhayati TBM Pelangi"]
    effect = nur.effects[0]
    assert effect.registration.id == regs["Nurhayati"].id
    assert effect.text == "Nurhayati: 240 → 240 menit (tidak berubah, interval sudah tercakup)"
    galaxy = review.effect_of(items["Galaxy A52"].item, regs["Yuliana Sari"])
    assert galaxy.text == "Yuliana Sari: 120 → 210 menit (+90 menit)"


def test_filters_and_bulk_accept_with_preview(client, db, setup):
    training, regs, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "zoom.csv", MAIN)
    upload_and_apply(client, training, first, "kedua.csv", SECOND)
    url = f"{base(training)}/sesi/{first.id}"
    page = client.get(f"{url}?q=galaxy").get_data(as_text=True)
    assert 'data-queue-item' in page and page.count("data-queue-item=") == 1 and "Galaxy A52" in page
    assert "Menampilkan 1 dari 3 nama." in page
    page = client.get(f"{url}?saran=ada&min=65").get_data(as_text=True)
    assert page.count("data-queue-item=") == 1 and "HP Maria" in page

    preview = client.get(f"{url}/terima-saran?min=55").get_data(as_text=True)
    assert "Nurhayati: 240 → 240 menit (tidak berubah, interval sudah tercakup)" in preview
    assert "Maria Ulfa: 120 → 180 menit (+60 menit)" in preview and "Galaxy A52" not in preview
    assert db.session.scalar(sa.select(sa.func.count(NameAlias.id))) == 0  # a preview changes nothing
    maria = item_named(db, first, "HP Maria")
    response = client.post(f"{url}/terima-saran", data={"min": "55", "item_id": [maria.id]})
    assert response.status_code == 302
    db.session.expire_all()
    assert queue_names(first) == ["Galaxy A52", "Nurhayati TBM Pelangi"]  # the unticked item stays
    assert minutes(first, regs["Maria Ulfa"]) == 180
    assert "1 nama di antrean ditetapkan" in client.get(response.location).get_data(as_text=True)


def test_queue_item_says_why_in_indonesian(client, db, setup):
    training, regs, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "zoom.csv", MAIN)
    upload_and_apply(client, training, first, "kedua.csv", SECOND)
    why = {i.item.name: i.why for i in review.queue_items(first)}
    assert why["Galaxy A52"] == ("Tidak ada pendaftar dengan nomor, e-mail atau nama seperti ini. "
                                 "Log tidak mencantumkan e-mail.")
    assert why["Nurhayati TBM Pelangi"].startswith(
        "Tidak ada pendaftar yang cukup mirip untuk dipilih otomatis; yang terdekat Nurhayati (60%).")
    page = client.get(f"{base(training)}/sesi/{first.id}").get_data(as_text=True)
    assert "Alasan masuk antrean:" in page and "Jika ditetapkan:" in page


@pytest.mark.parametrize("who", ["peserta", "reviewer", "other_panitia"])
def test_bulk_accept_and_undo_need_the_trainings_panitia(client, db, login_as, setup, who):
    from bimtek.accounts.models import Role
    from tests.factories import make_user

    training, regs, _ = setup
    first = training.sessions[0]
    upload_and_apply(client, training, first, "zoom.csv", MAIN)
    upload_and_apply(client, training, first, "kedua.csv", SECOND)
    assign(client, training, first, item_named(db, first, "Galaxy A52"), regs["Yuliana Sari"])
    alias = db.session.scalar(sa.select(NameAlias))
    maria = item_named(db, first, "HP Maria")
    user = {"peserta": lambda: make_user(Role.PESERTA),
            "reviewer": lambda: make_staff(training, Duty.REVIEWER),
            "other_panitia": lambda: make_staff(make_training(days=1), Duty.PANITIA)}[who]()
    login_as(user)
    url = f"{base(training)}/sesi/{first.id}"
    assert client.get(f"{url}/terima-saran?min=50").status_code == 403
    assert client.post(f"{url}/terima-saran", data={"min": "50", "item_id": [maria.id]}).status_code == 403
    assert client.post(f"{base(training)}/alias/{alias.id}/hapus").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(NameAlias.id))) == 1


def test_bulk_accept_needs_csrf(csrf_app, db, setup, client):
    training, regs, panitia = setup
    first = training.sessions[0]
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    upload_and_apply(client, training, first, "zoom.csv", MAIN)
    upload_and_apply(client, training, first, "kedua.csv", SECOND)
    maria = item_named(db, first, "HP Maria")
    csrf_app.config["WTF_CSRF_ENABLED"] = True
    guarded = csrf_app.test_client()
    with guarded.session_transaction() as session:
        session["_user_id"] = str(panitia.id)
        session["_fresh"] = True
    response = guarded.post(f"{base(training)}/sesi/{first.id}/terima-saran", data={"min": "50", "item_id": [maria.id]})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(NameAlias.id))) == 0
