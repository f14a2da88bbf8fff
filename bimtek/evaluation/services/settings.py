"""The training's evaluation settings (flush only): Likert scale, time limits and the certificate gate."""
from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from bimtek.audit.services import record
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message
from bimtek.evaluation.likert import SCALES
from bimtek.evaluation.models import EvaluationSettings
from bimtek.extensions import db

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.trainings.models import Training

MAX_MINUTES = 600


def settings_for(training: Training) -> EvaluationSettings:
    """Saved settings, or an unsaved default object (1–5, no time limit, no gate)."""
    found = db.session.scalar(sa.select(EvaluationSettings).where(EvaluationSettings.training_id == training.id))
    return found or EvaluationSettings(training_id=training.id, likert_scale=5, require_posttest=False,
                                       require_evaluation=False)


def save_settings(actor: User, training: Training, likert_scale: int, pretest_minutes: int | None,
                  posttest_minutes: int | None, require_posttest: bool, require_evaluation: bool) -> EvaluationSettings:
    """Store the organizer's choices; ValidationError on a scale other than 4/5 or an unreasonable limit."""
    if likert_scale not in SCALES:
        raise ValidationError("Skala Likert harus 1–4 atau 1–5.", field="likert_scale")
    for name, minutes in (("pretest_minutes", pretest_minutes), ("posttest_minutes", posttest_minutes)):
        if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
            raise ValidationError(f"Batas waktu harus 1–{MAX_MINUTES} menit atau dikosongkan.", field=name)
    settings = settings_for(training)
    settings.likert_scale, settings.pretest_minutes, settings.posttest_minutes = (
        likert_scale, pretest_minutes, posttest_minutes)
    settings.require_posttest, settings.require_evaluation = bool(require_posttest), bool(require_evaluation)
    db.session.add(settings)
    db.session.flush()
    record(actor, "evaluation.settings", settings, training_id=training.id,
           summary=Message(N_("Pengaturan evaluasi diperbarui")),
           scale=likert_scale, require_posttest=settings.require_posttest,
           require_evaluation=settings.require_evaluation)
    return settings


def minutes_for(settings: EvaluationSettings, kind: str) -> int | None:
    return settings.pretest_minutes if kind == "pre" else settings.posttest_minutes
