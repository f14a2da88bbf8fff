"""Outbox: every e-mail is a row written in the caller's transaction and delivered after commit."""
import enum

import sqlalchemy as sa

from bimtek.core.i18n import N_
from bimtek.core.models import UTCDateTime, now_utc
from bimtek.extensions import db


class MailStatus(str, enum.Enum):
    PENDING = "pending"  # queued or waiting for a retry
    SENT = "sent"        # handed to SMTP or written as .eml
    FAILED = "failed"    # gave up after MAX_ATTEMPTS


MAIL_STATUS_LABELS = {
    MailStatus.PENDING: N_("Menunggu dikirim"),
    MailStatus.SENT: N_("Terkirim"),
    MailStatus.FAILED: N_("Gagal"),
}


class OutboxMessage(db.Model):
    __tablename__ = "mail_outbox"

    id = sa.Column(sa.Integer, primary_key=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc, index=True)
    recipient = sa.Column(sa.String(254), nullable=False, index=True)
    subject = sa.Column(sa.String(300), nullable=False)
    template = sa.Column(sa.String(100), nullable=False, default="")
    raw = sa.Column(sa.LargeBinary, nullable=False)  # the complete RFC 5322 message
    status = sa.Column(sa.String(10), nullable=False, default=MailStatus.PENDING.value, index=True)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    next_attempt_at = sa.Column(UTCDateTime, nullable=False, default=now_utc, index=True)
    sent_at = sa.Column(UTCDateTime)
    last_error = sa.Column(sa.Text, nullable=False, default="")
    transport = sa.Column(sa.String(10), nullable=False, default="")  # smtp | file
    eml_path = sa.Column(sa.String(500), nullable=False, default="")

    @property
    def status_label(self):
        return MAIL_STATUS_LABELS[MailStatus(self.status)]

    @classmethod
    def due(cls, now):
        """Select pending messages whose next attempt is due, oldest first."""
        return sa.select(cls).where(cls.status == MailStatus.PENDING.value,
                                    cls.next_attempt_at <= now).order_by(cls.id)
