"""The participant portal's certificate section (registered in bimtek.register_portal_sections)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bimtek.certificates.services.eligibility import certificate_of, eligibility_for

if TYPE_CHECKING:
    from bimtek.registration.models import Registration
    from bimtek.registration.portal_phase import PortalPhase


def portal_section(registration: Registration, phase: PortalPhase) -> dict:
    """The participant's certificate (or None) and what is still missing for it."""
    return {"certificate": certificate_of(registration), "eligibility": eligibility_for(registration)}
