"""Accounts: users (staff and participants) and per-training staff roles."""
import enum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy import orm

from bimtek.core.i18n import N_
from bimtek.core.models import TimestampMixin, UTCDateTime
from bimtek.extensions import db


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
    password_changed_at = sa.Column(UTCDateTime)
    totp_secret = sa.Column(sa.String(64))  # base32; set once enrolment is confirmed
    totp_enabled_at = sa.Column(UTCDateTime)

    duties = orm.relationship("TrainingRole", back_populates="user", cascade="all, delete-orphan")

    auth_token = None  # the current request's session token (set by the session loader, not a column)

    def get_id(self):
        """Flask-Login keeps this in the cookie: the server-side session token, never the user id."""
        return self.auth_token

    @property
    def has_two_factor(self):
        return self.totp_enabled_at is not None

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


class EmailToken(db.Model):
    """A one-time proof of a mailbox: the e-mailed link (nonce) and a 6-digit code typed in the requesting browser.

    Only hashes are stored. `user_id` is NULL when the address belongs to no account, so a request for an unknown
    address leaves the same trace (and takes the same time) as one for a known address.
    """

    __tablename__ = "login_tokens"

    id = sa.Column(sa.Integer, primary_key=True)
    purpose = sa.Column(sa.String(20), nullable=False, default="participant")
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    nonce_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    browser_hash = sa.Column(sa.String(64), index=True)  # binds the typed code to the browser that asked
    code_hash = sa.Column(sa.String(64))
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    created_at = sa.Column(UTCDateTime, nullable=False)
    expires_at = sa.Column(UTCDateTime, nullable=False)
    used_at = sa.Column(UTCDateTime)

    user = orm.relationship("User")


class AuthSession(db.Model):
    """A signed-in browser. The cookie holds only a random token; deleting the row ends the session everywhere."""

    __tablename__ = "auth_sessions"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    created_at = sa.Column(UTCDateTime, nullable=False)
    expires_at = sa.Column(UTCDateTime, nullable=False)
    user_agent = sa.Column(sa.String(200), nullable=False, default="")

    user = orm.relationship("User")


class RecoveryCode(db.Model):
    """Single-use two-factor recovery codes (hashed)."""

    __tablename__ = "recovery_codes"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    code_hash = sa.Column(sa.String(64), nullable=False)
    used_at = sa.Column(UTCDateTime)


class AccountPolicy(db.Model):
    """Site-wide account settings the admin switches in the UI (one row, id 1)."""

    __tablename__ = "account_policy"

    id = sa.Column(sa.Integer, primary_key=True)
    require_two_factor = sa.Column(sa.Boolean, nullable=False, default=False)  # admins and penandatangan
