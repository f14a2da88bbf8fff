"""Live Zoom webhook events of linked meetings: recorded per session, turned into a "live" attendance file when
the meeting ends, and superseded by the API report once it is pulled (flush only)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bimtek.attendance import services as attendance
from bimtek.attendance.models import FILE_APPLIED, AttendanceFile
from bimtek.core import crypto
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.trainings.models import TrainingSession
from bimtek.zoom import live, webhook
from bimtek.zoom.models import ZoomConnection, ZoomEvent, ZoomSessionLink, ZoomWebhookDelivery
from bimtek.zoom.services.connections import link_for

SLACK = timedelta(hours=1)  # events this long before the start or after the end still belong to the session


def secret_scopes(config: Mapping[str, Any]) -> list[tuple[str, int | None]]:
    """(secret, training id) of every webhook secret token (unreadable ones skipped): None for
    ZOOM_WEBHOOK_SECRET_TOKEN (every training), else the training whose connection holds that token (a delivery
    it signed is recorded for that training's sessions only)."""
    scopes: list[tuple[str, int | None]] = []
    if config.get("ZOOM_WEBHOOK_SECRET_TOKEN"):
        scopes.append((config["ZOOM_WEBHOOK_SECRET_TOKEN"], None))
    material = crypto.key_material(config)
    for training_id, token in db.session.execute(sa.select(
            ZoomConnection.training_id, ZoomConnection.webhook_token_encrypted).where(
            ZoomConnection.webhook_token_encrypted.is_not(None))):
        try:
            secret = crypto.decrypt(token, material)
        except crypto.SecretUnreadable:
            continue
        if secret:
            scopes.append((secret, training_id))
    return scopes


def trainings_of_secret(scopes: list[tuple[str, int | None]], secret: str) -> set[int] | None:
    """The trainings a delivery signed with `secret` may record for; None = every training (the global token)."""
    owners = {training_id for token, training_id in scopes if token == secret}
    return None if None in owners else owners


def remember_delivery(sent_signature: str) -> bool:
    """Store the signature of an accepted delivery; False when it was seen before (a replay)."""
    try:
        with db.session.begin_nested():
            db.session.add(ZoomWebhookDelivery(signature=sent_signature[:80]))
    except IntegrityError:
        return False
    db.session.execute(sa.delete(ZoomWebhookDelivery).where(
        ZoomWebhookDelivery.received_at < now_utc() - timedelta(days=1)))
    return True


def linked_sessions(meeting_id: str, at: datetime) -> Sequence[TrainingSession]:
    """Sessions whose meeting (own, else the training's recurring one) is `meeting_id` and whose window ± SLACK
    contains `at`."""
    own = sa.select(ZoomSessionLink.session_id).where(ZoomSessionLink.meeting_id == meeting_id)
    recurring = sa.select(ZoomConnection.training_id).where(ZoomConnection.recurring_meeting_id == meeting_id)
    overridden = sa.select(ZoomSessionLink.session_id).where(ZoomSessionLink.meeting_id != "")
    query = sa.select(TrainingSession).where(
        sa.or_(TrainingSession.id.in_(own),
               sa.and_(TrainingSession.training_id.in_(recurring), TrainingSession.id.not_in(overridden))),
        TrainingSession.starts_at <= at + SLACK, TrainingSession.ends_at >= at - SLACK)
    return db.session.scalars(query).all()


def record_event(event: webhook.Event, config: Mapping[str, Any], trainings: set[int] | None = None) -> int:
    """Record one webhook event for every linked session (of `trainings`, when given); at meeting end, refresh
    their live files."""
    sessions = [s for s in linked_sessions(event.meeting_id, event.at)
                if trainings is None or s.training_id in trainings]
    for session in sessions:
        db.session.add(ZoomEvent(training_id=session.training_id, session_id=session.id,
                                 meeting_id=event.meeting_id, instance_uuid=event.instance_uuid,
                                 event=event.event, participant_key=event.participant_key, name=event.name,
                                 email=event.email, at=event.at))
    db.session.flush()
    if event.event == webhook.ENDED:
        for session in sessions:
            refresh_live_file(session, config)
    return len(sessions)


def session_events(session: TrainingSession) -> Sequence[ZoomEvent]:
    return db.session.scalars(sa.select(ZoomEvent).where(ZoomEvent.session_id == session.id)
                              .order_by(ZoomEvent.at, ZoomEvent.id)).all()


def refresh_live_file(session: TrainingSession, config: Mapping[str, Any]) -> AttendanceFile | None:
    """Store the session's closed live intervals as an applied file (replacing the previous live file), unless
    the API report was already pulled: it supersedes the live events."""
    link = link_for(session, create=True)
    if link.pulled_file_id:
        return None
    data = live.document(session_events(session))
    if data is None:
        return None
    zone = ZoneInfo(session.training.timezone)
    name = f"zoom-live-{session.starts_at.astimezone(zone):%Y-%m-%d-%H%M}.json"
    staged, skipped = attendance.stage_uploads(None, session, [(name, data)],
                                               int(float(config["ATTENDANCE_MAX_UPLOAD_MB"]) * 2**20))
    if skipped:
        return None
    staged[0].status, staged[0].applied_at = FILE_APPLIED, now_utc()
    previous, link.live_file_id = link.live_file_id, staged[0].id
    db.session.flush()
    old = db.session.get(AttendanceFile, previous) if previous else None
    if old is not None:
        attendance.delete_file(None, old)
    attendance.recompute_session(session)
    return staged[0]


def present_now(session: TrainingSession) -> list[tuple[str, str, datetime]]:
    """Who is in the session's meeting now (from live events); [] once the report was pulled."""
    link = db.session.get(ZoomSessionLink, session.id)
    if link is not None and link.pulled_file_id:
        return []
    return live.present(session_events(session))
