"""Trainings, their sessions (UTC) and materi (JP)."""
import enum

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.core.dates import format_date_range, zone_label
from bimtek.core.messages import N_, Message
from bimtek.core.models import TimestampMixin, UTCDateTime, now_utc
from bimtek.extensions import db


class Mode(str, enum.Enum):
    DARING = "daring"
    LURING = "luring"
    HYBRID = "hybrid"


MODE_LABELS = {Mode.DARING: N_("Daring"), Mode.LURING: N_("Luring"), Mode.HYBRID: N_("Hybrid (daring & luring)")}


class Training(TimestampMixin, db.Model):
    __tablename__ = "trainings"

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(20), nullable=False, unique=True)  # e.g. SPP2020, prefix of registration numbers
    name = sa.Column(sa.String(300), nullable=False)
    program = sa.Column(sa.String(100), nullable=False, default="")
    organizer_unit = sa.Column(sa.String(300), nullable=False)
    organizer_short = sa.Column(sa.String(40), nullable=False, default="")  # e.g. DKPUS, for {unit}
    description = sa.Column(sa.Text, nullable=False, default="")
    mode = sa.Column(sa.String(10), nullable=False, default=Mode.DARING.value)
    meeting_url = sa.Column(sa.String(500), nullable=False, default="")
    location = sa.Column(sa.String(300), nullable=False, default="")
    city = sa.Column(sa.String(100), nullable=False, default="")  # place on the certificate's date line
    timezone = sa.Column(sa.String(64), nullable=False, default="Asia/Jakarta")
    start_date = sa.Column(sa.Date, nullable=False)
    end_date = sa.Column(sa.Date, nullable=False)
    registration_opens_at = sa.Column(UTCDateTime)
    registration_closes_at = sa.Column(UTCDateTime)
    capacity = sa.Column(sa.Integer)  # NULL = unlimited
    requires_approval = sa.Column(sa.Boolean, nullable=False, default=False)
    is_published = sa.Column(sa.Boolean, nullable=False, default=False)
    minutes_per_jp = sa.Column(sa.Integer, nullable=False, default=45)

    # Attendance rule (frozen once certificates are issued)
    min_session_share = sa.Column(sa.Float, nullable=False, default=0.75)
    pass_rule = sa.Column(sa.String(10), nullable=False, default="sessions")  # "sessions" | "jp"
    min_sessions_share = sa.Column(sa.Float, nullable=False, default=1.0)
    min_jp = sa.Column(sa.Integer)

    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    sessions = orm.relationship(
        "TrainingSession", back_populates="training", order_by="TrainingSession.starts_at",
        cascade="all, delete-orphan")
    materi = orm.relationship(
        "Materi", back_populates="training", order_by="Materi.position", cascade="all, delete-orphan")
    staff_roles = orm.relationship("TrainingRole", back_populates="training", cascade="all, delete-orphan")

    @property
    def total_jp(self):
        return sum(m.jp for m in self.materi)

    @property
    def dates_text(self):
        return format_date_range(self.start_date, self.end_date)

    @property
    def zone_label(self):
        return zone_label(self.timezone)

    @property
    def mode_label(self):
        return MODE_LABELS.get(Mode(self.mode), self.mode)

    def registration_is_open(self, now=None):
        """Inside the registration window, published and scheduled."""
        return self.registration_state(now) == "open"

    def registration_state(self, now=None):
        """'open', 'not_yet' (window not started, or no session scheduled yet) or 'closed'."""
        now = now or now_utc()
        if not self.is_published or not self.sessions:
            return "not_yet"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        return "closed" if self.registration_closes_at and now >= self.registration_closes_at else "open"

    @classmethod
    def published(cls):
        """Select published trainings that have a schedule, newest first."""
        scheduled = sa.exists().where(TrainingSession.training_id == cls.id)
        return sa.select(cls).where(cls.is_published.is_(True), scheduled).order_by(cls.start_date.desc())

    def __repr__(self):
        return f"<Training {self.code}>"


class TrainingSession(TimestampMixin, db.Model):
    __tablename__ = "training_sessions"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    starts_at = sa.Column(UTCDateTime, nullable=False)
    ends_at = sa.Column(UTCDateTime, nullable=False)
    title = sa.Column(sa.String(200), nullable=False, default="")
    sequence = sa.Column(sa.Integer, nullable=False, default=0)  # iCal SEQUENCE, bumped when the times change
    rescheduled_at = sa.Column(UTCDateTime)  # when the times last changed (or the session was added)

    training = orm.relationship("Training", back_populates="sessions")

    @property
    def duration_seconds(self):
        return int((self.ends_at - self.starts_at).total_seconds())

    @property
    def number(self):
        """1-based position in the training's schedule."""
        return self.training.sessions.index(self) + 1

    @property
    def label(self):
        """The session's title, else "Sesi 3" (a Message: documents print it, pages show it |tr)."""
        return self.title or Message(N_("Sesi %(n)s"), n=self.number)


class Materi(db.Model):
    __tablename__ = "materi"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    position = sa.Column(sa.Integer, nullable=False, default=0)
    title = sa.Column(sa.String(300), nullable=False)
    trainer = sa.Column(sa.String(200), nullable=False, default="")
    jp = sa.Column(sa.Integer, nullable=False, default=1)

    training = orm.relationship("Training", back_populates="materi")
