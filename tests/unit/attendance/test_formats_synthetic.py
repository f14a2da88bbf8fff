"""Formats without a public sample, built here from the documented header literals (§1–§5)."""

import io
import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bimtek.attendance.engine import analyse_session
from bimtek.attendance.parsers import parse_file
from bimtek.attendance.segments import LogFormatError

UTC = timezone.utc
WIB = ZoneInfo("Asia/Jakarta")

ZOOM_2022 = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent,In Waiting Room\n"
    "Budi (Budi Santoso),budi.santoso@example.id,03/05/2024 08:55:03 AM,03/05/2024 09:40:10 AM,46,No,,No\n"
    "Siti Rahayu,,03/05/2024 09:01:44 AM,03/05/2024 11:02:40 AM,121,Yes,,No\n"
    "Budi (Budi Santoso),budi.santoso@example.id,03/05/2024 09:41:02 AM,03/05/2024 11:02:39 AM,82,No,,No\n"
    "Andi,,03/05/2024 08:50:00 AM,03/05/2024 08:59:00 AM,9,Yes,,Yes\n"
)
ZOOM_2025 = (
    "Meeting ID,Topic,Start time,End time,Email,Duration (minutes),Participants\n"
    "852 1848 6288,Bimtek,03/05/2024 08:50:00 AM,03/05/2024 11:05:00 AM,host@example.id,135,3\n"
    "\n"
    "Name (original name),Email,Join time,Leave time,Duration (minutes),Guest,In waiting room\n"
    "Budi (Budi Santoso),budi.santoso@example.id,03/05/2024 08:55:03 AM,03/05/2024 09:40:10 AM,46,No,No\n"
)
ZOOM_GERMAN = (
    "Name (ursprünglicher Name),E-Mail,Beitrittszeit,Austrittszeit,Dauer (Minuten)\n"
    "Jürgen Müller,jm@example.de,13.03.2024 09:00:00,13.03.2024 10:30:00,90\n"
)
ACTIVE_HOSTS = (
    "Topic,Meeting ID,User Name,User Email,Department,Group,Has Zoom Rooms,Creation Time,Start Time,End Time,"
    "Duration (Minutes),Participants,Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),"
    "Guest,Recording Consent,In Waiting Room,Marketing Opt-in?\n"
    "Bimtek,852 1848 6288,Host,host@example.id,,,No,01/06/2023 00:01,01/06/2023 09:00,01/06/2023 11:00,120,2,"
    "Budi,budi@example.id,01/06/2023 09:00,01/06/2023 10:00,60,No,,No,\n"
    "Bimtek,852 1848 6288,Host,host@example.id,,,No,01/06/2023 00:01,01/06/2023 09:00,01/06/2023 11:00,120,2,"
    "Siti,siti@example.id,01/06/2023 09:30,01/06/2023 11:00,90,No,,No,\n"
)
WEBINAR_2025 = (
    "\ufeffAttendee Report,,,,,,,,,,,,,\n"
    'Report Generated:,"Mar 23, 2025 6:26 PM",,,,,,,,,,,,\n'
    "Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled,Unique Viewers,"
    "Total Users,Max Concurrent Views,Enable Registration,,,,\n"
    'Bimtek,847 5984 1045,"Mar 05, 2025 09:00:00",120,3,0,2,3,2,Yes,,,,\n'
    "Host Details,,,,,,,,,,,,,\n"
    "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,"
    "Country/Region Name,,,,,,\n"
    'Yes,Host,host@example.id,"Mar 05, 2025 08:50:00","Mar 05, 2025 11:10:00",140,No,Indonesia,,,,,,\n'
    "Panelist Details,,,,,,,,,,,,,\n"
    "Attendee Details,,,,,,,,,,,,,\n"
    "Attended,User Name (Original Name),First Name,Last Name,Email,Phone,Registration Time,Approval Status,"
    "Join Time,Leave Time,Time in Session (minutes),Is Guest,Jabatan,Country/Region Name\n"
    'Yes,Budi (Budi Santoso),Budi,Santoso,budi.santoso@example.id,0812000000,"Mar 01, 2025 10:11:12",approved,'
    '"Mar 05, 2025 09:02:10","Mar 05, 2025 10:15:44",74,No,Guru,Indonesia\n'
    'Yes,Budi (Budi Santoso),Budi,Santoso,budi.santoso@example.id,0812000000,,,"Mar 05, 2025 10:20:03",'
    '"Mar 05, 2025 11:00:00",40,No,Guru,Indonesia\n'
    'No,Siti Rahayu,Siti,Rahayu,siti.r@example.id,0813000000,"Mar 02, 2025 08:00:00",approved,--,--,--,--,Dosen,\n'
)
TEAMS_2021 = "\n".join([
    "Meeting Summary",
    "Total Number of Participants\t2",
    "Meeting Title\tBimtek",
    "Meeting Start Time\t3/5/2021, 8:55:00 AM",
    "Meeting End Time\t3/5/2021, 11:00:00 AM",
    "",
    "",
    "Full Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\tParticipant ID (UPN)",
    "Budi Santoso\t3/5/2021, 8:58:12 AM\t3/5/2021, 9:40:00 AM\t41m 48s\tbudi@example.id\tOrganizer\tbudi@example.id",
    ("Budi Santoso\t3/5/2021, 9:42:30 AM\t3/5/2021, 11:00:03 AM\t1h 17m 33s\tbudi@example.id\tOrganizer"
     "\tbudi@example.id"),
    "Siti\t3/5/2021, 9:00:00 AM\t3/5/2021, 10:00:00 AM\t1h\t\tAttendee\t",
]) + "\n"
LIVE_EVENT = (
    "SessionId,ParticipantId,FullName,UserAgent,UtcEventTimestamp,Action,Role\n"
    "s1,p1,Budi Santoso,Edge,1/25/2022 1:00:00 AM,Joined,Attendee\n"
    "s1,p1,Budi Santoso,Edge,1/25/2022 2:30:00 AM,Left,Attendee\n"
    "s2,p1,Budi Santoso,Phone,1/25/2022 2:00:00 AM,Joined,Attendee\n"
    "s2,p1,Budi Santoso,Phone,1/25/2022 3:00:00 AM,Left,Attendee\n"
    "s3,p2,Siti,Edge,1/25/2022 1:10:00 AM,Joined,Presenter\n"
)
MEET = (
    "First name,Last name,Email,Duration,Time joined,Time exited\n"
    "Budi,Santoso,budi.santoso@example.id,1 hr 12 min,08:58:40,10:15:02\n"
    "Siti,Rahayu,siti@example.id,45 min,23:30:00,00:15:00\n"
)


