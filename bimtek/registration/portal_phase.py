"""Where a participant stands, so the portal says what is true at that moment.

A waiting-list or pending participant has no attendance, RTL or certificate yet; a registered participant of
a training that has not started has nothing to meet yet ("Pelatihan dimulai 5 Mei 2027"), not "0 dari 6 sesi".
"""
from dataclasses import dataclass
from datetime import datetime

from bimtek.core.models import now_utc
from bimtek.registration.models import Status
from bimtek.registration.services import training_starts_at

INACTIVE, NOT_STARTED, RUNNING, ENDED = "inactive", "not_started", "running", "ended"


@dataclass(frozen=True)
class PortalPhase:
    phase: str
    status: str
    starts_at: datetime  # UTC: the first session (or the start date)
    ends_at: datetime | None  # UTC: the end of the last session, None without sessions

    @property
    def active(self):
        return self.phase != INACTIVE

    @property
    def started(self):
        return self.phase in (RUNNING, ENDED)


def phase_of(registration, now=None):
    """The participant's phase for one registration."""
    now = now or now_utc()
    training = registration.training
    starts_at = training_starts_at(training)
    ends_at = max((s.ends_at for s in training.sessions), default=None)
    if registration.status != Status.REGISTERED.value or registration.anonymized_at is not None:
        phase = INACTIVE
    elif now < starts_at:
        phase = NOT_STARTED
    elif ends_at is not None and now >= ends_at:
        phase = ENDED
    else:
        phase = RUNNING
    return PortalPhase(phase, registration.status, starts_at, ends_at)
