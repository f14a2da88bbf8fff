"""A handout (stored file) or link for a training, optionally tied to a materi or a session."""
import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.core.filerefs import STORED_FILE
from bimtek.core.models import UTCDateTime, now_utc
from bimtek.extensions import db

PUBLIC, PARTICIPANTS = "public", "participants"


class Material(db.Model):
    __tablename__ = "materials"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False, index=True)
    materi_id = sa.Column(sa.Integer, sa.ForeignKey("materi.id", ondelete="SET NULL"), index=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("training_sessions.id", ondelete="SET NULL"), index=True)
    title = sa.Column(sa.String(200), nullable=False)
    kind = sa.Column(sa.String(10), nullable=False)  # pdf | pptx | docx | xlsx | link
    url = sa.Column(sa.String(500), nullable=False, default="")
    sha256 = sa.Column(sa.String(64), info=STORED_FILE)
    size = sa.Column(sa.Integer, nullable=False, default=0)
    visibility = sa.Column(sa.String(15), nullable=False, default=PARTICIPANTS)
    downloads = sa.Column(sa.Integer, nullable=False, default=0)
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))

    materi = orm.relationship("Materi")
    session = orm.relationship("TrainingSession")

    @property
    def is_link(self):
        return self.kind == "link"

    @property
    def is_public(self):
        return self.visibility == PUBLIC
