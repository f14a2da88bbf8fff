"""Zoom API JSON: report participants pages (one, several, bare array) and the dashboard variant (pure).

`line` of a JSON segment is the 1-based position of the participant record across all pages.
"""

from __future__ import annotations

from bimtek.attendance.decoding import Source
from bimtek.attendance.parsers.tables import ParseContext, split_original_name
from bimtek.attendance.segments import FLAG_WAITING_ROOM, NO_FLAGS, Segment, clean_email
from bimtek.attendance.timeparse import DateReader

EXPECTED_JSON = "respons API Zoom report/meetings/{id}/participants dengan join_time dan leave_time"


def _records(value) -> list | None:
    """Participant records of a page, a list of pages or a bare array; None if the shape is foreign."""
    if isinstance(value, dict):
        items = value.get("participants")
        return items if isinstance(items, list) else None
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        if all("participants" in item for item in value):
            pages = [item["participants"] for item in value]
            if all(isinstance(page, list) for page in pages):
                return [record for page in pages for record in page]
            return None
        return value
    return None


def looks_like_api_json(source: Source) -> bool:
    """JSON object with `participants` or array of participant objects/pages."""
    return source.is_json and _records(source.json) is not None


def parse_api_json(source: Source, ctx: ParseContext) -> list[Segment]:
    """Segments from participant records; rejects past_meetings data without join/leave times."""
    records = _records(source.json)
    if records is None:
        raise ctx.error(1, "struktur JSON tidak dikenali", EXPECTED_JSON)
    if records and not any(isinstance(r, dict) and "join_time" in r for r in records):
        raise ctx.error(1, "data peserta tanpa join_time/leave_time (mis. endpoint past_meetings)", EXPECTED_JSON)
    texts = {str(r.get(key, "")) for r in records if isinstance(r, dict) for key in ("join_time", "leave_time")}
    reader = DateReader(texts, ctx.tz, ctx.hint)
    segments = []
    for position, record in enumerate(records, start=1):
        segment = _record_segment(record, position, reader, ctx)
        if segment is not None:
            segments.append(segment)
    return segments


def _record_segment(record, position: int, reader: DateReader, ctx: ParseContext) -> Segment | None:
    if not isinstance(record, dict):
        raise ctx.error(position, "entri peserta bukan objek JSON", EXPECTED_JSON)
    name = str(record.get("name") or record.get("user_name") or "").replace("#", ",").strip()
    try:
        join = reader(str(record.get("join_time") or ""))
        leave = reader(str(record.get("leave_time") or ""))
    except (ValueError, OverflowError) as exc:
        raise ctx.error(position, f"join_time/leave_time tidak valid ({exc})", "waktu ISO-8601 UTC") from exc
    if not name or join is None:
        return None
    if leave is None or leave < join:
        raise ctx.error(position, "leave_time kosong atau sebelum join_time", EXPECTED_JSON)
    flags = {FLAG_WAITING_ROOM} if record.get("status") == "in_waiting_room" else NO_FLAGS
    email = clean_email(str(record.get("user_email") or record.get("email") or ""))
    display, original = split_original_name(name)
    return Segment(display, original, email, join, leave, ctx.filename, position, flags=frozenset(flags))
