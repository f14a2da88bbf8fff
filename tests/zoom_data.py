"""The Zoom meeting used by the Zoom tests: session 21 Juli 2020 08.00–12.00 WIB (01:00–05:00 UTC)."""
from datetime import datetime, timezone

from tests.zoom_standin import participant

MEETING_ID = "81234567890"
START = datetime(2020, 7, 21, 1, 0, tzinfo=timezone.utc)
END = datetime(2020, 7, 21, 5, 0, tzinfo=timezone.utc)
SLASH_UUID = "/aBc//dEf+gH=="         # starts with '/' and contains '//': must be double-encoded
RESTART_UUID = "Xyz+123/456=="        # the host restarted the meeting
OLD_UUID = "0ld+Uuid=="               # the day before: outside the window

FIRST = [
    participant("SPP2020-0001 Budi Santoso", "2020-07-21T00:55:00Z", "2020-07-21T02:30:00Z"),
    participant("Siti Rahayu", "2020-07-21T01:02:00Z", "2020-07-21T03:00:00Z", "siti@example.id"),
    participant("iPhone", "2020-07-21T01:10:00Z", "2020-07-21T02:00:00Z"),
    participant("Budi Santoso", "2020-07-21T02:35:00Z", "2020-07-21T03:00:00Z"),
    participant("Tamu Luar", "2020-07-21T01:00:00Z", "2020-07-21T01:20:00Z", status="in_waiting_room"),
]
SECOND = [
    participant("SPP2020-0001 Budi Santoso", "2020-07-21T03:12:00Z", "2020-07-21T05:05:00Z"),
    participant("Siti Rahayu", "2020-07-21T03:11:00Z", "2020-07-21T04:50:00Z", "siti@example.id"),
]
OLD = [participant("Orang Kemarin", "2020-07-20T01:00:00Z", "2020-07-20T05:00:00Z")]


def load(zoom):
    """Put the three instances on a StandInZoom; pages of 2 so every report has several pages."""
    zoom.max_page_size = 2
    zoom.add_instance(MEETING_ID, OLD_UUID, "2020-07-20T00:58:00Z", OLD)
    zoom.add_instance(MEETING_ID, SLASH_UUID, "2020-07-21T00:50:00Z", FIRST)
    zoom.add_instance(MEETING_ID, RESTART_UUID, "2020-07-21T03:10:00Z", SECOND)
    return zoom
