"""Every published sample parses; key numbers are checked against values computed by hand or by a
second, deliberately naive method (per-second sets with csv + strptime)."""

import csv
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bimtek.attendance.engine import analyse_session
from bimtek.attendance.parsers import parse_file
from bimtek.attendance.segments import LogFormatError

LOCAL = Path(__file__).resolve().parent / "data" / "samples"
SAMPLES = LOCAL if LOCAL.is_dir() else Path(__file__).parents[3] / ".." / "shared" / "samples"

UTC = timezone.utc
WIB = ZoneInfo("Asia/Jakarta")

# (relative path, format, segments, distinct people by e-mail-or-original-name)
CASES = [
    ("zoom-participants/zoomcsv__participants_123456789.csv", "zoom_participants", 97, 89),
    ("zoom-participants/zoomclass__participants_heroes.csv", "zoom_participants", 31, 27),
    ("zoom-participants/zoomclass__participants_heroes_full.csv", "zoom_participants", 31, 27),
    ("zoom-participants/zoomgroupstats__meeting001_participants.csv", "zoom_unique_users", 10, 10),
    ("zoom-participants/zoomgroupstats__meeting002_participants.csv", "zoom_unique_users", 10, 10),
    ("zoom-participants/zoomgroupstats__meeting003_participants.csv", "zoom_unique_users", 10, 10),
    ("zoom-participants/zoomgroupstats__sample_participants_excel-resaved.csv", "zoom_unique_users", 9, 9),
    ("zoom-participants/zoom_participant__example_ja.csv", "zoom_participants", 204, 204),
    ("zoom-participants/zoom_participant__example2_ja.csv", "zoom_participants", 114, 114),
    ("zoom-webinar/ZoomReports__Anonymized_Zoom_Attendee_Report.csv", "zoom_webinar", 1 + 73 + 924 + 4, None),
    ("teams/teams-attendance__IDL-14-11-22_utf16be.csv", "teams_report", 7, 7),
    ("teams/teams-attendance__IDL-14-11-22_utf8.csv", "teams_report", 7, 7),
    ("teams/teams-attendance__IDL-15-11-22_utf16be.csv", "teams_report", 8, 8),
    ("teams/teams-attendance__IDL-16-11-22_utf16be.csv", "teams_report", 8, 8),
    ("teams/teams-attendance-pl__Raport_obecnosci_3-10-25_utf16le.csv", "teams_report", 7, 7),
    ("teams/klassenbuch__meetingAttendanceList_utf16le.csv", "teams_attendance_list", 19, 5),
    ("teams/ms_teams_formatter__meetingAttendanceList_excel-utf8.csv", "teams_attendance_list", 38, 38),
]


