"""Recording audit entries (flush only; the caller commits)."""
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from bimtek.audit.models import SUMMARY_KEY, AuditEntry
from bimtek.core.messages import Message
from bimtek.extensions import db


def record(actor: Any, action: str, obj: Any = None, training_id: int | None = None, summary: str | Message = "",
           **details: Any) -> AuditEntry:
    """Append an audit entry for `actor` doing `action` on `obj`.

    `summary` is stored as Indonesian text; a core.messages.Message also keeps its msgid and parameters (in
    details["_summary"]) so the log can show it in the reader's language (`AuditEntry.summary_message`)."""
    if isinstance(summary, Message):
        details = {**details, SUMMARY_KEY: summary.to_data()}
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        training_id=training_id if training_id is not None else getattr(obj, "training_id", None),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        summary=str(summary),
        details=details,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries_for(training_id: int, limit: int = 200, object_type: str | None = None,
                object_id: int | None = None) -> Sequence[AuditEntry]:
    """Newest audit entries of a training (optionally of one object)."""
    query = sa.select(AuditEntry).where(AuditEntry.training_id == training_id)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
    return db.session.scalars(query.order_by(AuditEntry.created_at.desc()).limit(limit)).all()
