"""Accounts: users (staff and participants) and per-training staff roles."""
import enum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import orm

from bimtek.core.models import TimestampMixin, UTCDateTime
from bimtek.extensions import db
from bimtek.core.i18n import N_


class Role(str, enum.Enum):
    """Global account kind. Staff get per-training duties through TrainingRole."""

    ADMIN = "admin"      # Dinas admin: owns and manages all trainings
    STAFF = "staff"      # panitia / reviewer / penandatangan, per training
    PESERTA = "peserta"  # participant; signs in by e-mail link or registration number


class Duty(str, enum.Enum):
    """What a staff member does in one training."""

    PANITIA = "panitia"
    REVIEWER = "reviewer"
    PENANDATANGAN = "penandatangan"


DUTY_LABELS = {
    Duty.PANITIA: N_("Panitia"),
    Duty.REVIEWER: N_("Reviewer RTL"),
    Duty.PENANDATANGAN: N_("Penandatangan"),
}
ROLE_LABELS = {Role.ADMIN: N_("Admin Dinas"), Role.STAFF: N_("Staf"), Role.PESERTA: N_("Peserta")}


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(254), nullable=False, unique=True)  # stored lower-cased
    name = sa.Column(sa.String(200), nullable=False)
    password_hash = sa.Column(sa.String(255))  # NULL for participants (passwordless)
    role = sa.Column(sa.String(20), nullable=False, default=Role.PESERTA.value)
    is_active_account = sa.Column(sa.Boolean, nullable=False, default=True)
    last_login_at = sa.Column(UTCDateTime)
    locale = sa.Column(sa.String(5))

    duties = orm.relationship("TrainingRole", back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self):
        return bool(self.is_active_account)

    @property
    def is_admin(self):
        return self.role == Role.ADMIN.value

    @property
    def is_staff(self):
        return self.role in (Role.ADMIN.value, Role.STAFF.value)

    @property
    def role_label(self):
        return ROLE_LABELS[Role(self.role)]

    def __repr__(self):
        return f"<User {self.email} {self.role}>"


class TrainingRole(db.Model):
    """A staff member's duty in one training (a reviewer of A sees nothing of B)."""

    __tablename__ = "training_roles"
    __table_args__ = (sa.UniqueConstraint("training_id", "user_id", "duty", name="uq_training_roles_duty"),)

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    duty = sa.Column(sa.String(20), nullable=False)

    user = orm.relationship("User", back_populates="duties")
    training = orm.relationship("Training", back_populates="staff_roles")

    @property
    def duty_label(self):
        return DUTY_LABELS[Duty(self.duty)]