def _segments(name, text, tz="Asia/Jakarta", encoding="utf-8", start=None, end=None):
    return parse_file(name, text.encode(encoding), tz, start, end)


@pytest.mark.parametrize("name, text, fmt, count", [
    ("zoom2022.csv", ZOOM_2022, "zoom_participants", 4),
    ("zoom2025.csv", ZOOM_2025, "zoom_participants", 1),
    ("zoom_de.csv", ZOOM_GERMAN, "zoom_participants", 1),
    ("hosts.csv", ACTIVE_HOSTS, "zoom_active_hosts", 2),
    ("webinar2025.csv", WEBINAR_2025, "zoom_webinar", 3),
    ("report.csv", TEAMS_2021, "teams_report_2021", 3),
    ("live.csv", LIVE_EVENT, "teams_live_event", 3),
])
def test_synthetic_formats_detected_and_parsed(name, text, fmt, count):
    window = datetime(2024, 3, 5, 1, tzinfo=UTC), datetime(2024, 3, 5, 4, tzinfo=UTC)
    parsed = _segments(name, text, start=window[0], end=window[1])
    assert (parsed.format, len(parsed.segments)) == (fmt, count)


def test_zoom_2022_waiting_room_guest_and_rename():
    start = datetime(2024, 3, 5, 9, 0, tzinfo=WIB)
    result = analyse_session([("z.csv", ZOOM_2022.encode())], start, start + timedelta(hours=2), WIB)
    budi = next(p for p in result.people if p.email == "budi.santoso@example.id")
    # by hand: 09:00:00–09:40:10 (40:10) + 09:41:02–11:00:00 (78:58)
    assert budi.attended_seconds == 2410 + 4738
    andi = next(p for p in result.people if p.name == "Andi")
    assert andi.attended_seconds == 0 and "waiting_room" in andi.flags
    assert "guest" in next(p for p in result.people if p.name == "Siti Rahayu").flags


def test_german_dotted_dates_are_day_first():
    parsed = _segments("de.csv", ZOOM_GERMAN, tz="Europe/Berlin")
    assert parsed.segments[0].join == datetime(2024, 3, 13, 8, 0, tzinfo=UTC)


