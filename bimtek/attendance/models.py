"""Attendance: uploaded meeting logs, computed records, review queue, aliases, overrides, rule freeze."""
import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.core.filerefs import STORED_FILE
from bimtek.core.models import TimestampMixin, UTCDateTime, now_utc
from bimtek.extensions import db

FILE_PENDING = "pending"   # uploaded, shown in the preview, not yet counted
FILE_APPLIED = "applied"   # counted in the session's attendance


class AttendanceFile(db.Model):
    """One uploaded log of one session; the bytes live in content-addressed storage under `sha256`."""

    __tablename__ = "attendance_files"
    __table_args__ = (sa.UniqueConstraint("session_id", "sha256", name="uq_attendance_files_session_sha256"),)

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    filename = sa.Column(sa.String(255), nullable=False)
    sha256 = sa.Column(sa.String(64), nullable=False, info=STORED_FILE)
    size = sa.Column(sa.Integer, nullable=False)
    format = sa.Column(sa.String(40), nullable=False, default="")
    rows = sa.Column(sa.Integer, nullable=False, default=0)
    status = sa.Column(sa.String(10), nullable=False, default=FILE_PENDING)
    uploaded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)
    applied_at = sa.Column(UTCDateTime)

    uploaded_by = orm.relationship("User")

    @classmethod
    def of_session(cls, session_id, status=None):
        """Select a session's files (optionally only one status), oldest first."""
        query = sa.select(cls).where(cls.session_id == session_id)
        if status:
            query = query.where(cls.status == status)
        return query.order_by(cls.created_at, cls.id)


class AttendanceRecord(db.Model):
    """Computed attendance of one registration in one session (only rows with log data are stored)."""

    __tablename__ = "attendance_records"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "registration_id", name="uq_attendance_records_session_registration"),)

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False,
                                index=True)
    attended_seconds = sa.Column(sa.Integer, nullable=False, default=0)
    rows = sa.Column(sa.Integer, nullable=False, default=0)
    match_method = sa.Column(sa.String(30), nullable=False, default="")
    match_confidence = sa.Column(sa.Float, nullable=False, default=0.0)
    names = sa.Column(sa.String(500), nullable=False, default="")  # display names seen in the logs
    first_join = sa.Column(UTCDateTime)
    last_leave = sa.Column(UTCDateTime)
    flags = sa.Column(sa.String(200), nullable=False, default="")


class UnmatchedName(db.Model):
    """A log person nobody could match automatically: the session's review queue."""

    __tablename__ = "attendance_unmatched"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    name = sa.Column(sa.String(300), nullable=False)
    names = sa.Column(sa.JSON, nullable=False, default=list)  # every display/original name of this log person
    email = sa.Column(sa.String(254), nullable=False, default="")
    role = sa.Column(sa.String(20), nullable=False, default="", server_default="")  # host/panelist in the log
    reason = sa.Column(sa.String(300), nullable=False, default="")
    attended_seconds = sa.Column(sa.Integer, nullable=False, default=0)
    rows = sa.Column(sa.Integer, nullable=False, default=0)
    suggestions = sa.Column(sa.JSON, nullable=False, default=list)  # [{"registration", "name", "score"}]
    key = sa.Column(sa.String(300), nullable=False, default="", server_default="")  # engine's identity key
    spans = sa.Column(sa.JSON)  # [[start, end] epoch seconds] clipped to the session window (intervals.Coverage)
    totals = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")  # totals-only seconds


class AttendanceIdentity(db.Model):
    """A log identity (e-mail, else original name) that counts for a registration in a session, and how it was
    matched; a registration's record is the union of its identities. Rebuilt with every recomputation."""

    __tablename__ = "attendance_identities"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False,
                                index=True)
    key = sa.Column(sa.String(300), nullable=False)
    name = sa.Column(sa.String(300), nullable=False)
    names = sa.Column(sa.JSON, nullable=False, default=list)
    email = sa.Column(sa.String(254), nullable=False, default="")
    method = sa.Column(sa.String(30), nullable=False)
    confidence = sa.Column(sa.Float, nullable=False, default=0.0)
    attended_seconds = sa.Column(sa.Integer, nullable=False, default=0)
    rows = sa.Column(sa.Integer, nullable=False, default=0)
    spans = sa.Column(sa.JSON)
    totals = sa.Column(sa.Integer, nullable=False, default=0)
    alias_id = sa.Column(sa.Integer, sa.ForeignKey("attendance_aliases.id", ondelete="SET NULL"))

    alias = orm.relationship("NameAlias")


class NameAlias(TimestampMixin, db.Model):
    """An organizer's assignment of one log identity (in `session_id`, by `identity_key`) to a registration.

    It decides that identity first; in the training's other sessions it is remembered as an alias of the name
    (`key`) or of the e-mail. Rows from before identities existed have no session: they are aliases only."""

    __tablename__ = "attendance_aliases"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "identity_key", name="uq_attendance_aliases_session_identity_key"),)

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    identity_key = sa.Column(sa.String(300))  # engine's identity key ("email:…" / "name:…") in that session
    key = sa.Column(sa.String(300), nullable=False)  # matching.alias_key(display)
    display = sa.Column(sa.String(300), nullable=False)
    email = sa.Column(sa.String(254), nullable=False, default="", server_default="")
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    registration = orm.relationship("Registration", lazy="joined")
    created_by = orm.relationship("User")
    session = orm.relationship("TrainingSession")

    @classmethod
    def for_training(cls, training_id):
        """Select a training's aliases, by display name."""
        return sa.select(cls).where(cls.training_id == training_id).order_by(cls.display)


class IgnoredName(TimestampMixin, db.Model):
    """One log identity an organizer marked "not a participant" (host, trainer, a room's TV): by its e-mail (every
    session of the training) or by its name within the session it was seen in; undoable.
    Marks from before identities existed have no session: by name they still cover the whole training."""

    __tablename__ = "attendance_ignored_names"
    __table_args__ = (sa.UniqueConstraint("training_id", "session_id", "key",
                                          name="uq_attendance_ignored_names_training_session_key"),)

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    key = sa.Column(sa.String(300), nullable=False)  # "email:<e-mail>" or "name:<matching.alias_key(display)>"
    display = sa.Column(sa.String(300), nullable=False)
    email = sa.Column(sa.String(254), nullable=False, default="")
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    session = orm.relationship("TrainingSession")

    @classmethod
    def for_training(cls, training_id):
        """Select a training's "not a participant" marks, by display name."""
        return sa.select(cls).where(cls.training_id == training_id).order_by(cls.display, cls.id)


class AttendanceOverride(TimestampMixin, db.Model):
    """A manual status for one registration in one session; wins over the computed status, survives re-imports."""

    __tablename__ = "attendance_overrides"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "registration_id", name="uq_attendance_overrides_session_registration"),)

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False,
                                index=True)
    status = sa.Column(sa.String(20), nullable=False)
    reason = sa.Column(sa.Text, nullable=False)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    created_by = orm.relationship("User")


class SessionSummary(db.Model):
    """What the last computation of a session found (formats, warnings) — shown on the session page."""

    __tablename__ = "attendance_session_summaries"

    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    format = sa.Column(sa.String(200), nullable=False, default="")
    warnings = sa.Column(sa.JSON, nullable=False, default=list)
    computed_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)


class AttendanceSettings(db.Model):
    """Per-training attendance state: when the pass rule was frozen (set by certificate issuing)."""

    __tablename__ = "attendance_settings"

    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True)
    rule_frozen_at = sa.Column(UTCDateTime)
