"""Attendance-log parsers: format detection and the PARSERS registry (pure).

`parse_file(filename, data, tz, start=None, end=None)` is the entry point: bytes in, normalised
`Segment`s out. Every failure is a `LogFormatError` naming the file, the line and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from bimtek.attendance.decoding import EXPECTED_LOG, Source, load_source
from bimtek.attendance.parsers import gmeet, teams, teams_graph, zoom, zoom_json
from bimtek.attendance.parsers.tables import ParseContext
from bimtek.attendance.segments import LogFormatError, Segment
from bimtek.core.gcpause import paused_gc

# Detection order matters: the most specific signature first.
DETECTORS = (
    ("teams_graph_json", teams_graph.looks_like_graph_records),  # before Zoom: a bare list of records
    ("zoom_api_json", zoom_json.looks_like_api_json),
    ("zoom_webinar", zoom.looks_like_webinar),
    ("teams_report", teams.looks_like_report_2022),
    ("teams_report_2021", teams.looks_like_report_2021),
    ("teams_attendance_list", teams.looks_like_attendance_list),
    ("teams_live_event", teams.looks_like_live_event),
    ("zoom_active_hosts", zoom.looks_like_active_hosts),
    ("zoom_participants", zoom.looks_like_participants),
    ("zoom_unique_users", zoom.looks_like_unique_users),
    ("meet_attendance", gmeet.looks_like_meet_csv),
    ("meet_extension_grid", gmeet.looks_like_extension_grid),
)

PARSERS = {
    "zoom_api_json": zoom_json.parse_api_json,
    "teams_graph_json": teams_graph.parse_graph_records,
    "zoom_webinar": zoom.parse_webinar,
    "teams_report": teams.parse_report,
    "teams_report_2021": teams.parse_report,
    "teams_attendance_list": teams.parse_attendance_list,
    "teams_live_event": teams.parse_live_event,
    "zoom_active_hosts": zoom.parse_participants,
    "zoom_participants": zoom.parse_participants,
    "zoom_unique_users": zoom.parse_participants,
    "meet_attendance": gmeet.parse_meet_csv,
    "meet_extension_grid": gmeet.reject_extension_grid,
}

# What the organizer reads instead of the registry key ("Format terdeteksi", the file list); translated at the edge.
FORMAT_LABELS = {
    "zoom_participants": "Zoom — laporan peserta",
    "zoom_unique_users": "Zoom — laporan peserta (pengguna unik)",
    "zoom_active_hosts": "Zoom — laporan Active Hosts (rincian)",
    "zoom_webinar": "Zoom — laporan peserta webinar",
    "zoom_api_json": "Zoom — data API (JSON)",
    "teams_report": "Microsoft Teams — laporan kehadiran (2022+)",
    "teams_report_2021": "Microsoft Teams — laporan kehadiran (2021)",
    "teams_attendance_list": "Microsoft Teams — daftar hadir rapat",
    "teams_live_event": "Microsoft Teams — laporan peserta Live Event",
    "teams_graph_json": "Microsoft Teams — data Graph API (JSON)",
    "meet_attendance": "Google Meet — laporan kehadiran",
    "meet_extension_grid": "Google Meet — grid ekstensi Meet Attendance",
}


def format_labels(keys: str) -> list[str]:
    """Labels of a stored format ("zoom_participants", or several joined with "+"); unknown keys as they are."""
    return [FORMAT_LABELS.get(key, key) for key in keys.split("+") if key]


# Formats whose segments carry only per-person totals (cannot be clipped to the session window).
TOTALS_ONLY_FORMATS = frozenset({"zoom_unique_users", "meet_attendance"})


@dataclass
class ParsedFile:
    """Result of parsing one upload."""

    filename: str
    format: str
    segments: list[Segment]
    warnings: list[str] = field(default_factory=list)


def detect_format(source: Source) -> str:
    """Registry key of the first matching detector, or LogFormatError (line 1)."""
    for key, looks_like in DETECTORS:
        if looks_like(source):
            return key
    raise LogFormatError(source.filename, 1, "format tidak dikenali", EXPECTED_LOG)


def parse_file(filename: str, data: bytes, tz: tzinfo | str = "Asia/Jakarta",
               start: datetime | None = None, end: datetime | None = None) -> ParsedFile:
    """Detect and parse one upload; naive times are read in `tz`; start/end (aware) is the session window."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    try:
        with paused_gc():
            source = load_source(filename, data)
            key = detect_format(source)
            ctx = ParseContext(filename, zone, start, end)
            segments = PARSERS[key](source, ctx)
    except LogFormatError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, RecursionError,
            LookupError, OSError, EOFError) as exc:  # safety net: arbitrary bytes must give our error only
        raise LogFormatError(filename, 1, f"berkas tidak dapat dibaca ({type(exc).__name__})", EXPECTED_LOG) from exc
    return ParsedFile(filename, key, segments, ctx.warnings)
