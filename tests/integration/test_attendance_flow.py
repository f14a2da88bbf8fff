"""Attendance in the app: upload → preview → apply, duplicates, delete, aliases, overrides, overview, exports."""
import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from bimtek.accounts.models import Duty
from bimtek.attendance import services
from bimtek.attendance.models import AttendanceFile, AttendanceRecord, NameAlias, UnmatchedName
from bimtek.audit.models import AuditEntry
from tests.factories import make_registration, make_staff, make_training

SAMPLES = Path(__file__).resolve().parents[1] / "unit" / "attendance" / "data" / "samples"
HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"


def zoom_csv(rows):
    """Zoom participants CSV; rows = (name, email, 'HH:MM' join, 'HH:MM' leave) on 07/21/2020 (local time)."""
    out = io.StringIO()
    out.write(HEADER)
    writer = csv.writer(out, lineterminator="\r\n")
    for name, email, join, leave, *day in rows:
        d = day[0] if day else "07/21/2020"
        writer.writerow([name, email, f"{d} {_sec(join)}", f"{d} {_sec(leave)}", 1, "No"])
    return out.getvalue().encode("utf-8")


def _sec(clock):
    hhmm, ampm = clock.split()
    return f"{hhmm}:00 {ampm}"


@pytest.fixture
def setup(db, login_as):
    """Training with 2 sessions (21 Jul 2020 08–12 and 13–16.30 WIB), three participants and a panitia."""
    training = make_training(days=1, materi_jp=(4, 3))
    regs = [make_registration(training, name="Siti Aminah, S.IP.", email="siti@example.id"),
            make_registration(training, name="Budi Santoso", email="budi@example.id"),
            make_registration(training, name="Dewi Lestari", email="dewi@example.id")]
    panitia = make_staff(training, Duty.PANITIA)
    login_as(panitia)
    return training, regs, panitia


def upload(client, training, session, *files):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/unggah", data=data,
                       content_type="multipart/form-data")


def apply(client, training, session):
    return client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/terapkan")


def records(db, session):
    return {r.registration_id: r for r in db.session.scalars(
        sa.select(AttendanceRecord).where(AttendanceRecord.session_id == session.id))}


MORNING = zoom_csv([("Siti Aminah", "", "07:55 AM", "10:00 AM"), ("Siti Aminah", "", "10:05 AM", "12:01 PM"),
                    ("SPP-X Budi", "budi@example.id", "08:00 AM", "09:00 AM"),
                    ("HP Samsung A12", "", "08:02 AM", "11:58 AM")])


def test_upload_preview_apply(client, db, setup):
    training, regs, _ = setup
    session = training.sessions[0]
    response = upload(client, training, session, ("sesi1.csv", MORNING))
    assert response.status_code == 302 and response.location.endswith("/pratinjau")
    page = client.get(response.location).get_data(as_text=True)
    assert "Zoom — laporan peserta" in page and "zoom_participants" not in page
    assert "Terapkan" in page and "HP Samsung A12" in page
    assert records(db, session) == {}  # nothing counted before apply
    assert apply(client, training, session).status_code == 302
    got = records(db, session)
    assert got[regs[0].id].attended_seconds == 4 * 3600 - 5 * 60  # union clipped to 08–12, 5 min gap
    assert got[regs[0].id].match_method == "exact_name"
    assert got[regs[1].id].attended_seconds == 3600 and got[regs[1].id].match_method == "email"
    assert regs[2].id not in got
    queue = db.session.scalars(sa.select(UnmatchedName)).all()
    assert [q.name for q in queue] == ["HP Samsung A12"]
    page = client.get(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}").get_data(as_text=True)
    assert "Hadir sebagian" in page and "Tidak hadir" in page and "Antrean tinjauan" in page


def test_real_sample_file_previews_with_matches(client, db, login_as):
    training = make_training(days=1, slots=((9, 30, 12, 30),), start=date(2021, 11, 19))
    reg = make_registration(training, name="Loki Laufeyson", email="loki_asgardian@marvel.com")
    login_as(make_staff(training, Duty.PANITIA))
    data = (SAMPLES / "zoom-participants" / "zoomclass__participants_heroes.csv").read_bytes()
    response = upload(client, training, training.sessions[0], ("heroes.csv", data))
    page = client.get(response.location).get_data(as_text=True)
    assert "Zoom — laporan peserta" in page and "Loki Laufeyson" in page
    apply(client, training, training.sessions[0])
    record = records(db, training.sessions[0])[reg.id]
    assert record.match_method == "email"
    assert record.attended_seconds >= 2 * 3600 + 7 * 60 + 44  # 09:54:15–12:01:59 (first row of the file)


