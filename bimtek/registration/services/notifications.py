"""Status e-mails to participants (queued in the same transaction), with the .ics schedule once they hold a seat."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bimtek.accounts.tokens import TOKEN_MINUTES
from bimtek.mail.services import absolute_url, queue_mail
from bimtek.registration.models import Status
from bimtek.trainings.schedule import group_by_local_day
from bimtek.trainings.services import calendar_bytes

if TYPE_CHECKING:
    from bimtek.mail.models import OutboxMessage
    from bimtek.registration.models import Registration

STATUS_SUBJECTS = {
    "received": "Pendaftaran {number} diterima",
    "approved": "Pendaftaran {number} disetujui",
    "promoted": "Anda mendapat kursi: {number}",
    "rejected": "Pendaftaran {number} ditolak",
    "withdrawn": "Pendaftaran {number} dibatalkan",
    "repeat": "Anda sudah terdaftar: {number}",
}


def send_status_mail(registration: Registration, event: str, login_link: str | None = None,
                     store: bool = True) -> OutboxMessage | None:
    """Queue the status e-mail; the .ics schedule is attached once the person holds a seat."""
    training = registration.training
    attachments = ()
    if registration.status == Status.REGISTERED.value and event in ("received", "approved", "promoted", "repeat"):
        url = absolute_url("trainings.show", training_id=training.id)
        data = calendar_bytes(training, url, url.split("/")[2].split(":")[0])
        attachments = ((f"{training.code}.ics", "text/calendar", data),)
    days = group_by_local_day(training.sessions, training.timezone, start=lambda s: s.starts_at)
    subject = STATUS_SUBJECTS[event].format(number=registration.number) + f" — {training.name}"
    return queue_mail(registration.email, subject[:300], "registration_status", attachments=attachments,
                      store=store, registration=registration, training=training, event=event, days=days,
                      login_link=login_link, login_minutes=TOKEN_MINUTES,
                      portal_url=absolute_url("registration.participant_login"),
                      training_url=absolute_url("trainings.show", training_id=training.id))
