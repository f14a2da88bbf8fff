"""iCalendar feeds for trainings and single sessions. Pure (icalendar library).

UIDs are stable per session (`session-<id>@<host>`), so re-importing an updated feed
updates events in calendar clients instead of duplicating them.
"""
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from icalendar import Calendar, Event, Timezone, vCalAddress

from bimtek.core.dates import get_zone

PRODID = "-//bimtek//Jadwal Bimtek//ID"


@dataclass(frozen=True)
class IcalSession:
    uid: str
    start: datetime
    end: datetime
    summary: str
    sequence: int = 0


@dataclass(frozen=True)
class IcalTraining:
    name: str
    tz_name: str
    url: str
    meeting_url: str = ""
    location: str = ""
    materi: tuple = field(default_factory=tuple)  # (title, trainer, jp)
    organizer_unit: str = ""


def build_calendar(training, sessions, now=None, method="PUBLISH", organizer=""):
    """A VCALENDAR (bytes) with one VEVENT per session, times in the training's zone.

    method="REQUEST" with the organizer's address makes calendar clients replace the event of the same UID
    when its SEQUENCE is higher (a schedule update sent by e-mail).
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", training.name)
    cal.add("x-wr-timezone", training.tz_name)
    stamp = now or datetime.now(timezone.utc)
    for session in sessions:
        event = _event(training, session, stamp)
        if organizer:
            event.add("organizer", vCalAddress(f"mailto:{organizer}"))
        cal.add_component(event)
    _add_missing_timezones(cal)
    return cal.to_ical()


_RECENT: dict = {}  # (training, sessions, method, organizer) -> (built at, bytes); see recent_calendar
RECENT_SECONDS = 60.0
RECENT_MAX = 64


def recent_calendar(training, sessions, method="PUBLISH", organizer="", clock=time.monotonic):
    """build_calendar for "now", shared for RECENT_SECONDS by equal calls: every registration e-mail of a
    training attaches the same schedule (about 3 ms to build), inside the training's registration lock. The
    only difference a rebuild would make is DTSTAMP, which then lags by at most RECENT_SECONDS; any change to
    the training or its sessions changes the key."""
    key = (training, tuple(sessions), method, organizer)
    found = _RECENT.get(key)
    if found is not None and clock() - found[0] <= RECENT_SECONDS:
        return found[1]
    data = build_calendar(training, key[1], method=method, organizer=organizer)
    if len(_RECENT) >= RECENT_MAX:
        _RECENT.clear()
    _RECENT[key] = (clock(), data)
    return data


def _add_missing_timezones(cal):
    """`Calendar.add_missing_timezones()` with each VTIMEZONE built once per process: building one walks the
    zone's transitions from 1970 to 2038 (about 0.1 s), and every registration e-mail attaches a calendar."""
    position = len(cal.timezones)
    for tzid in cal.get_missing_tzids():
        component = _vtimezone(tzid)
        if component is not None:
            cal.subcomponents.insert(position, component)
            position += 1


@lru_cache(maxsize=64)
def _vtimezone(tzid):
    """The VTIMEZONE component of a zone with icalendar's default date range (shared: calendars only read it)."""
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:
        return None


def _event(training, session, stamp):
    zone = get_zone(training.tz_name)
    event = Event()
    event.add("uid", session.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", session.start.astimezone(zone))
    event.add("dtend", session.end.astimezone(zone))
    event.add("summary", session.summary)
    event.add("description", describe_training(training))
    event.add("sequence", session.sequence)
    if training.url:
        event.add("url", training.url)
    location = training.meeting_url or training.location
    if location:
        event.add("location", location)
    return event


def describe_training(training):
    """Plain-text event description: meeting link, organizer and materi list."""
    lines = []
    if training.meeting_url:
        lines.append(f"Tautan rapat: {training.meeting_url}")
    if training.organizer_unit:
        lines.append(f"Penyelenggara: {training.organizer_unit}")
    if training.materi:
        lines.append("")
        lines.append("Materi:")
        for i, (title, trainer, jp) in enumerate(training.materi, start=1):
            who = f" — {trainer}" if trainer else ""
            lines.append(f"{i}. {title}{who} ({jp} JP)")
    if training.url:
        lines.append("")
        lines.append(f"Informasi: {training.url}")
    return "\n".join(lines)
