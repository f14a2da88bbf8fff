"""The participant portal's attendance section (registered in bimtek.register_portal_sections)."""
from bimtek.attendance.services.figures import portal_attendance


def portal_section(registration, phase) -> dict | None:
    """The participant's own sessions and verdict once logs exist; None while there is nothing to show."""
    if not phase.active:
        return None
    attendance = portal_attendance(registration)
    return {"attendance": attendance} if attendance is not None else None
