"""Registrations: one participant in one training."""
import enum

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.core.i18n import N_
from bimtek.core.models import TimestampMixin, UTCDateTime
from bimtek.extensions import db


class Status(str, enum.Enum):
    PENDING = "pending"        # waiting for organizer approval (moderated trainings)
    REGISTERED = "registered"  # has a seat
    WAITING = "waiting"        # on the waiting list
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.PENDING: N_("Menunggu persetujuan"),
    Status.REGISTERED: N_("Terdaftar"),
    Status.WAITING: N_("Daftar tunggu"),
    Status.REJECTED: N_("Ditolak"),
    Status.WITHDRAWN: N_("Mengundurkan diri"),
}
ACTIVE_STATUSES = (Status.PENDING.value, Status.REGISTERED.value, Status.WAITING.value)
_ACTIVE_SQL = sa.text("status IN ('pending', 'registered', 'waiting')")


class Registration(TimestampMixin, db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        sa.UniqueConstraint("training_id", "number", name="uq_registrations_training_number"),
        sa.UniqueConstraint("training_id", "seq", name="uq_registrations_training_seq"),
        # One ACTIVE registration per e-mail per training, enforced by the database.
        sa.Index("uq_registrations_active_email", "training_id", "email", unique=True,
                 sqlite_where=_ACTIVE_SQL, postgresql_where=_ACTIVE_SQL),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    seq = sa.Column(sa.Integer, nullable=False)
    number = sa.Column(sa.String(40), nullable=False)  # e.g. SPP2020-0042
    status = sa.Column(sa.String(20), nullable=False, default=Status.REGISTERED.value, index=True)
    waitlist_at = sa.Column(UTCDateTime)  # orders the waiting list

    nama_lengkap = sa.Column(sa.String(200), nullable=False)  # with gelar
    jenis_kelamin = sa.Column(sa.String(1), nullable=False)  # L / P
    jabatan = sa.Column(sa.String(200), nullable=False, default="")
    instansi = sa.Column(sa.String(300), nullable=False, default="")
    kabupaten = sa.Column(sa.String(100), nullable=False, default="")
    provinsi = sa.Column(sa.String(100), nullable=False, default="")
    email = sa.Column(sa.String(254), nullable=False)  # lower-cased
    phone = sa.Column(sa.String(30), nullable=False, default="")
    nip = sa.Column(sa.String(18))
    pangkat = sa.Column(sa.String(10))  # code like III/a

    consent_at = sa.Column(UTCDateTime)
    status_reason = sa.Column(sa.Text, nullable=False, default="")
    deletion_requested_at = sa.Column(UTCDateTime)
    anonymized_at = sa.Column(UTCDateTime)  # personal data erased (UU PDP request or retention)

    training = orm.relationship("Training")
    user = orm.relationship("User")

    @property
    def status_label(self):
        return STATUS_LABELS[Status(self.status)]

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    @classmethod
    def active_in(cls, training_id):
        """Select the active (pending/registered/waiting) registrations of a training."""
        return sa.select(cls).where(cls.training_id == training_id, cls.status.in_(ACTIVE_STATUSES))

    @classmethod
    def seat_holders(cls, training_id):
        """Select registrations that occupy a seat (registered or pending approval)."""
        return sa.select(cls).where(cls.training_id == training_id,
                                    cls.status.in_((Status.REGISTERED.value, Status.PENDING.value)))

    @classmethod
    def waiting_list(cls, training_id):
        """Select the waiting list of a training in order (first come, first promoted)."""
        return sa.select(cls).where(cls.training_id == training_id, cls.status == Status.WAITING.value) \
            .order_by(cls.waitlist_at, cls.seq)
