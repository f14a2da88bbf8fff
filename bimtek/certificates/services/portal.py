"""The participant portal's certificate section (registered in bimtek.register_portal_sections)."""
from bimtek.certificates.services.eligibility import certificate_of, eligibility_for


def portal_section(registration, phase) -> dict:
    """The participant's certificate (or None) and what is still missing for it."""
    return {"certificate": certificate_of(registration), "eligibility": eligibility_for(registration)}
