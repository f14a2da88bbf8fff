"""Zoom: a training's API connection (secrets encrypted), each session's meeting link and pull state, and the
live webhook events of linked meetings."""
import sqlalchemy as sa

from bimtek.core.models import TimestampMixin, UTCDateTime, now_utc
from bimtek.extensions import db

PULL_WAITING = "menunggu"   # due or retried later (report not ready, Zoom busy)
PULL_DONE = "selesai"       # report stored and counted
PULL_FAILED = "gagal"       # needs the organizer (credentials, scope, plan) or gave up


class ZoomConnection(TimestampMixin, db.Model):
    """A training's Server-to-Server OAuth app. Secrets are Fernet tokens (core.crypto), never shown again."""

    __tablename__ = "zoom_connections"

    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True)
    account_id = sa.Column(sa.String(100), nullable=False)
    client_id = sa.Column(sa.String(100), nullable=False)
    client_secret_encrypted = sa.Column(sa.Text, nullable=False)
    webhook_token_encrypted = sa.Column(sa.Text)  # the app's webhook secret token (optional)
    recurring_meeting_id = sa.Column(sa.String(40), nullable=False, default="")  # one meeting for all sessions
    updated_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    checked_at = sa.Column(UTCDateTime)
    check_ok = sa.Column(sa.Boolean)
    check_message = sa.Column(sa.Text, nullable=False, default="")

    def __repr__(self):  # never the secret
        return f"<ZoomConnection training={self.training_id} account={self.account_id}>"


class ZoomSessionLink(db.Model):
    """A session's Zoom meeting (empty: the connection's recurring meeting) and the state of its report pull."""

    __tablename__ = "zoom_session_links"

    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    meeting_id = sa.Column(sa.String(40), nullable=False, default="")
    status = sa.Column(sa.String(12), nullable=False, default=PULL_WAITING)
    message = sa.Column(sa.Text, nullable=False, default="")
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    next_try_at = sa.Column(UTCDateTime)
    pulled_at = sa.Column(UTCDateTime)
    pulled_file_id = sa.Column(sa.Integer, sa.ForeignKey("attendance_files.id", ondelete="SET NULL"))
    live_file_id = sa.Column(sa.Integer, sa.ForeignKey("attendance_files.id", ondelete="SET NULL"))


class ZoomEvent(db.Model):
    """One participant_joined/left or meeting.ended webhook event of a meeting linked to a session."""

    __tablename__ = "zoom_events"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    meeting_id = sa.Column(sa.String(40), nullable=False)
    instance_uuid = sa.Column(sa.String(100), nullable=False, default="")
    event = sa.Column(sa.String(40), nullable=False)
    participant_key = sa.Column(sa.String(300), nullable=False, default="")
    name = sa.Column(sa.String(300), nullable=False, default="")
    email = sa.Column(sa.String(254), nullable=False, default="")
    at = sa.Column(UTCDateTime, nullable=False)
    received_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)


class ZoomWebhookDelivery(db.Model):
    """Signatures already accepted (replay refusal); rows older than the freshness window may be purged."""

    __tablename__ = "zoom_webhook_deliveries"

    id = sa.Column(sa.Integer, primary_key=True)
    signature = sa.Column(sa.String(80), nullable=False, unique=True)
    received_at = sa.Column(UTCDateTime, nullable=False, default=now_utc, index=True)
