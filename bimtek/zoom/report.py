"""From Zoom's API to an attendance log (pure): the instances of a session window and their participant pages
as one JSON document that the attendance parsers read like an uploaded Zoom API export.

The document is a list with one object per meeting instance — {"meeting_uuid", "start_time", "participants"} —
which is the "list of report pages" shape of `attendance.parsers.zoom_json`. It holds no paging tokens (they
differ from one request to the next), so pulling an unchanged report twice gives the same bytes (idempotent).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from bimtek.zoom import errors

LOOKBACK = timedelta(hours=12)  # an instance started up to this long before the window may still cover it


@dataclass
class Instance:
    uuid: str
    start_time: datetime
    participants: list = field(default_factory=list)


@dataclass
class PulledReport:
    meeting_id: str
    instances: list            # [Instance] inside the window, oldest first
    skipped: list              # [Instance] of the meeting outside the window (not counted)

    @property
    def participant_count(self):
        return sum(len(i.participants) for i in self.instances)


def zoom_time(text):
    """Zoom's ISO-8601 UTC ('2020-07-21T01:00:00Z', also with milliseconds) as an aware UTC datetime; None if bad
    or outside the years 2000–2999 (so adding hours of slack to it cannot overflow)."""
    try:
        value = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
        value = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None
    return value if 2000 <= value.year <= 2999 else None


def candidate(instance_start, start, end):
    """An instance may cover the window when it started before its end and at most LOOKBACK before its start."""
    return instance_start is not None and start - LOOKBACK <= instance_start < end


def overlaps(participants, start, end):
    """True when one participant row of the instance lies (partly) inside [start, end)."""
    for row in participants:
        join, leave = zoom_time(row.get("join_time")), zoom_time(row.get("leave_time"))
        if join and leave and join < end and leave > start:
            return True
    return False


def pull(client, meeting_id, start, end, zone=timezone.utc):
    """Every instance of `meeting_id` that covers [start, end) (aware datetimes) with all its participant pages;
    `zone` only names the window in the error when there is none."""
    kept, skipped = [], []
    listed = sorted(client.instances(meeting_id), key=lambda m: (str(m.get("start_time")), m["uuid"]))
    for item in listed:
        instance = Instance(item["uuid"], zoom_time(item.get("start_time")))
        if not candidate(instance.start_time, start, end):
            skipped.append(instance)
            continue
        for page in client.participant_pages(instance.uuid, meeting_id):
            instance.participants.extend(p for p in page.get("participants") or [] if isinstance(p, dict))
        (kept if overlaps(instance.participants, start, end) else skipped).append(instance)
    if not kept:
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        raise errors.no_instance(meeting_id, f"{local_start:%d-%m-%Y %H.%M}–{local_end:%H.%M} "
                                             f"{local_start.tzname() or ''}".rstrip())
    return PulledReport(str(meeting_id), kept, skipped)


def document(report):
    """The report as deterministic JSON bytes in the shape of uploaded Zoom API pages."""
    pages = [{"meeting_uuid": i.uuid, "start_time": i.start_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
              "total_records": len(i.participants), "participants": i.participants} for i in report.instances]
    return json.dumps(pages, ensure_ascii=False, sort_keys=True).encode("utf-8")


def filename(meeting_id, start, zone):
    """'zoom-81234567890-2020-07-21-0800.json' (local start of the window)."""
    return f"zoom-{meeting_id}-{start.astimezone(zone):%Y-%m-%d-%H%M}.json"
