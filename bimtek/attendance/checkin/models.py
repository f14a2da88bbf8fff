"""Self check-in (presensi mandiri): a per-session code secret, the check-ins, and the training's policy."""
import sqlalchemy as sa

from bimtek.core.models import UTCDateTime, now_utc
from bimtek.extensions import db


class CheckinSecret(db.Model):
    """The TOTP secret behind a session's rotating code (created when the host screen is first opened)."""

    __tablename__ = "attendance_checkin_secrets"

    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True)
    secret = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)


class Checkin(db.Model):
    """One masuk or keluar of a registration in a session (the first of each kind counts)."""

    __tablename__ = "attendance_checkins"
    __table_args__ = (sa.UniqueConstraint("session_id", "registration_id", "kind",
                                          name="uq_attendance_checkins_session_registration_kind"),)

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False,
                                index=True)
    kind = sa.Column(sa.String(10), nullable=False)
    at = sa.Column(UTCDateTime, nullable=False)


class CheckinPolicy(db.Model):
    """Whether a masuk+keluar pair counts alone, or only for registrations that also have a log row."""

    __tablename__ = "attendance_checkin_policies"

    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True)
    counts_alone = sa.Column(sa.Boolean, nullable=False, default=False)
