"""Session reminders and schedule updates (flush only; the CLI command and the job commit).

`scan(now)` looks at every session that has not ended: participants get the H-1 e-mail and the one shortly
before the start (each switchable per session), and an update with a METHOD:REQUEST calendar (same UID,
the session's higher SEQUENCE) when the session changed after they registered. A SessionReminder row,
unique per session, participant, kind and sequence, is written in the same transaction as the outbox
message, so a second scan (or a concurrent one, whose commit then fails) never sends the same mail twice.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app

from bimtek.announcements import reminders
from bimtek.announcements.models import ReminderSettings, SessionReminder
from bimtek.announcements.services import short_name
from bimtek.core.dates import format_datetime, format_time_range
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.mail.services import absolute_url, queue_mail
from bimtek.registration.models import Registration, Status
from bimtek.trainings.models import TrainingSession
from bimtek.trainings.services import calendar_bytes

SUBJECTS = {reminders.DAY_BEFORE: "Pengingat: besok {when}", reminders.BEFORE: "Segera dimulai: {when}",
            reminders.UPDATE: "Perubahan jadwal: {when}"}
LOOKAHEAD = timedelta(days=2)  # H-1 and 'before' reminders never concern sessions further away


@dataclass
class ScanResult:
    reminders: int = 0
    updates: int = 0


def settings_of(session: TrainingSession) -> reminders.Switches:
    """The session's switches (defaults: both on, REMINDER_MINUTES_BEFORE minutes)."""
    stored = db.session.scalar(sa.select(ReminderSettings).where(ReminderSettings.session_id == session.id))
    default_minutes = int(current_app.config.get("REMINDER_MINUTES_BEFORE") or reminders.DEFAULT_MINUTES_BEFORE)
    if stored is None:
        return reminders.Switches(minutes_before=default_minutes)
    return reminders.Switches(stored.day_before, stored.before, stored.minutes_before)


def save_settings(session: TrainingSession, day_before: bool, before: bool, minutes_before: int) -> ReminderSettings:
    """Store the switches of one session (flush only)."""
    stored = db.session.scalar(sa.select(ReminderSettings).where(ReminderSettings.session_id == session.id))
    if stored is None:
        stored = ReminderSettings(session_id=session.id)
        db.session.add(stored)
    stored.day_before, stored.before = bool(day_before), bool(before)
    stored.minutes_before = reminders.check_minutes(minutes_before)
    db.session.flush()
    return stored


def scan(now: datetime | None = None) -> ScanResult:
    """Queue every reminder and update that is due now; returns the counts."""
    now = now or now_utc()
    result = ScanResult()
    sessions = db.session.scalars(sa.select(TrainingSession).where(TrainingSession.ends_at > now)
                                  .order_by(TrainingSession.starts_at)).all()
    for session in sessions:
        participants = participants_of(session)
        if not participants:
            continue
        rows = db.session.execute(sa.select(SessionReminder.registration_id, SessionReminder.kind,
                                            SessionReminder.sequence).where(SessionReminder.session_id == session.id))
        sent = {(registration_id, kind, sequence) for registration_id, kind, sequence in rows}
        if session.starts_at - now <= LOOKAHEAD:
            result.reminders += _reminders(session, participants, sent, now)
        result.updates += _updates(session, participants, sent, now)
    return result


def participants_of(session: TrainingSession) -> Sequence[Registration]:
    """Registered participants of the session's training who can get e-mail."""
    return db.session.scalars(sa.select(Registration).where(
        Registration.training_id == session.training_id, Registration.status == Status.REGISTERED.value,
        Registration.anonymized_at.is_(None), Registration.email != "").order_by(Registration.seq)).all()


def _reminders(session: TrainingSession, participants: Sequence[Registration], sent: set[tuple[int, str, int]],
               now: datetime) -> int:
    count = 0
    for kind in reminders.due_kinds(session.starts_at, now, session.training.timezone, settings_of(session)):
        version = reminders.reminder_version(kind, session.sequence)
        for registration in participants:
            if (registration.id, kind, version) not in sent:
                _send(session, registration, kind, version, now)
                count += 1
    return count


def _updates(session: TrainingSession, participants: Sequence[Registration], sent: set[tuple[int, str, int]],
             now: datetime) -> int:
    count = 0
    for registration in participants:
        mine = {s for rid, kind, s in sent if rid == registration.id and kind == reminders.UPDATE}
        if reminders.needs_update(session.sequence, session.rescheduled_at, registration.created_at, mine,
                                  session.ends_at, now):
            _send(session, registration, reminders.UPDATE, session.sequence, now)
            count += 1
    return count


def _send(session: TrainingSession, registration: Registration, kind: str, sequence: int, now: datetime) -> None:
    training = session.training
    training_url = absolute_url("trainings.show", training_id=training.id)
    host = training_url.split("/")[2].split(":")[0]  # same UID host as the registration mail's calendar
    update = kind == reminders.UPDATE
    ics = calendar_bytes(training, training_url, host, sessions=[session], now=now,
                         method="REQUEST" if update else "PUBLISH",
                         organizer=parseaddr(current_app.config["MAIL_SENDER"])[1] if update else "")
    when = f"{training.name} — {session.label}, {format_datetime(session.starts_at, training.timezone)}"
    message = queue_mail(
        registration.email, SUBJECTS[kind].format(when=when)[:300], "session_reminder",
        attachments=((f"{training.code}-sesi-{session.number}.ics", "text/calendar", ics),),
        kind=kind, training=training, session=session, name=short_name(registration),
        number=registration.number, when=format_datetime(session.starts_at, training.timezone),
        hours=format_time_range(session.starts_at, session.ends_at, training.timezone),
        training_url=training_url, portal_url=absolute_url("registration.portal"))
    db.session.add(SessionReminder(session_id=session.id, registration_id=registration.id, kind=kind,
                                   sequence=sequence, created_at=now, outbox_id=message.id))
    db.session.flush()
