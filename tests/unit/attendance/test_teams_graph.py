"""Microsoft Graph attendanceRecords JSON as an upload (attendance-formats.md §4.4), null join/leave handled."""
import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bimtek.attendance.engine import analyse_session
from bimtek.attendance.parsers import parse_file
from bimtek.attendance.segments import FLAG_MISSING_LEAVE, ROLE_HOST, LogFormatError

START = datetime(2024, 3, 5, 1, 0, tzinfo=timezone.utc)
END = datetime(2024, 3, 5, 5, 0, tzinfo=timezone.utc)


def record(name, email, role, *intervals):
    return {"id": email or name, "emailAddress": email, "role": role, "totalAttendanceInSeconds": 0,
            "identity": {"id": "x", "displayName": name, "tenantId": None},
            "attendanceIntervals": [{"joinDateTime": j, "leaveDateTime": leave, "durationInSeconds": d}
                                    for j, leave, d in intervals]}


RECORDS = [
    record("Budi Santoso", "budi.santoso@example.id", "Attendee",
           ("2024-03-05T00:58:12Z", "2024-03-05T01:40:00Z", 2508), ("2024-03-05T01:42:30.123Z", None, 3600)),
    record("Siti Rahayu", "", "Attendee", ("2024-03-05T01:30:00Z", None, None)),
    record("Panitia Dinas", "panitia@example.id", "Organizer", ("2024-03-05T00:50:00Z", "2024-03-05T05:00:00Z", 1)),
    record("Tanpa Waktu", "", "Attendee", (None, None, None)),
]


@pytest.mark.parametrize("shape", ["value", "report", "list"])
def test_graph_records_are_read_in_every_shape(shape):
    body = {"value": {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#…", "value": RECORDS},
            "report": {"id": "r1", "meetingStartDateTime": "2024-03-05T00:50:00Z",
                       "meetingEndDateTime": "2024-03-05T04:30:00Z", "attendanceRecords": RECORDS},
            "list": RECORDS}[shape]
    parsed = parse_file("attendanceRecords.json", json.dumps(body).encode(), "Asia/Jakarta", START, END)
    assert parsed.format == "teams_graph_json"
    budi = [s for s in parsed.segments if s.name == "Budi Santoso"]
    assert [(s.join.minute, s.leave.minute) for s in budi] == [(58, 40), (42, 42)]  # null leave = join + duration
    siti = next(s for s in parsed.segments if s.name == "Siti Rahayu")
    assert FLAG_MISSING_LEAVE in siti.flags
    assert siti.leave == (datetime(2024, 3, 5, 4, 30, tzinfo=timezone.utc) if shape == "report" else END)
    assert next(s for s in parsed.segments if s.name == "Panitia Dinas").role == ROLE_HOST
    assert not any(s.name == "Tanpa Waktu" for s in parsed.segments)
    assert any("dilewati" in w for w in parsed.warnings)


def test_graph_records_feed_the_engine():
    data = json.dumps({"value": RECORDS}).encode()
    result = analyse_session([("attendanceRecords.json", data)], START, END, ZoneInfo("Asia/Jakarta"))
    budi = next(p for p in result.people if p.email == "budi.santoso@example.id")
    assert budi.attended_seconds == (40 + 60) * 60  # clipped at 08.00 WIB; 08.42.30 + 3,600 s


def test_broken_graph_time_names_the_record():
    bad = [record("Budi", "", "Attendee", ("kemarin", "2024-03-05T01:00:00Z", 1))]
    with pytest.raises(LogFormatError) as failure:
        parse_file("attendanceRecords.json", json.dumps(bad).encode(), "Asia/Jakarta", START, END)
    assert "baris 1" in str(failure.value)
