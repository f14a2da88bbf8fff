"""Multi-day schedules: generate sessions from days × daily slots, validate, group, JP totals. Pure.

Sessions are (start, end) aware UTC instants; the training's IANA zone is only used to
interpret local input and to decide which local day a session belongs to.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bimtek.core.dates import format_date, format_date_range, format_time_range, local_to_utc, to_local
from bimtek.core.errors import ValidationError


@dataclass(frozen=True)
class Slot:
    """A daily time slot in the training's local time, e.g. 08.00–12.00."""

    start: time
    end: time


@dataclass(frozen=True)
class SessionTimes:
    """One session as UTC instants; `label` is how messages name it (e.g. 'Sesi 3')."""

    start: datetime
    end: datetime
    label: str = ""


def training_days(start_date, end_date):
    """Every local date from start to end inclusive."""
    if end_date < start_date:
        raise ValidationError("Tanggal selesai tidak boleh sebelum tanggal mulai.", field="end_date")
    return [start_date + timedelta(days=i) for i in range((end_date - start_date).days + 1)]


def generate_sessions(start_date, end_date, slots, tz_name, skip_weekdays=()):
    """Sessions for every day × slot, in order, as UTC SessionTimes (labels 'Sesi 1'…)."""
    if not slots:
        raise ValidationError("Isi minimal satu slot waktu harian.", field="slots")
    for slot in slots:
        if slot.end <= slot.start:
            raise ValidationError(
                f"Slot {slot.start:%H.%M}–{slot.end:%H.%M}: jam selesai harus setelah jam mulai.", field="slots")
    result = []
    for day in training_days(start_date, end_date):
        if day.weekday() in skip_weekdays:
            continue
        for slot in sorted(slots, key=lambda s: s.start):
            result.append((local_to_utc(day, slot.start, tz_name), local_to_utc(day, slot.end, tz_name)))
    sessions = [SessionTimes(s, e, f"Sesi {i}") for i, (s, e) in enumerate(result, start=1)]
    errors = schedule_errors(sessions, start_date, end_date, tz_name)
    if errors:
        raise ValidationError(errors[0], field="slots", errors=errors)
    return sessions


def schedule_errors(sessions, start_date, end_date, tz_name):
    """All problems of a schedule, as Indonesian messages (empty list = valid)."""
    errors = []
    for s in sessions:
        if s.end <= s.start:
            errors.append(f"{s.label}: jam selesai harus setelah jam mulai.")
            continue
        first_day, last_day = to_local(s.start, tz_name).date(), to_local(s.end, tz_name).date()
        if first_day < start_date or last_day > end_date:
            errors.append(
                f"{s.label} ({describe(s, tz_name)}) berada di luar tanggal pelatihan "
                f"({format_date_range(start_date, end_date)}).")
    ordered = sorted((s for s in sessions if s.end > s.start), key=lambda s: s.start)
    for prev, cur in zip(ordered, ordered[1:]):
        if cur.start < prev.end:
            errors.append(
                f"{prev.label} dan {cur.label} bertumpang tindih "
                f"({describe(prev, tz_name)} dan {describe(cur, tz_name)}).")
    return errors


def validate_schedule(sessions, start_date, end_date, tz_name):
    """Raise ValidationError (first message, all in `errors`) if the schedule is invalid."""
    errors = schedule_errors(sessions, start_date, end_date, tz_name)
    if errors:
        raise ValidationError(errors[0], errors=errors)


def describe(session, tz_name):
    """'Selasa, 21 Juli 2020 08.00–12.00 WIB'."""
    day = to_local(session.start, tz_name).date()
    return f"{format_date(day, weekday=True)} {format_time_range(session.start, session.end, tz_name)}"


def group_by_local_day(items, tz_name, start=lambda x: x.start):
    """[(date, [items…])] ordered by day, items ordered by start, in the training's zone."""
    days = {}
    for item in sorted(items, key=start):
        days.setdefault(to_local(start(item), tz_name).date(), []).append(item)
    return sorted(days.items())


def total_jp(jp_values):
    """Total JP = sum of the materi JP."""
    return sum(int(v or 0) for v in jp_values)


def jp_to_minutes(jp, minutes_per_jp=45):
    """Length of `jp` lesson hours in minutes (1 JP = 45 minutes by default)."""
    return int(jp) * int(minutes_per_jp)


def day_and_slot_from_local(day, start_clock, end_clock, tz_name, label=""):
    """Build SessionTimes from a local date and clock times (for editing one session)."""
    if not isinstance(day, date):
        raise ValidationError("Tanggal sesi tidak valid.", field="date")
    return SessionTimes(local_to_utc(day, start_clock, tz_name), local_to_utc(day, end_clock, tz_name), label)