def test_duplicate_upload_changes_nothing(client, db, setup):
    training, regs, _ = setup
    session = training.sessions[0]
    upload(client, training, session, ("a.csv", MORNING))
    apply(client, training, session)
    before = (db.session.scalar(sa.select(sa.func.count(AttendanceFile.id))),
              db.session.scalar(sa.select(sa.func.count(AuditEntry.id))))
    response = upload(client, training, session, ("renamed.csv", MORNING))
    assert response.status_code == 302 and "/pratinjau" not in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "sudah pernah diunggah" in page
    assert (db.session.scalar(sa.select(sa.func.count(AttendanceFile.id))),
            db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))) == before


def test_two_files_merge_and_delete_recomputes(client, db, setup):
    training, regs, _ = setup
    session = training.sessions[0]
    late = zoom_csv([("Dewi Lestari", "dewi@example.id", "08:00 AM", "12:00 PM")])
    upload(client, training, session, ("a.csv", MORNING), ("b.csv", late))
    apply(client, training, session)
    assert records(db, session)[regs[2].id].attended_seconds == 4 * 3600
    item = db.session.scalar(sa.select(AttendanceFile).where(AttendanceFile.filename == "b.csv"))
    client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/berkas/{item.id}/hapus")
    db.session.expire_all()
    assert regs[2].id not in records(db, session) and regs[0].id in records(db, session)


def test_discard_pending_changes_nothing(client, db, setup):
    training, regs, _ = setup
    session = training.sessions[0]
    upload(client, training, session, ("a.csv", MORNING))
    client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/batalkan")
    assert db.session.scalar(sa.select(sa.func.count(AttendanceFile.id))) == 0
    assert records(db, session) == {}


def test_alias_is_reused_in_other_sessions(client, db, setup):
    training, regs, _ = setup
    first, second = training.sessions
    afternoon = zoom_csv([("HP Samsung A12", "", "01:00 PM", "04:30 PM")])
    upload(client, training, second, ("s2.csv", afternoon))
    apply(client, training, second)
    upload(client, training, first, ("s1.csv", MORNING))
    apply(client, training, first)
    item = db.session.scalar(sa.select(UnmatchedName).where(UnmatchedName.session_id == first.id))
    client.post(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{first.id}/antrean/{item.id}",
                data={"registration_id": regs[2].id})
    db.session.expire_all()
    alias = db.session.scalar(sa.select(NameAlias))
    assert alias.key == "hp samsung a12" and alias.registration_id == regs[2].id and alias.session_id == first.id
    assert records(db, first)[regs[2].id].match_method == "assigned"  # the identity itself, in its session
    assert records(db, second)[regs[2].id].match_method == "alias"    # remembered in the other session
    assert records(db, second)[regs[2].id].attended_seconds == 3.5 * 3600  # recomputed too
    assert db.session.scalar(sa.select(sa.func.count(UnmatchedName.id))) == 0
    third = zoom_csv([("HP Samsung A12", "", "01:00 PM", "02:00 PM"), ("iPhone", "", "01:00 PM", "02:00 PM")])
    upload(client, training, second, ("s2b.csv", third))
    apply(client, training, second)
    queue = [q.name for q in db.session.scalars(sa.select(UnmatchedName))]
    assert queue == ["iPhone"]  # an alias of a device name never swallows other device names


def test_override_survives_reimport_and_is_audited(client, db, setup):
    training, regs, _ = setup
    session = training.sessions[0]
    url = f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}/koreksi"
    response = client.post(url, data={"registration_id": regs[2].id, "status": "hadir", "reason": " "})
    assert "Alasan" in client.get(response.location).get_data(as_text=True)
    client.post(url, data={"registration_id": regs[2].id, "status": "hadir", "reason": "Hadir lewat telepon"})
    upload(client, training, session, ("a.csv", MORNING))
    apply(client, training, session)
    verdict = services.attendance_verdict_for(regs[2])
    assert verdict.outcomes[0].status == "hadir" and verdict.outcomes[0].overridden
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "attendance.override"))
    assert entry.details["reason"] == "Hadir lewat telepon" and entry.details["registration"] == regs[2].number


