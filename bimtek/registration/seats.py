"""Seats of a training as the public sees them before registering (remaining, or full → waiting list)."""
from dataclasses import dataclass

from bimtek.registration.services import seats_taken


@dataclass(frozen=True)
class Seats:
    capacity: int | None  # None: no limit
    taken: int

    @property
    def remaining(self):
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def full(self):
        return self.capacity is not None and self.taken >= self.capacity


def seats_of(training):
    """Seats held (registered + pending) against the capacity."""
    return Seats(training.capacity, seats_taken(training.id))