def test_active_hosts_maps_participant_columns_positionally():
    parsed = _segments("hosts.csv", ACTIVE_HOSTS, start=datetime(2023, 1, 6, 1, tzinfo=UTC))
    assert [s.email for s in parsed.segments] == ["budi@example.id", "siti@example.id"]
    assert parsed.segments[0].join == datetime(2023, 1, 6, 2, 0, tzinfo=UTC)  # 09:00 WIB, m/d from the hint


def test_webinar_2025_keeps_host_apart_and_skips_no_show():
    parsed = _segments("w.csv", WEBINAR_2025, tz="UTC")
    roles = [(s.role, s.name, s.original_name) for s in parsed.segments]
    assert roles[0] == ("host", "Host", "Host")
    assert roles[1:] == [("attendee", "Budi", "Budi Santoso")] * 2


def test_teams_2021_utf16le_with_bom():
    parsed = parse_file("r.csv", b"\xff\xfe" + TEAMS_2021.encode("utf-16-le"), "UTC")
    assert parsed.format == "teams_report_2021"
    assert {s.role for s in parsed.segments} == {"host", "attendee"}


def test_live_event_is_utc_and_sessions_pair_per_device():
    start = datetime(2022, 1, 25, 8, 0, tzinfo=WIB)
    result = analyse_session([("l.csv", LIVE_EVENT.encode())], start, start + timedelta(hours=3), WIB)
    budi = next(p for p in result.people if p.name == "Budi Santoso")
    assert budi.attended_seconds == 2 * 3600  # 01:00–03:00 UTC union of two devices
    siti = next(p for p in result.people if p.name == "Siti")
    assert "missing_leave" in siti.flags and "panelist" in siti.flags


def test_meet_date_from_file_name_and_midnight_wrap():
    name = "2021-10-05 08:30 Bimtek - Attendance Report.csv"
    parsed = _segments(name, MEET, tz="UTC")
    assert parsed.format == "meet_attendance"
    siti = parsed.segments[1]
    assert siti.join == datetime(2021, 10, 5, 23, 30, tzinfo=UTC)
    assert siti.leave == datetime(2021, 10, 6, 0, 15, tzinfo=UTC)
    assert parsed.segments[0].total_seconds == 72 * 60


def test_meet_totals_capped_by_window_and_flagged():
    start = datetime(2021, 10, 5, 9, 0, tzinfo=UTC)
    result = analyse_session([("2021-10-05 x.csv", MEET.encode())], start, start + timedelta(hours=1), "UTC")
    budi = next(p for p in result.people if p.name == "Budi Santoso")
    assert budi.attended_seconds == 3600 and "unclippable" in budi.flags


def test_meet_without_any_date_is_rejected():
    with pytest.raises(LogFormatError, match="tanggal rapat"):
        _segments("attendance.csv", MEET)


def _api_page(records, token=""):
    return {"page_count": 1, "page_size": 300, "total_records": len(records), "next_page_token": token,
            "participants": records}


API_RECORDS = [
    {"id": "", "user_id": "16778240", "name": "Budi (Budi Santoso)", "user_email": "",
     "join_time": "2024-03-05T01:55:03Z", "leave_time": "2024-03-05T02:40:10Z", "duration": 2707,
     "status": "in_meeting", "failover": False},
    {"id": "", "user_id": "16779264", "name": "Siti Rahayu", "user_email": "siti@example.id",
     "join_time": "2024-03-05T01:50:00.660Z", "leave_time": "2024-03-05T01:55:00Z", "duration": 300,
     "status": "in_waiting_room", "failover": False},
]


@pytest.mark.parametrize("payload", [
    _api_page(API_RECORDS),
    [_api_page(API_RECORDS[:1], "t"), _api_page(API_RECORDS[1:])],
    API_RECORDS,
    {"participants": [dict(r, user_name=r["name"], email=r["user_email"]) for r in API_RECORDS]},
])
def test_api_json_variants(payload):
    parsed = parse_file("api.json", json.dumps(payload).encode(), "Asia/Jakarta")
    assert parsed.format == "zoom_api_json"
    assert [(s.name, s.original_name) for s in parsed.segments] == [("Budi", "Budi Santoso"),
                                                                    ("Siti Rahayu", "Siti Rahayu")]
    assert parsed.segments[0].join == datetime(2024, 3, 5, 1, 55, 3, tzinfo=UTC)
    assert "waiting_room" in parsed.segments[1].flags


