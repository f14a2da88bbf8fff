"""Background jobs: state lives in the database so progress survives closed browsers and restarts."""
import enum

import sqlalchemy as sa

from bimtek.core.i18n import N_
from bimtek.core.messages import from_data
from bimtek.core.models import UTCDateTime, now_utc
from bimtek.extensions import db


class JobStatus(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE_STATUSES = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
# One queued-or-running job per (kind, training): the database refuses a second one, whatever the
# timing of two clicks or two workers (a check-then-insert cannot promise that).
_ACTIVE_SQL = sa.text("status IN ('queued', 'running')")


JOB_STATUS_LABELS = {
    JobStatus.QUEUED: N_("Menunggu giliran"),
    JobStatus.RUNNING: N_("Sedang berjalan"),
    JobStatus.DONE: N_("Selesai"),
    JobStatus.FAILED: N_("Gagal"),
}


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        sa.Index("uq_jobs_active_kind_training", "kind", "training_id", unique=True,
                 sqlite_where=_ACTIVE_SQL, postgresql_where=_ACTIVE_SQL),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(60), nullable=False)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    params = sa.Column(sa.JSON, nullable=False, default=dict)
    status = sa.Column(sa.String(10), nullable=False, default=JobStatus.QUEUED.value, index=True)
    done = sa.Column(sa.Integer, nullable=False, default=0)
    failed = sa.Column(sa.Integer, nullable=False, default=0)
    total = sa.Column(sa.Integer, nullable=False, default=0)
    message = sa.Column(sa.Text, nullable=False, default="")  # Indonesian text
    message_data = sa.Column(sa.JSON)  # the same as a translatable Message (`core.messages`), None for plain text
    result = sa.Column(sa.JSON, nullable=False, default=dict)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)
    started_at = sa.Column(UTCDateTime)
    heartbeat_at = sa.Column(UTCDateTime)
    finished_at = sa.Column(UTCDateTime)

    @property
    def status_label(self):
        return JOB_STATUS_LABELS[JobStatus(self.status)]

    @property
    def percent(self):
        if self.status == JobStatus.DONE.value:
            return 100
        return int(100 * (self.done + self.failed) / self.total) if self.total else 0

    @property
    def shown_message(self):
        """The message to show: a Message (translated where it is shown) or plain text (a name, an older row)."""
        return from_data(self.message_data) if self.message_data else self.message

    @property
    def is_finished(self):
        return self.status in (JobStatus.DONE.value, JobStatus.FAILED.value)

    def as_dict(self):
        """JSON-able progress for the polling endpoint."""
        return {"id": self.id, "kind": self.kind, "status": self.status, "status_label": self.status_label,
                "done": self.done, "failed": self.failed, "total": self.total, "percent": self.percent,
                "message": self.message, "finished": self.is_finished, "result": self.result}