def test_every_sample_file_is_covered():
    listed = {case[0] for case in CASES} | {"meet/meet-attendance__Meet_Attendance_-_Attendance_extension.csv"}
    on_disk = {str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*.csv")}
    assert on_disk == listed


@pytest.mark.parametrize("relative, fmt, count, people", CASES)
def test_sample_parses(sample_bytes, relative, fmt, count, people):
    parsed = parse_file(relative.split("/")[-1], sample_bytes(relative), "UTC")
    assert parsed.format == fmt
    assert len(parsed.segments) == count
    if people is not None:
        assert len({s.email or s.original_name for s in parsed.segments}) == people
    assert all(s.line >= 1 for s in parsed.segments)


def test_meet_extension_grid_is_rejected_clearly(sample_bytes):
    name = "meet-attendance__Meet_Attendance_-_Attendance_extension.csv"
    with pytest.raises(LogFormatError) as info:
        parse_file(name, sample_bytes("meet/" + name), "UTC")
    assert str(info.value).startswith(name + " baris 1:")
    assert "\n" not in str(info.value)


def _naive_union_seconds(rows, fmt, start, end):
    """Second method: a set of covered whole seconds (slow, obviously right)."""
    covered = set()
    for join, leave in rows:
        a = max(datetime.strptime(join, fmt), start)
        b = min(datetime.strptime(leave, fmt), end)
        covered.update(range(int(a.timestamp()), int(b.timestamp())))
    return len(covered)


def test_lou_gecko_union_matches_independent_count(sample_bytes):
    relative = "zoom-participants/zoomcsv__participants_123456789.csv"
    data = sample_bytes(relative)
    lines = data.decode("utf-8").splitlines()[3:]
    rows = [(r[2], r[3]) for r in csv.reader(lines[1:]) if r and r[0] == "Lou Gecko"]
    assert len(rows) == 6
    fmt = "%m/%d/%Y %I:%M:%S %p"
    start, end = datetime(2020, 4, 15, 15, 42, 15), datetime(2020, 4, 15, 18, 7, 30)
    expected = _naive_union_seconds(rows, fmt, start, end)
    result = analyse_session([("p.csv", data)], start.replace(tzinfo=UTC), end.replace(tzinfo=UTC), "UTC")
    lou = [p for p in result.people if p.email == "lou.gecko@grenoble.fr"]
    assert len(lou) == 1 and lou[0].rows == 6
    assert lou[0].attended_seconds == expected
    assert "concurrent_devices" in lou[0].flags  # the nested 04:50:09–04:54:15 row


def test_power_girl_two_devices_counted_once_and_clipped(sample_bytes):
    data = sample_bytes("zoom-participants/zoomclass__participants_heroes_full.csv")
    start = datetime(2021, 11, 19, 10, 0, tzinfo=WIB)
    result = analyse_session([("h.csv", data)], start, start + timedelta(hours=2), WIB)
    person = next(p for p in result.people if p.email == "power-girl_kryptonian@dc.com")
    # by hand: 10:08:26 → 12:00:00 (window end) = 1 h 51 min 34 s, both devices overlap fully
    assert person.attended_seconds == 3600 + 51 * 60 + 34
    loki = next(p for p in result.people if p.email == "loki_asgardian@marvel.com")
    assert loki.attended_seconds == 7200  # joined 9:54:15, clipped to the window start


def test_teams_person_total_by_hand(sample_bytes):
    data = sample_bytes("teams/teams-attendance__IDL-14-11-22_utf16be.csv")
    start = datetime(2022, 11, 14, 9, 0, tzinfo=UTC)
    result = analyse_session([("t.csv", data)], start, start + timedelta(hours=2), "UTC")
    johnny = next(p for p in result.people if p.email == "johnny.walker@scotch.aero")
    assert johnny.attended_seconds == 19 * 60 + 20  # 09:30:52 → 09:50:12
    assert "panelist" in johnny.flags
    assert "host" in next(p for p in result.people if p.name == "JANSSENS JAN (EXT)").flags


def test_utf16be_and_utf8_twin_give_identical_segments(sample_bytes):
    a = parse_file("a.csv", sample_bytes("teams/teams-attendance__IDL-14-11-22_utf16be.csv"), "UTC")
    b = parse_file("a.csv", sample_bytes("teams/teams-attendance__IDL-14-11-22_utf8.csv"), "UTC")
    assert [s.dedup_key() for s in a.segments] == [s.dedup_key() for s in b.segments]


def test_klassenbuch_day_first_from_session_date(sample_bytes):
    data = sample_bytes("teams/klassenbuch__meetingAttendanceList_utf16le.csv")
    start = datetime(2020, 12, 11, 12, 0, tzinfo=WIB)
    result = analyse_session([("k.csv", data)], start, start + timedelta(hours=4), WIB)
    max_ = next(p for p in result.people if p.name == "Mustermann Max")
    # by hand: 17:54 + 11:07 + 0:38 + 5:36
    assert max_.attended_seconds == 1074 + 667 + 38 + 336
    assert max_.first_join.astimezone(WIB).date().day == 11
    assert not any("ambigu" in w for w in result.warnings)


def test_excel_teams_list_open_sessions_close_at_session_end(sample_bytes):
    data = sample_bytes("teams/ms_teams_formatter__meetingAttendanceList_excel-utf8.csv")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    names = {r[0] for r in rows}
    without_left = {n for n in names if not any(r[0] == n and r[1] == "Left" for r in rows)}
    chicago = ZoneInfo("America/Chicago")
    start = datetime(2020, 11, 4, 9, 50, tzinfo=chicago)
    result = analyse_session([("m.csv", data)], start, start + timedelta(minutes=30), chicago)
    flagged = {p.name for p in result.people if "missing_leave" in p.flags}
    assert flagged == without_left and len(flagged) == 19
    assert sum("joined_before" in p.flags for p in result.people) == 4


def test_webinar_roles_and_attendee_people(sample_bytes):
    data = sample_bytes("zoom-webinar/ZoomReports__Anonymized_Zoom_Attendee_Report.csv")
    parsed = parse_file("w.csv", data, "UTC")
    attendee_emails = {s.email for s in parsed.segments if s.role == "attendee" and s.email}
    assert len(attendee_emails) == 455
    assert sum(s.role == "host" for s in parsed.segments) == 1
    assert sum(s.role == "panelist" for s in parsed.segments) == 73
    assert sum(1 for s in parsed.segments if s.role == "attendee" and not s.email) == 4  # Other Attended


def test_unique_users_are_totals_only_and_flagged(sample_bytes):
    data = sample_bytes("zoom-participants/zoomgroupstats__meeting001_participants.csv")
    start = datetime(2020, 9, 24, 11, 35, tzinfo=UTC)
    result = analyse_session([("u.csv", data)], start, start + timedelta(minutes=75), "UTC")
    assert all("unclippable" in p.flags for p in result.people)
    assert next(p for p in result.people if p.name == "Ringo Starr").attended_seconds == 53 * 60
    assert any("durasi total" in w for w in result.warnings)


def test_japanese_minutes_and_tokyo_zone(sample_bytes):
    data = sample_bytes("zoom-participants/zoom_participant__example_ja.csv")
    parsed = parse_file("ja.csv", data, "Asia/Tokyo")
    first = parsed.segments[0]
    assert first.name == "太郎1" and first.email == ""  # masked address is not an e-mail
    assert first.join == datetime(2020, 12, 7, 23, 35, tzinfo=UTC)