def test_overview_numbers_and_verdict_hooks(client, db, setup):
    training, regs, _ = setup
    first, second = training.sessions
    upload(client, training, first, ("a.csv", MORNING))
    apply(client, training, first)
    upload(client, training, second, ("b.csv", zoom_csv([("Siti Aminah", "", "01:00 PM", "04:30 PM")])))
    apply(client, training, second)
    verdicts = services.verdicts_for_training(training)
    assert set(verdicts) == {r.id for r in regs}
    assert verdicts[regs[0].id].passed and verdicts[regs[0].id].jp_attended == pytest.approx(7)
    assert not verdicts[regs[1].id].passed and "Hadir 0 dari 2 sesi" in verdicts[regs[1].id].reason
    assert services.attendance_verdict_for(regs[0]) == verdicts[regs[0].id]
    jp = services.session_jp(training)
    assert sum(jp.values()) == pytest.approx(7) and jp[first.id] > jp[second.id]
    page = client.get(f"/kelola/pelatihan/{training.id}/kehadiran").get_data(as_text=True)
    assert "Lulus" in page and "Tidak lulus" in page and "Hadir 2 dari 2 sesi (100%)" in page
    svg = client.get(f"/kelola/pelatihan/{training.id}/kehadiran/heatmap.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data and b"style=" not in svg.data


def test_jp_rule_mode(client, db, setup):
    training, regs, _ = setup
    training.pass_rule, training.min_jp = "jp", 3
    db.session.commit()
    upload(client, training, training.sessions[0], ("a.csv", MORNING))
    apply(client, training, training.sessions[0])
    verdict = services.attendance_verdict_for(regs[0])  # 240 of 450 minutes × 7 JP = 3.73 JP
    assert verdict.passed and "Hadir 3,73 JP dari 7 JP, minimal 3 JP" in verdict.reason
    training.min_jp = 4
    assert not services.attendance_verdict_for(regs[0]).passed


def test_exports_parse_back_with_formula_neutralised(client, db, setup):
    training, regs, _ = setup
    regs[1].nama_lengkap = "=HYPERLINK(\"http://x\",\"klik\")"
    db.session.commit()
    evil = zoom_csv([("=cmd|' /C calc'!A0", "", "08:00 AM", "09:00 AM")])
    upload(client, training, training.sessions[0], ("a.csv", MORNING), ("evil.csv", evil))
    apply(client, training, training.sessions[0])
    page = client.get(f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{training.sessions[0].id}")
    assert b"=cmd|&#39; /C calc&#39;!A0" in page.data
    xlsx = client.get(f"/kelola/pelatihan/{training.id}/kehadiran/ekspor.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Nomor registrasi", "Nama", "Instansi")
    assert rows[2][1].startswith("'=") and all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert rows[1][0] == regs[0].number and rows[1][-2] == "Tidak"
    text = client.get(f"/kelola/pelatihan/{training.id}/kehadiran/ekspor.csv").data.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[2][1].startswith("'=") and len(parsed) == 4


def test_rule_frozen_refuses_edit(client, db, setup, login_as):
    training, regs, _ = setup
    assert not services.rule_is_frozen(training)
    services.freeze_rule(training)
    db.session.commit()
    assert services.rule_is_frozen(training)
    from bimtek.core.errors import ValidationError

    with pytest.raises(ValidationError, match="dibekukan"):
        services.check_rule_change(training, {"pass_rule": "sessions", "min_session_share": 50,
                                              "min_sessions_share": 100, "min_jp": None})
    services.check_rule_change(training, {"pass_rule": "sessions", "min_session_share": 75,
                                          "min_sessions_share": 100, "min_jp": None})


def test_participant_sees_only_own_attendance(client, db, setup, login_as):
    training, regs, _ = setup
    upload(client, training, training.sessions[0], ("a.csv", MORNING))
    apply(client, training, training.sessions[0])
    from bimtek.accounts.models import User
    from bimtek.extensions import db as _db

    user = _db.session.get(User, regs[0].user_id)
    login_as(user)
    page = client.get("/peserta").get_data(as_text=True)
    assert "Kehadiran" in page and "Hadir 1 dari 2 sesi" in page
    assert "Budi Santoso" not in page
    assert client.get(f"/kelola/pelatihan/{training.id}/kehadiran").status_code == 403
