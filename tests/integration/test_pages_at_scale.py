"""Organizer pages at scale: server-side paging with filters and search kept through the page links, verdicts over
plain tuples equal to `rules.evaluate` over ORM rows, and the batched roster import (validation, seats, numbers)."""
import re
from dataclasses import replace
from datetime import datetime, timezone
from io import BytesIO

import pytest
import sqlalchemy as sa

from bimtek.accounts.models import Duty, Role
from bimtek.attendance import rules, services
from bimtek.attendance.models import AttendanceOverride, AttendanceRecord, SessionSummary
from bimtek.extensions import db as _db
from bimtek.registration.models import Registration
from tests.factories import make_staff, make_training, make_user
from tests.integration.registration_helpers import open_training

PEOPLE = 63  # more than one page of 50


def _people(training, count=PEOPLE, **fields):
    """Registrations inserted in one statement (as bench/scale_seed.py does)."""
    kabupaten = ("Bangka", "Belitung", "Pangkalpinang")
    _db.session.execute(sa.insert(Registration), [
        {"training_id": training.id, "seq": i, "number": f"{training.code}-{i:04d}", "status": "registered",
         "nama_lengkap": f"{'Santoso' if i % 7 == 0 else 'Peserta'} Nomor {i}", "jenis_kelamin": "L",
         "email": f"p{i}@example.id", "kabupaten": kabupaten[i % 3], "instansi": f"Desa {i % 5}", **fields}
        for i in range(1, count + 1)])
    _db.session.commit()
    return _db.session.scalars(sa.select(Registration).where(Registration.training_id == training.id)
                               .order_by(Registration.seq)).all()


def _attend(training, registrations, seconds_of):
    """Records (and a summary) for the sessions; seconds_of(index, session number) → seconds or 0."""
    for no, session in enumerate(training.sessions):
        _db.session.add(SessionSummary(session_id=session.id, training_id=training.id, format="Zoom", warnings=[]))
        for index, registration in enumerate(registrations):
            seconds = seconds_of(index, no, session.duration_seconds)
            if seconds:
                _db.session.add(AttendanceRecord(training_id=training.id, session_id=session.id,
                                                 registration_id=registration.id, attended_seconds=seconds))
    _db.session.commit()


def _numbers(html):
    return re.findall(r">(T\d+-\d{4})<", html)


