"""Attendance pass rule of a training, JP per session and the rule freeze (flush only).

JP per session: the training's total JP (sum of materi) is distributed over its sessions in proportion to
session length, so the JP of all sessions adds up to the training's JP; without materi a session is worth
length / minutes_per_jp.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bimtek.attendance import rules
from bimtek.attendance.models import AttendanceSettings
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db

if TYPE_CHECKING:
    from bimtek.trainings.models import Training

STATUS_LABELS = {rules.HADIR: "Hadir", rules.SEBAGIAN: "Hadir sebagian", rules.TIDAK_HADIR: "Tidak hadir"}
RULE_FROZEN_MESSAGE = N_("Aturan kehadiran sudah dibekukan karena sertifikat telah diterbitkan; "
                         "aturan tidak dapat diubah lagi.")


# --- rule, JP, freeze -------------------------------------------------------------------------------------------

def training_rule(training: Training) -> rules.AttendanceRule:
    """The training's stored pass rule as a rules.AttendanceRule."""
    return rules.AttendanceRule(mode=training.pass_rule or rules.MODE_SESSIONS,
                                min_session_share=float(training.min_session_share),
                                min_sessions_share=float(training.min_sessions_share),
                                min_jp=float(training.min_jp or 0))


def session_jp(training: Training) -> dict[int, float]:
    """{session id: JP}: total JP spread over sessions by length (length / minutes_per_jp without materi)."""
    sessions = list(training.sessions)
    total_seconds = sum(s.duration_seconds for s in sessions)
    total_jp = training.total_jp
    if total_jp and total_seconds:
        return {s.id: total_jp * s.duration_seconds / total_seconds for s in sessions}
    per_jp = 60 * (training.minutes_per_jp or 45)
    return {s.id: s.duration_seconds / per_jp for s in sessions}


def rule_is_frozen(training: Training) -> bool:
    """True once certificates were issued (certificates call `freeze_rule`); the rule may not change after."""
    settings = db.session.get(AttendanceSettings, training.id)
    return bool(settings and settings.rule_frozen_at)


def freeze_rule(training: Training, now: datetime | None = None) -> AttendanceSettings:
    """Freeze the training's attendance rule (idempotent; the certificates service calls this when issuing)."""
    settings = db.session.get(AttendanceSettings, training.id)
    if settings is None:
        settings = AttendanceSettings(training_id=training.id)
        db.session.add(settings)
    if settings.rule_frozen_at is None:
        settings.rule_frozen_at = now or now_utc()
    db.session.flush()
    return settings


def rule_lock_reason(training: Training) -> str | None:
    """The message shown next to the rule fields once the rule is frozen, else None."""
    return Message(RULE_FROZEN_MESSAGE) if rule_is_frozen(training) else None


def check_rule_change(training: Training, data: Mapping[str, Any]) -> None:
    """Raise ValidationError if `data` (training form values, shares in %) changes a frozen rule."""
    if not rule_is_frozen(training):
        return
    wanted = (data.get("pass_rule", training.pass_rule),
              round(float(data.get("min_session_share") or 75) / 100, 6),
              round(float(data.get("min_sessions_share") or 100) / 100, 6),
              data.get("min_jp", training.min_jp) or None)
    current = (training.pass_rule, round(training.min_session_share, 6), round(training.min_sessions_share, 6),
               training.min_jp or None)
    if wanted != current:
        raise ValidationError(Message(RULE_FROZEN_MESSAGE), field="pass_rule")
