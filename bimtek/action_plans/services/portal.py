"""The participant portal's RTL section (registered in bimtek.register_portal_sections)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bimtek.action_plans import workflow
from bimtek.action_plans.services.eligibility import rtl_status_for
from bimtek.action_plans.services.plans import plan_for
from bimtek.action_plans.services.queue import MISSING, state_label

if TYPE_CHECKING:
    from bimtek.registration.models import Registration
    from bimtek.registration.portal_phase import PortalPhase


def portal_section(registration: Registration, phase: PortalPhase) -> dict:
    """The participant's RTL: plan (or None), state label, certificate gate and whether they may edit."""
    plan = plan_for(registration)
    ok, reason = rtl_status_for(registration)
    state = plan.status if plan else MISSING
    return {"plan": plan, "state": state, "label": state_label(state), "ok": ok, "reason": reason,
            "editable": workflow.can_edit(state if plan else workflow.DRAFT, workflow.PESERTA)}