@pytest.fixture
def big(db, login_as):
    training = make_training(days=1)
    login_as(make_user(Role.ADMIN))
    registrations = _people(training)
    _attend(training, registrations, lambda i, no, length: length if i % 4 else (length // 2 if no else 0))
    return training, registrations


def test_overview_pages_and_keeps_search_and_result_filter_in_links(client, big):
    training, regs = big
    base = f"/kelola/pelatihan/{training.id}/kehadiran"
    first = client.get(base).get_data(as_text=True)
    assert len(_numbers(first)) == 50 and "1–50 dari 63" in first
    second = client.get(f"{base}?hal=2").get_data(as_text=True)
    assert _numbers(second) == [r.number for r in regs[50:]]
    assert f">{PEOPLE}<" in first  # the figures count everyone, not the page
    failed = client.get(f"{base}?hasil=tidak&q=nomor").get_data(as_text=True)
    assert set(_numbers(failed)) == {r.number for i, r in enumerate(regs) if i % 4 == 0}
    santoso = client.get(f"{base}?q=SANTOSO").get_data(as_text=True)
    assert _numbers(santoso) == [r.number for r in regs if r.nama_lengkap.startswith("Santoso")]
    drill = client.get(f"{base}?kabupaten=Belitung").get_data(as_text=True)
    assert _numbers(drill) == [r.number for r in regs if r.kabupaten == "Belitung"][:50]
    assert _numbers(client.get(f"{base}?hal=99").get_data(as_text=True)) == _numbers(second)


def test_page_links_keep_every_filter(client, big):
    training, regs = big
    html = client.get(f"/kelola/pelatihan/{training.id}/peserta?q=nomor&status=registered").get_data(as_text=True)
    links = set(re.findall(r'href="([^"]*hal=2[^"]*)"', html))
    assert links and all("q=nomor" in link and "status=registered" in link for link in links)
    page_two = client.get(next(iter(links)).replace("&amp;", "&")).get_data(as_text=True)
    assert "51–63 dari 63" in page_two and regs[-1].number in page_two and regs[0].number not in page_two


def test_session_table_pages_searches_and_counts_everyone(client, big):
    training, regs = big
    session = training.sessions[0]
    url = f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{session.id}"
    html = client.get(url).get_data(as_text=True)
    present = sum(1 for i in range(PEOPLE) if i % 4)
    assert f"{present}/{PEOPLE}" in html and regs[0].number in html and regs[55].number not in html
    assert regs[55].number in client.get(f"{url}?hal=2").get_data(as_text=True)
    found = client.get(f"{url}?cari={regs[41].number}").get_data(as_text=True)
    assert regs[41].number in found and regs[40].number not in found


def test_large_trainings_get_a_group_heatmap_and_a_number_box(client, db, login_as, monkeypatch):
    from bimtek.attendance import views

    training = make_training(days=1)
    login_as(make_user(Role.ADMIN))
    regs = _people(training, 12)
    _attend(training, regs, lambda i, no, length: length)
    monkeypatch.setattr(views, "HEATMAP_PEOPLE_MAX", 10)
    svg = client.get(f"/kelola/pelatihan/{training.id}/kehadiran/heatmap.svg").get_data(as_text=True)
    assert "Belitung (4)" in svg and "kabupaten=Belitung" in svg and regs[0].nama_lengkap not in svg
    assert "100%" in svg


def _varied(training, registrations):
    """Every kind of figure: absent, exact threshold, one second short, partial, overridden, full."""
    def seconds(i, no, length):
        needed = -(-length * 3 // 4)
        return (0, length, needed, needed - 1, length // 3, length + 5, 1)[(i + 2 * no) % 7]
    _attend(training, registrations, seconds)
    for k, (i, no) in enumerate(((0, 0), (3, 1), (8, 0), (9, 1))):
        _db.session.add(AttendanceOverride(training_id=training.id, session_id=training.sessions[no].id,
                                           registration_id=registrations[i].id, reason=f"alasan {k}",
                                           status=rules.STATUSES[k % len(rules.STATUSES)]))
    _db.session.commit()


def _oracle(training, registration):
    """The old computation: rules.evaluate over ORM records and overrides of one registration."""
    jp, rule = services.session_jp(training), services.training_rule(training)
    records = {r.session_id: r.attended_seconds for r in _db.session.scalars(sa.select(AttendanceRecord).where(
        AttendanceRecord.registration_id == registration.id))}
    manual = {str(o.session_id): rules.Override(o.status, o.reason) for o in _db.session.scalars(
        sa.select(AttendanceOverride).where(AttendanceOverride.registration_id == registration.id))}
    inputs = [rules.SessionInput(str(s.id), s.duration_seconds, records.get(s.id, 0), jp[s.id])
              for s in training.sessions]
    verdict = rules.evaluate(inputs, rule, manual)
    with_data = set(_db.session.scalars(sa.select(SessionSummary.session_id)))
    missing = sum(1 for s in training.sessions if s.id not in with_data)
    return replace(verdict, reason=f"{verdict.reason}; {missing} sesi belum ada data kehadiran") if missing \
        else verdict


@pytest.mark.parametrize("mode", ["sessions", "jp"])
def test_bulk_verdicts_equal_rules_evaluate_over_orm_rows(db, mode):
    training = make_training(days=2, pass_rule=mode, min_jp=9, min_sessions_share=0.5)
    regs = _people(training, 40)
    _varied(training, regs)
    _db.session.execute(sa.delete(SessionSummary).where(SessionSummary.session_id == training.sessions[-1].id))
    _db.session.commit()
    bulk = services.verdicts_for_training(training)
    assert bulk == {r.id: _oracle(training, r) for r in regs}
    assert {v.passed for v in bulk.values()} == {True, False}
    assert all(services.attendance_verdict_for(r) == bulk[r.id] for r in regs[:10])
    overview = services.training_overview(training)
    assert overview.passed == sum(v.passed for v in bulk.values()) and len(overview.rows) == 40


HEADER = "Nama Lengkap;NIP;Jabatan;Instansi;Kabupaten/Kota;Provinsi;Email;No. HP;Jenis Kelamin;Pangkat/Golongan\n"


def _line(i, email=None, phone=None):
    email, phone = email or f"imp{i}@example.id", phone or f"0812345{i:05d}"
    return f"Peserta {i};;Pengelola;Desa {i};Bangka;Babel;{email};{phone};L;\n"


def _upload(client, training, body):
    return client.post(f"/kelola/pelatihan/{training.id}/peserta/impor", content_type="multipart/form-data",
                       data={"file": (BytesIO(body.encode()), "peserta.csv")})


def test_batched_import_reports_bad_rows_in_indonesian_and_writes_nothing(client, db, login_as):
    training = open_training(code="IMP2030")
    login_as(make_staff(training, Duty.PANITIA))
    lines = [_line(i) for i in range(1, 1201)]
    lines[10] = _line(11, email="bukan-email")
    lines[700] = _line(701, phone="12")
    lines[1100] = _line(1101, email="imp5@example.id")
    response = _upload(client, training, HEADER + "".join(lines))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Baris 12:" in page and "Format email" in page
    assert "Baris 702:" in page and "Nomor HP" in page
    assert "Baris 1102:" in page and "sudah dipakai di baris 6" in page
    assert "Tidak ada data yang disimpan" in page
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_batched_import_numbers_after_existing_and_fills_seats_then_waiting_list(client, db, login_as):
    training = open_training(code="IMP2031", capacity=1003)
    login_as(make_staff(training, Duty.PANITIA))
    _people(training, 3)
    response = _upload(client, training, HEADER + "".join(_line(i) for i in range(1, 1201)))
    assert response.status_code == 302
    regs = db.session.scalars(sa.select(Registration).where(Registration.training_id == training.id)
                              .order_by(Registration.seq)).all()
    assert [r.seq for r in regs] == list(range(1, 1204))
    assert regs[3].number == "IMP2031-0004" and regs[-1].number == "IMP2031-1203"
    assert [r.status for r in regs[3:]] == ["registered"] * 1000 + ["waiting"] * 200
    assert all(r.waitlist_at for r in regs[1003:]) and all(r.user_id for r in regs[3:])
    assert regs[3].user.email == "imp1@example.id" and regs[3].user.role == Role.PESERTA.value
    assert datetime.now(timezone.utc) >= regs[-1].created_at


def _old_summary_figures(training):
    """The old RTL summary inputs: ORM queue items and display_rows."""
    from bimtek.action_plans import services as plans

    items = plans.queue_items(training)
    activities = [(item.registration.kabupaten, row.strategi) for item in items if item.plan
                  for row in plans.display_rows(item.plan)]
    return sorted(item.state for item in items), sorted(activities)


def test_rtl_summary_from_plain_rows_equals_the_orm_computation(db):
    from bimtek.action_plans.models import ActionPlan, ActionPlanVersion
    from bimtek.action_plans.services import recap

    training = make_training(days=1)
    regs = _people(training, 12)
    strategies = ("Peningkatan Layanan", "Pelibatan Masyarakat", "Advokasi")
    for i, reg in enumerate(regs[:10]):
        status = ("draft", "diajukan", "perlu_revisi", "disetujui")[i % 4]
        plan = ActionPlan(registration_id=reg.id, training_id=training.id, status=status,
                          rows=[{"key": "1", "strategi": strategies[i % 3]}])
        _db.session.add(plan)
        _db.session.flush()
        for number in range(1, (i % 3) + 1 if status != "draft" else 1):
            _db.session.add(ActionPlanVersion(plan_id=plan.id, number=number, rows=[
                {"key": str(k), "strategi": strategies[(i + number + k) % 3]} for k in range(number)]))
    _db.session.commit()
    states, activities = recap._plan_figures(training)
    assert (sorted(states), sorted(activities)) == _old_summary_figures(training)
    assert recap.summary(training)["participants"] == 12


def test_queue_assigns_by_typed_registration_number_in_large_trainings(client, db, login_as, monkeypatch):
    from bimtek.attendance import views
    from tests.integration.test_attendance_identities import (
        MAIN,
        SECOND,
        item_named,
        minutes,
        queue_names,
        setup,
        upload_and_apply,
    )

    training, regs, _ = setup.__wrapped__(db, login_as)
    first = training.sessions[0]
    upload_and_apply(client, training, first, "zoom.csv", MAIN)
    upload_and_apply(client, training, first, "kedua.csv", SECOND)
    monkeypatch.setattr(views, "PICKER_MAX", 2)
    url = f"/kelola/pelatihan/{training.id}/kehadiran/sesi/{first.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="registration_number"' in page and "— pilih peserta —" not in page
    item = item_named(db, first, "HP Maria")
    unknown = client.post(f"{url}/antrean/{item.id}", data={"registration_number": "X-9999"}, follow_redirects=True)
    assert "Nomor registrasi X-9999 tidak ditemukan" in unknown.get_data(as_text=True)
    number = regs["Maria Ulfa"].number.lower()
    assert client.post(f"{url}/antrean/{item.id}", data={"registration_number": f" {number} "}).status_code == 302
    db.session.expire_all()
    assert "HP Maria" not in queue_names(first) and minutes(first, regs["Maria Ulfa"]) == 180