def test_api_json_hash_means_comma():
    record = dict(API_RECORDS[0], name="Santoso# Budi")
    assert parse_file("a.json", json.dumps([record]).encode()).segments[0].name == "Santoso, Budi"


def test_past_meetings_without_times_rejected():
    payload = {"participants": [{"id": "x", "name": "Budi", "user_email": "b@example.id"}]}
    with pytest.raises(LogFormatError, match="past_meetings"):
        parse_file("past.json", json.dumps(payload).encode())


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_resave_with_real_datetimes():
    data = _xlsx([
        ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)"],
        ["Budi", "budi@example.id", datetime(2020, 9, 24, 13, 30), datetime(2020, 9, 24, 14, 45), 75],
    ])
    parsed = parse_file("z.xlsx", data, "Asia/Jakarta")
    assert parsed.format == "zoom_participants"
    assert parsed.segments[0].join == datetime(2020, 9, 24, 6, 30, tzinfo=UTC)


def test_xlsx_resave_with_excel_mangled_text_dates():
    data = _xlsx([
        ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "dum"],
        ["Budi", "budi@example.id", "9/24/20 13:30", "9/24/20 14:45", "75", None],
    ])
    segment = parse_file("z.xlsx", data, "UTC").segments[0]
    assert (segment.join, segment.leave) == (datetime(2020, 9, 24, 13, 30, tzinfo=UTC),
                                             datetime(2020, 9, 24, 14, 45, tzinfo=UTC))


def test_cp1252_resave_keeps_umlauts():
    parsed = _segments("de.csv", ZOOM_GERMAN, encoding="cp1252", tz="UTC")
    assert parsed.segments[0].name == "Jürgen Müller"


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                           ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"")])
def test_zoom_in_other_encodings(encoding, bom):
    parsed = parse_file("z.csv", bom + ZOOM_2022.encode(encoding), "UTC")
    assert parsed.format == "zoom_participants" and len(parsed.segments) == 4


def test_same_file_twice_counts_once():
    start = datetime(2024, 3, 5, 9, 0, tzinfo=WIB)
    once = analyse_session([("a.csv", ZOOM_2022.encode())], start, start + timedelta(hours=2), WIB)
    twice = analyse_session([("a.csv", ZOOM_2022.encode()), ("b.csv", ZOOM_2022.encode())],
                            start, start + timedelta(hours=2), WIB)
    assert [(p.name, p.attended_seconds, p.rows) for p in once.people] == \
           [(p.name, p.attended_seconds, p.rows) for p in twice.people]
    assert any("identik" in w for w in twice.warnings)


@pytest.mark.parametrize("name, data, fragment", [
    ("rapat.csv", b"foo,bar\n1,2\n", "rapat.csv baris 1: format tidak dikenali"),
    ("old.xls", b"\xd0\xcf\x11\xe0rest", "old.xls baris 1: berkas Excel lama"),
    ("bad.xlsx", b"PK\x03\x04garbage", "bad.xlsx baris 1:"),
    ("bad.json", b'{"participants": 3}', "bad.json baris 1:"),
])
def test_unknown_inputs_raise_one_line_error(name, data, fragment):
    with pytest.raises(LogFormatError) as info:
        parse_file(name, data)
    assert str(info.value).startswith(fragment) and "\n" not in str(info.value)
    assert "diharapkan" in str(info.value)


def test_bad_timestamp_names_the_line():
    text = ZOOM_2022.replace("03/05/2024 09:01:44 AM", "kemarin pagi")
    with pytest.raises(LogFormatError, match=r"^z\.csv baris 3: "):
        parse_file("z.csv", text.encode(), "UTC")


def test_every_detectable_format_has_a_name_for_people():
    """Issue 14: "Format terdeteksi: zoom_participants" showed the registry key."""
    from bimtek.attendance.parsers import DETECTORS, FORMAT_LABELS, PARSERS, format_labels

    keys = {key for key, _ in DETECTORS} | set(PARSERS)
    assert keys <= set(FORMAT_LABELS)
    assert all("_" not in FORMAT_LABELS[key] for key in keys)
    assert format_labels("zoom_participants+teams_report") == [
        "Zoom — laporan peserta", "Microsoft Teams — laporan kehadiran (2022+)"]
    assert format_labels("") == []
