"""Microsoft Graph attendanceRecords JSON (pure): `GET …/onlineMeetings/{id}/attendanceReports/{id}/
attendanceRecords` ({"value": [...]}), an attendanceReport with expanded "attendanceRecords", or a bare list.

Each record: emailAddress, identity.displayName, role (None|Attendee|Presenter|Organizer) and
attendanceIntervals [{joinDateTime, leaveDateTime, durationInSeconds}] in UTC. Graph leaves a time null when it
has no data: a missing join is rebuilt from leave − duration, a missing leave from join + duration, else from
the meeting end (or the session end) and flagged; an interval with neither is skipped with a warning.
`line` of a segment is the 1-based position of its record.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bimtek.attendance.decoding import Source
from bimtek.attendance.parsers.tables import ROLE_WORDS, ParseContext
from bimtek.attendance.segments import FLAG_MISSING_LEAVE, NO_FLAGS, ROLE_ATTENDEE, Segment, clean_email

EXPECTED_GRAPH = "JSON attendanceRecords Microsoft Graph (attendanceIntervals dengan joinDateTime/leaveDateTime)"


def _records(value):
    if isinstance(value, dict):
        value = value.get("value", value.get("attendanceRecords"))
    if isinstance(value, list) and value and all(isinstance(r, dict) and "attendanceIntervals" in r for r in value):
        return value
    return None


def _report_end(value):
    return _utc(value.get("meetingEndDateTime")) if isinstance(value, dict) else None


def looks_like_graph_records(source: Source) -> bool:
    return source.is_json and _records(source.json) is not None


def _utc(text):
    if not text:
        return None
    value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def parse_graph_records(source: Source, ctx: ParseContext) -> list[Segment]:
    records = _records(source.json)
    if records is None:
        raise ctx.error(1, "struktur JSON tidak dikenali", EXPECTED_GRAPH)
    fallback_end = _report_end(source.json) or ctx.end
    segments, skipped = [], 0
    for line, record in enumerate(records, start=1):
        identity = record.get("identity") if isinstance(record.get("identity"), dict) else {}
        name = str(identity.get("displayName") or record.get("emailAddress") or "").strip()
        email = clean_email(str(record.get("emailAddress") or ""))
        role = ROLE_WORDS.get(str(record.get("role") or "").lower(), ROLE_ATTENDEE)
        for interval in record.get("attendanceIntervals") or []:
            try:
                segment = _interval(interval, name, email, role, line, ctx, fallback_end)
            except (ValueError, TypeError, OverflowError) as exc:
                raise ctx.error(line, f"joinDateTime/leaveDateTime tidak valid ({exc})", "waktu ISO-8601 UTC") from exc
            if segment is None:
                skipped += 1
            else:
                segments.append(segment)
    if skipped:
        ctx.warn(f"{skipped} interval tanpa nama atau tanpa waktu masuk/keluar dilewati")
    return segments


def _interval(interval, name, email, role, line, ctx, fallback_end):
    if not name or not isinstance(interval, dict):
        return None
    join, leave = _utc(interval.get("joinDateTime")), _utc(interval.get("leaveDateTime"))
    duration = interval.get("durationInSeconds")
    seconds = timedelta(seconds=int(duration)) if isinstance(duration, (int, float)) and duration >= 0 else None
    flags = NO_FLAGS
    if join is None and leave is not None and seconds is not None:
        join = leave - seconds
    if join is not None and leave is None:
        if seconds is not None:
            leave = join + seconds
        elif fallback_end is not None and fallback_end > join:
            leave, flags = fallback_end, frozenset({FLAG_MISSING_LEAVE})
    if join is None or leave is None or leave < join:
        return None
    return Segment(name, name, email, join, leave, ctx.filename, line, role=role, flags=flags)
