"""When a session's reminders are due, and whether a participant needs a schedule update (pure).

H-1: from 07.00 on the day before the session, in the training's own time zone (a WITA training's H-1
starts at 07.00 WITA, i.e. 23.00 UTC two calendar days before in UTC terms for an early session).
Before: from `minutes_before` minutes before the start until the start. Nothing is due once a session started.
A session is "changed" only when its times changed (SEQUENCE and rescheduled_at move together; a title edit
sends nothing).
"""
from dataclasses import dataclass
from datetime import time, timedelta

from bimtek.core.dates import to_local

DAY_BEFORE, BEFORE, UPDATE = "h1", "before", "update"
DAY_BEFORE_FROM = time(7, 0)
DEFAULT_MINUTES_BEFORE = 60
MAX_MINUTES_BEFORE = 24 * 60


@dataclass(frozen=True)
class Switches:
    day_before: bool = True
    before: bool = True
    minutes_before: int = DEFAULT_MINUTES_BEFORE


def due_kinds(start, now, tz_name, switches=Switches()):
    """The reminder kinds due now for a session starting at `start` (UTC datetimes)."""
    if now >= start:
        return []
    kinds = []
    local_start, local_now = to_local(start, tz_name), to_local(now, tz_name)
    if switches.day_before and local_now.date() == local_start.date() - timedelta(days=1) \
            and local_now.time() >= DAY_BEFORE_FROM:
        kinds.append(DAY_BEFORE)
    if switches.before and now >= start - timedelta(minutes=switches.minutes_before):
        kinds.append(BEFORE)
    return kinds


def reminder_version(kind, sequence):
    """The calendar version a reminder is kept once for: the H-1 mail once per session (an update already told
    about a move), the 'segera dimulai' one once per version of the times, so a session moved after it went out
    gets one at its new start."""
    return (sequence or 0) if kind == BEFORE else 0


def needs_update(sequence, changed_at, registered_at, sent_sequences, ends_at, now):
    """True when the session changed after this person registered and this version was not sent yet."""
    if not sequence or changed_at is None or registered_at is None or now >= ends_at:
        return False
    return changed_at > registered_at and sequence not in sent_sequences


def check_minutes(value):
    """Minutes before the start, within 5 minutes … 24 hours; ValueError otherwise."""
    minutes = int(value)
    if not 5 <= minutes <= MAX_MINUTES_BEFORE:
        raise ValueError("Menit sebelum mulai harus antara 5 dan 1440.")
    return minutes
