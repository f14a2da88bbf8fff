"""The participant portal's tests-and-evaluation section (registered in bimtek.register_portal_sections)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bimtek.evaluation.services import surveys
from bimtek.evaluation.services.attempts import state_of
from bimtek.evaluation.services.bank import answer_keys
from bimtek.evaluation.services.gate import evaluation_status_for
from bimtek.registration.models import Status

if TYPE_CHECKING:
    from bimtek.registration.models import Registration
    from bimtek.registration.portal_phase import PortalPhase


def portal_section(registration: Registration, phase: PortalPhase) -> dict | None:
    """Both tests' states, the questionnaire's state and the certificate gate; None when nothing applies."""
    if registration.status != Status.REGISTERED.value:
        return None
    response = surveys.response_of(registration)
    ok, missing = evaluation_status_for(registration)
    data = {"tests": [state_of(registration, kind) for kind in ("pre", "post")],
            "survey_window": surveys.window_of(registration.training),
            "survey_done": bool(response and response.submitted_at), "gate_ok": ok, "gate_missing": missing,
            "has_bank": bool(answer_keys(registration.training))}
    return data if data["has_bank"] or data["survey_window"] == "buka" or missing else None
