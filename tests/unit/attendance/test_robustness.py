"""Arbitrary bytes give LogFormatError or a result — never another exception."""

from hypothesis import HealthCheck, given, settings, strategies as st

from bimtek.attendance.parsers import parse_file
from bimtek.attendance.segments import LogFormatError

HEADERS = [b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n",
           b"\xff\xfe1\x00.\x00 \x00S\x00", b"Attendee Report,\n", b'{"participants": [', b"PK\x03\x04",
           b"Full Name\tUser Action\tTimestamp\n", b"First name,Last name,Email,Duration,Time joined,Time exited\n"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(HEADERS + [b""]), body=st.binary(max_size=300))
def test_parsers_raise_only_log_format_error(prefix, body):
    try:
        parse_file("x.csv", prefix + body, "UTC")
    except LogFormatError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("x.csv baris ")


ROW = st.lists(st.sampled_from(["Budi", "", "03/05/2024 08:55:03 AM", "13/13/2024 25:00", "--", "Yes", "a@b.id",
                                "Mar 05, 2025 09:02:10", "1h 2m"]), max_size=9)


@settings(max_examples=100, deadline=None)
@given(prefix=st.sampled_from(HEADERS[:1] + HEADERS[2:3] + HEADERS[5:]), rows=st.lists(ROW, max_size=6))
def test_structured_garbage_only_raises_log_format_error(prefix, rows):
    body = "\n".join(",".join(r) for r in rows).encode()
    try:
        parse_file("y.csv", prefix + body, "UTC")
    except LogFormatError:
        pass
