"""Pulling a session's Zoom report into its attendance files, on demand or when due (flush only)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bimtek.attendance import services as attendance
from bimtek.attendance.models import FILE_APPLIED, AttendanceFile
from bimtek.audit.services import record
from bimtek.core.errors import DomainError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.trainings.models import TrainingSession
from bimtek.zoom import errors, report
from bimtek.zoom.models import PULL_DONE, PULL_FAILED, PULL_WAITING, ZoomConnection, ZoomSessionLink
from bimtek.zoom.services.connections import client_for, link_for, meeting_for

if TYPE_CHECKING:
    from bimtek.accounts.models import User

GIVE_UP_AFTER = timedelta(hours=48)  # a report still missing this long after the session end needs a person
RETRY_MINUTES = (15, 30, 60, 120, 240)  # between automatic retries


def pull_session(actor: User | None, session: TrainingSession, config: Mapping[str, Any], now: datetime | None = None,
                 **client_options: Any) -> ZoomSessionLink:
    """Pull the session's report now; returns the link with its new status and Indonesian message.

    Errors are not raised: they are written on the link (retried later when Zoom may simply not be ready)."""
    now = now or now_utc()
    link = link_for(session, create=True)
    connection = db.session.get(ZoomConnection, session.training_id)
    meeting = meeting_for(session, connection, link)
    link.attempts += 1
    try:
        if connection is None or not meeting:
            raise DomainError("Koneksi Zoom atau ID rapat sesi ini belum diatur.")
        zone = ZoneInfo(session.training.timezone)
        pulled = report.pull(client_for(connection, config, **client_options), meeting,
                             session.starts_at, session.ends_at, zone)
        changed = store_report(actor, session, link, report.filename(meeting, session.starts_at, zone),
                               report.document(pulled), config)
        link.status, link.pulled_at, link.next_try_at = PULL_DONE, now, None
        link.message = (f"{len(pulled.instances)} pertemuan, {pulled.participant_count} baris peserta"
                        + ("" if changed else " (tidak berubah sejak penarikan sebelumnya)") + ".")
    except DomainError as error:
        _failed(link, error, session, now)
    db.session.flush()
    return link


def _failed(link: ZoomSessionLink, error: DomainError, session: TrainingSession, now: datetime) -> None:
    retry = isinstance(error, errors.ZoomError) and error.retry_later and now < session.ends_at + GIVE_UP_AFTER
    link.message = " ".join(str(error).split())
    if retry:
        minutes = RETRY_MINUTES[min(link.attempts, len(RETRY_MINUTES)) - 1]
        link.status, link.next_try_at = PULL_WAITING, now + timedelta(minutes=minutes)
    else:
        link.status, link.next_try_at = PULL_FAILED, None


def store_report(actor: User | None, session: TrainingSession, link: ZoomSessionLink, filename: str, data: bytes,
                 config: Mapping[str, Any]) -> bool:
    """Store and apply the pulled report; replace the previous pulled and live files. False if unchanged."""
    max_bytes = int(float(config["ATTENDANCE_MAX_UPLOAD_MB"]) * 2**20)
    staged, skipped = attendance.stage_uploads(actor, session, [(filename, data)], max_bytes)
    if skipped:
        return False
    new = staged[0]
    new.status, new.applied_at = FILE_APPLIED, now_utc()
    previous = [file_id for file_id in (link.pulled_file_id, link.live_file_id) if file_id]
    link.pulled_file_id, link.live_file_id = new.id, None
    db.session.flush()
    for file_id in previous:
        item = db.session.get(AttendanceFile, file_id)
        if item is not None:
            attendance.delete_file(actor, item)
    attendance.recompute_session(session)
    record(actor, "zoom.pull", session, training_id=session.training_id,
           summary=Message(N_("Menarik laporan peserta Zoom untuk %(session)s"), session=session.label),
           file=filename, sha256=new.sha256)
    return True


def due_sessions(now: datetime, delay_minutes: int) -> list[TrainingSession]:
    """Sessions with a Zoom meeting whose end + delay has passed and whose pull is waiting and due."""
    due = []
    for connection in db.session.scalars(sa.select(ZoomConnection)).all():
        links = {link.session_id: link for link in db.session.scalars(
            sa.select(ZoomSessionLink).where(ZoomSessionLink.training_id == connection.training_id))}
        sessions = db.session.scalars(sa.select(TrainingSession).where(
            TrainingSession.training_id == connection.training_id,
            TrainingSession.ends_at <= now - timedelta(minutes=delay_minutes),
            TrainingSession.ends_at > now - GIVE_UP_AFTER)).all()
        for session in sessions:
            link = links.get(session.id)
            meeting = link.meeting_id if link is not None and link.meeting_id else connection.recurring_meeting_id
            if meeting and _waiting(link, now):
                due.append(session)
    return due


def _waiting(link: ZoomSessionLink | None, now: datetime) -> bool:
    return link is None or (link.status == PULL_WAITING and (link.next_try_at is None or link.next_try_at <= now))
