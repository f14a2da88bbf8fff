"""Action plans (RTL): per-training settings, the plan of one registration, its immutable versions and events."""
import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.action_plans import workflow
from bimtek.action_plans.plan_rows import TPBIS_STRATEGIES, rows_from_data
from bimtek.core.filerefs import STORED_FILE
from bimtek.core.models import TimestampMixin, UTCDateTime, now_utc
from bimtek.extensions import db


class ActionPlanSettings(TimestampMixin, db.Model):
    """How a training asks for RTLs (absent row = defaults: required, TPBIS strategies, no window)."""

    __tablename__ = "action_plan_settings"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False,
                            unique=True)
    required_for_certificate = sa.Column(sa.Boolean, nullable=False, default=True)
    strategies = sa.Column(sa.JSON, nullable=False, default=lambda: list(TPBIS_STRATEGIES))
    require_each_strategy = sa.Column(sa.Boolean, nullable=False, default=False)
    opens_at = sa.Column(UTCDateTime)
    closes_at = sa.Column(UTCDateTime)

    training = orm.relationship("Training")

    @property
    def strategy_list(self):
        return tuple(self.strategies or TPBIS_STRATEGIES)

    def window_state(self, now=None):
        """"belum" before the window, "tutup" after the deadline, else "buka"."""
        now = now or now_utc()
        if self.opens_at and now < self.opens_at:
            return "belum"
        if self.closes_at and now >= self.closes_at:
            return "tutup"
        return "buka"


class ActionPlan(TimestampMixin, db.Model):
    """The RTL of one registration: the working rows plus the review state."""

    __tablename__ = "action_plans"

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"),
                                nullable=False, unique=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    status = sa.Column(sa.String(20), nullable=False, default=workflow.DRAFT, index=True)
    rows = sa.Column(sa.JSON, nullable=False, default=list)
    review_note = sa.Column(sa.Text, nullable=False, default="")   # latest reviewer note on the whole plan
    row_notes = sa.Column(sa.JSON, nullable=False, default=dict)   # latest reviewer notes by row key
    attachment_digest = sa.Column(sa.String(64), info=STORED_FILE)
    attachment_name = sa.Column(sa.String(200))
    attachment_mime = sa.Column(sa.String(100))
    attachment_size = sa.Column(sa.Integer)
    draft_saved_at = sa.Column(UTCDateTime)
    submitted_at = sa.Column(UTCDateTime)
    decided_at = sa.Column(UTCDateTime)

    registration = orm.relationship("Registration")
    training = orm.relationship("Training")
    versions = orm.relationship("ActionPlanVersion", back_populates="plan", order_by="ActionPlanVersion.number",
                                cascade="all, delete-orphan")
    events = orm.relationship("ActionPlanEvent", back_populates="plan", order_by="ActionPlanEvent.id",
                              cascade="all, delete-orphan")

    @property
    def status_label(self):
        return workflow.STATUS_LABELS[self.status]

    @property
    def plan_rows(self):
        return rows_from_data(self.rows or [])

    @property
    def latest_version(self):
        return self.versions[-1] if self.versions else None


class ActionPlanVersion(db.Model):
    """One submission, stored once and never changed."""

    __tablename__ = "action_plan_versions"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number", name="uq_action_plan_versions_number"),)

    id = sa.Column(sa.Integer, primary_key=True)
    plan_id = sa.Column(sa.Integer, sa.ForeignKey("action_plans.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    number = sa.Column(sa.Integer, nullable=False)
    rows = sa.Column(sa.JSON, nullable=False)
    attachment_digest = sa.Column(sa.String(64), info=STORED_FILE)
    attachment_name = sa.Column(sa.String(200))
    submitted_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)

    plan = orm.relationship("ActionPlan", back_populates="versions")

    @property
    def plan_rows(self):
        return rows_from_data(self.rows or [])


class ActionPlanEvent(db.Model):
    """One transition: who did what, when, with which note (the plan's history)."""

    __tablename__ = "action_plan_events"

    id = sa.Column(sa.Integer, primary_key=True)
    plan_id = sa.Column(sa.Integer, sa.ForeignKey("action_plans.id", ondelete="CASCADE"), nullable=False,
                        index=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)
    actor_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    action = sa.Column(sa.String(30), nullable=False)
    from_status = sa.Column(sa.String(20), nullable=False)
    to_status = sa.Column(sa.String(20), nullable=False)
    note = sa.Column(sa.Text, nullable=False, default="")
    row_notes = sa.Column(sa.JSON, nullable=False, default=dict)
    version_number = sa.Column(sa.Integer)

    plan = orm.relationship("ActionPlan", back_populates="events")
    actor = orm.relationship("User")

    @property
    def action_label(self):
        return workflow.ACTION_LABELS.get(self.action, self.action)

    @property
    def to_label(self):
        return workflow.STATUS_LABELS.get(self.to_status, self.to_status)
