from datetime import date, datetime, time, timezone

import pytest

from bimtek.core.errors import ValidationError
from bimtek.trainings import schedule
from bimtek.trainings.schedule import SessionTimes, Slot

TZ = "Asia/Jakarta"
START, END = date(2020, 7, 21), date(2020, 7, 23)


def utc(day, hour, minute=0):
    return datetime(2020, 7, day, hour, minute, tzinfo=timezone.utc)


def test_three_days_two_slots_is_six_sessions_in_utc():
    sessions = schedule.generate_sessions(START, END, [Slot(time(13), time(16)), Slot(time(8), time(12))], TZ)
    assert len(sessions) == 6
    assert sessions[0].start == utc(21, 1) and sessions[0].end == utc(21, 5)  # 08.00–12.00 WIB
    assert sessions[1].start == utc(21, 6)  # slots are ordered by time whatever the input order
    assert [s.label for s in sessions] == [f"Sesi {i}" for i in range(1, 7)]


def test_weekend_days_can_be_skipped():
    sessions = schedule.generate_sessions(date(2020, 7, 24), date(2020, 7, 27), [Slot(time(8), time(12))], TZ,
                                          skip_weekdays=(5, 6))
    assert len(sessions) == 2  # Friday and Monday


@pytest.mark.parametrize("slots, message", [
    ([], "minimal satu slot"),
    ([Slot(time(12), time(8))], "jam selesai harus setelah jam mulai"),
    ([Slot(time(8), time(12)), Slot(time(11), time(14))], "bertumpang tindih"),
])
def test_generate_rejects_bad_slots(slots, message):
    with pytest.raises(ValidationError, match=message):
        schedule.generate_sessions(START, END, slots, TZ)


def test_end_before_start_date_is_rejected():
    with pytest.raises(ValidationError, match="Tanggal selesai"):
        schedule.training_days(END, START)


def test_errors_name_the_sessions_and_local_times():
    sessions = [
        SessionTimes(utc(21, 1), utc(21, 5), "Sesi 1"),
        SessionTimes(utc(21, 4), utc(21, 6), "Sesi 2"),
        SessionTimes(utc(24, 1), utc(24, 5), "Sesi 3"),
        SessionTimes(utc(22, 5), utc(22, 1), "Sesi 4"),
    ]
    errors = schedule.schedule_errors(sessions, START, END, TZ)
    assert "Sesi 4: jam selesai harus setelah jam mulai." in errors
    assert any("Sesi 3 (Jumat, 24 Juli 2020 08.00–12.00 WIB) berada di luar tanggal pelatihan (21–23 Juli 2020)" in e
               for e in errors)
    assert any(e.startswith("Sesi 1 dan Sesi 2 bertumpang tindih") for e in errors)


def test_session_outside_dates_by_local_day():
    # 23.30 UTC on 20 July is 06.30 WIB on 21 July: inside the training.
    ok = SessionTimes(datetime(2020, 7, 20, 23, 30, tzinfo=timezone.utc), utc(21, 1), "Sesi 1")
    assert schedule.schedule_errors([ok], START, END, TZ) == []
    # 17.30 UTC on 23 July is 00.30 WIB on 24 July: outside.
    late = SessionTimes(datetime(2020, 7, 23, 17, 30, tzinfo=timezone.utc), datetime(2020, 7, 23, 18, 0,
                        tzinfo=timezone.utc), "Sesi 9")
    assert schedule.schedule_errors([late], START, END, TZ)


def test_back_to_back_sessions_do_not_overlap():
    sessions = [SessionTimes(utc(21, 1), utc(21, 5), "A"), SessionTimes(utc(21, 5), utc(21, 8), "B")]
    schedule.validate_schedule(sessions, START, END, TZ)


def test_group_by_local_day_and_jp():
    sessions = schedule.generate_sessions(START, END, [Slot(time(8), time(12)), Slot(time(13), time(16))], TZ)
    days = schedule.group_by_local_day(sessions, TZ)
    assert [d for d, _ in days] == [date(2020, 7, 21), date(2020, 7, 22), date(2020, 7, 23)]
    assert all(len(items) == 2 for _, items in days)
    assert schedule.total_jp([2, 3, 3, 3, 3, 4, 3, 3, 3, 3]) == 30
    assert schedule.jp_to_minutes(30) == 1350
    assert schedule.jp_to_minutes(2, minutes_per_jp=40) == 80


def test_wita_training():
    sessions = schedule.generate_sessions(START, START, [Slot(time(8), time(12))], "Asia/Makassar")
    assert sessions[0].start == utc(21, 0)
