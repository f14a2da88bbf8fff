"""Audit log: who changed what, when. Written by services, never edited."""
import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.core.messages import from_data
from bimtek.core.models import UTCDateTime, now_utc
from bimtek.extensions import db

SUMMARY_KEY = "_summary"  # details key of the summary's msgid and parameters (services.record)


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id = sa.Column(sa.Integer, primary_key=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc, index=True)
    actor_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    action = sa.Column(sa.String(60), nullable=False)          # e.g. registration.approve
    object_type = sa.Column(sa.String(40), nullable=False, default="")
    object_id = sa.Column(sa.Integer)
    summary = sa.Column(sa.Text, nullable=False, default="")  # human-readable, Indonesian
    details = sa.Column(sa.JSON, nullable=False, default=dict)

    actor = orm.relationship("User")

    @property
    def summary_message(self):
        """The summary as a translatable Message when it was recorded as one, else the stored text (|tr)."""
        stored = (self.details or {}).get(SUMMARY_KEY)
        return from_data(stored) if stored else self.summary
