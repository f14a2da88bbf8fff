"""The reminder scan as a background job (`announcements.reminders`): started by the 'Periksa sekarang' button
or by `flask --app bimtek send-reminders` from cron; idempotent, so overlapping runs send nothing twice."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bimtek.announcements import reminder_services
from bimtek.core.messages import N_, Message
from bimtek.jobs import services as jobs

if TYPE_CHECKING:
    from bimtek.jobs.models import Job
    from bimtek.jobs.services import Progress

JOB_REMINDERS = "announcements.reminders"


def reminders_job(job: Job, progress: Progress) -> dict[str, int]:
    result = reminder_services.scan()
    progress(1, 0, 1, Message(N_("%(reminders)s pengingat, %(updates)s perubahan jadwal"),
                            reminders=result.reminders, updates=result.updates))  # commits while ours
    return {"reminders": result.reminders, "updates": result.updates}


def register_jobs() -> None:
    jobs.register_job(JOB_REMINDERS, reminders_job)
