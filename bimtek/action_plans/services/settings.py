"""The training's RTL settings (flush only): required for the certificate, strategies, submission window."""
from datetime import datetime

import sqlalchemy as sa

from bimtek.accounts.models import User
from bimtek.action_plans import plan_rows
from bimtek.action_plans.models import ActionPlanSettings
from bimtek.audit.services import record
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message
from bimtek.extensions import db
from bimtek.trainings.models import Training


def settings_for(training: Training) -> ActionPlanSettings:
    """The training's RTL settings; an unsaved default object when the organizer never saved any."""
    found = db.session.scalar(sa.select(ActionPlanSettings).where(ActionPlanSettings.training_id == training.id))
    return found or ActionPlanSettings(training_id=training.id, required_for_certificate=True,
                                       strategies=list(plan_rows.TPBIS_STRATEGIES), require_each_strategy=False)


def parse_strategies(text: str | None) -> list[str]:
    """One strategy per line, trimmed, without duplicates; ValidationError when none or too long."""
    names = []
    for line in (text or "").splitlines():
        name = " ".join(line.split())
        if name and name not in names:
            names.append(name)
    if not names:
        raise ValidationError("Isi minimal satu strategi.", field="strategies")
    if len(names) > 10 or any(len(n) > 100 for n in names):
        raise ValidationError("Maksimal 10 strategi, masing-masing maks. 100 karakter.", field="strategies")
    return names


def save_settings(actor: User, training: Training, required: bool, strategies_text: str, require_each: bool,
                  opens_at: datetime | None = None, closes_at: datetime | None = None) -> ActionPlanSettings:
    """Store the organizer's RTL configuration (aware UTC window) for a training."""
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationError("Batas akhir pengisian harus setelah waktu dibuka.", field="closes_at")
    settings = settings_for(training)
    settings.required_for_certificate = bool(required)
    settings.strategies = parse_strategies(strategies_text)
    settings.require_each_strategy = bool(require_each)
    settings.opens_at, settings.closes_at = opens_at, closes_at
    db.session.add(settings)
    db.session.flush()
    record(actor, "action_plan.settings", settings, training_id=training.id,
           summary=Message(N_("Pengaturan RTL diperbarui")), strategies=settings.strategies,
           required=settings.required_for_certificate)
    return settings
