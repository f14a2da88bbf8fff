"""Recording audit entries (flush only; the caller commits)."""
import sqlalchemy as sa

from bimtek.audit.models import AuditEntry
from bimtek.extensions import db


def record(actor, action, obj=None, training_id=None, summary="", **details):
    """Append an audit entry for `actor` doing `action` on `obj`."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        training_id=training_id if training_id is not None else getattr(obj, "training_id", None),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        summary=summary,
        details=details,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries_for(training_id, limit=200, object_type=None, object_id=None):
    """Newest audit entries of a training (optionally of one object)."""
    query = sa.select(AuditEntry).where(AuditEntry.training_id == training_id)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
    return db.session.scalars(query.order_by(AuditEntry.created_at.desc()).limit(limit)).all()
