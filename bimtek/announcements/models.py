"""Announcements with their recipients (each linked to its outbox message), per-session reminder settings
and the reminders/updates already sent (one row per participant, session, kind and calendar sequence)."""
import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.core.models import UTCDateTime, now_utc
from bimtek.extensions import db

KIND_ANNOUNCEMENT, KIND_DAY_BEFORE, KIND_BEFORE, KIND_UPDATE = "announcement", "h1", "before", "update"


class Announcement(db.Model):
    __tablename__ = "announcements"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    subject = sa.Column(sa.String(200), nullable=False)
    body = sa.Column(sa.Text, nullable=False)
    audience = sa.Column(sa.JSON, nullable=False, default=dict)  # AudienceFilter.to_dict()
    audience_text = sa.Column(sa.String(500), nullable=False, default="")
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    training = orm.relationship("Training")
    recipients = orm.relationship("AnnouncementRecipient", back_populates="announcement",
                                  order_by="AnnouncementRecipient.id", cascade="all, delete-orphan")


class AnnouncementRecipient(db.Model):
    __tablename__ = "announcement_recipients"
    __table_args__ = (sa.UniqueConstraint("announcement_id", "registration_id",
                                          name="uq_announcement_recipients_registration"),)

    id = sa.Column(sa.Integer, primary_key=True)
    announcement_id = sa.Column(sa.Integer, sa.ForeignKey("announcements.id", ondelete="CASCADE"), nullable=False,
                                index=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    outbox_id = sa.Column(sa.Integer, sa.ForeignKey("mail_outbox.id", ondelete="SET NULL"))

    announcement = orm.relationship("Announcement", back_populates="recipients")
    registration = orm.relationship("Registration")
    outbox = orm.relationship("OutboxMessage")


class ReminderSettings(db.Model):
    """Per session: the H-1 e-mail and the one shortly before the start can each be switched off."""

    __tablename__ = "session_reminder_settings"

    id = sa.Column(sa.Integer, primary_key=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False,
                           unique=True)
    day_before = sa.Column(sa.Boolean, nullable=False, default=True)
    before = sa.Column(sa.Boolean, nullable=False, default=True)
    minutes_before = sa.Column(sa.Integer, nullable=False, default=60)


class SessionReminder(db.Model):
    """A reminder or schedule update queued for one participant; the unique key makes the scan idempotent."""

    __tablename__ = "session_reminders"
    __table_args__ = (sa.UniqueConstraint("session_id", "registration_id", "kind", "sequence",
                                          name="uq_session_reminders_once"),)

    id = sa.Column(sa.Integer, primary_key=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False,
                                index=True)
    kind = sa.Column(sa.String(10), nullable=False)  # h1 | before | update
    sequence = sa.Column(sa.Integer, nullable=False, default=0)  # the session's iCal SEQUENCE for updates
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)
    outbox_id = sa.Column(sa.Integer, sa.ForeignKey("mail_outbox.id", ondelete="SET NULL"))

    session = orm.relationship("TrainingSession")
    registration = orm.relationship("Registration")
    outbox = orm.relationship("OutboxMessage")
