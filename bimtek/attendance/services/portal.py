"""The participant portal's attendance section (registered in bimtek.register_portal_sections)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bimtek.attendance.checkin import codes
from bimtek.attendance.services.figures import portal_attendance
from bimtek.core.models import now_utc
from bimtek.registration.models import Status

if TYPE_CHECKING:
    from bimtek.registration.models import Registration
    from bimtek.registration.portal_phase import PortalPhase


def portal_section(registration: Registration, phase: PortalPhase) -> dict | None:
    """The participant's own sessions and verdict once logs exist, and the sessions whose self check-in is open
    now; None while there is nothing to show."""
    attendance = portal_attendance(registration) if phase.active else None
    checkins = open_checkins(registration)
    if attendance is None and not checkins:
        return None
    return {"attendance": attendance, "checkin_sessions": checkins}


def open_checkins(registration: Registration) -> list:
    """Sessions of the registration's training where masuk or keluar can be checked in right now."""
    if registration.status != Status.REGISTERED.value:
        return []
    now = now_utc()
    return [s for s in registration.training.sessions if codes.open_kinds(s.starts_at, s.ends_at, now)]
