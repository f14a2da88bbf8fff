"""Announcements (flush only): who matches a filter, the preview, sending through the outbox (one message per
recipient, throttled and retried there) and each recipient's delivery status; the WhatsApp list.

Personal data stays minimal: the message carries the recipient's name and registration number only, the
WhatsApp list the name, number and phone of the recipients the organizer already manages.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.action_plans.models import ActionPlan
from bimtek.announcements import audience as audience_rules
from bimtek.announcements.models import Announcement, AnnouncementRecipient
from bimtek.announcements.presets import group_text, personalise, unknown_placeholders
from bimtek.attendance.services import verdicts_for_training
from bimtek.audit.services import record
from bimtek.certificates.services.eligibility import current_certificates
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.paging import Page
from bimtek.extensions import db
from bimtek.mail.models import OutboxMessage
from bimtek.mail.services import absolute_url, queue_mail
from bimtek.registration import phones
from bimtek.registration.models import STATUS_LABELS, Registration, Status

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.trainings.models import Training

MAX_SUBJECT, MAX_BODY = 200, 5000
GROUP_NAME, GROUP_NUMBER = "Bapak/Ibu peserta", "nomor registrasi Anda"


def _registrations(training: Training) -> Sequence[Registration]:
    return db.session.scalars(sa.select(Registration).where(
        Registration.training_id == training.id, Registration.anonymized_at.is_(None))
        .order_by(Registration.seq)).all()


def participant_facts(training: Training,
                      registrations: Sequence[Registration] | None = None) -> dict[int, audience_rules.Facts]:
    """{registration id: audience.Facts} for every (not anonymised) registration, in a few queries."""
    registrations = registrations if registrations is not None else _registrations(training)
    verdicts = verdicts_for_training(training)
    plan_rows = db.session.execute(sa.select(ActionPlan.registration_id, ActionPlan.status).join(
        Registration, ActionPlan.registration_id == Registration.id).where(Registration.training_id == training.id))
    plans = {registration_id: status for registration_id, status in plan_rows}
    certificates = current_certificates(training)
    facts = {}
    for registration in registrations:
        verdict, cert = verdicts.get(registration.id), certificates.get(registration.id)
        facts[registration.id] = audience_rules.Facts(
            status=registration.status, kabupaten=registration.kabupaten, instansi=registration.instansi,
            attendance=("lulus" if verdict.passed else "belum") if verdict else "",
            rtl=plans.get(registration.id, "belum_diisi"),
            certificate="belum" if cert is None else ("sah" if cert.is_valid else "dicabut"))
    return facts


def recipients(training: Training, audience: audience_rules.AudienceFilter) -> list[Registration]:
    """Registrations matching the filter, in registration order."""
    registrations = _registrations(training)
    chosen = set(audience_rules.select(audience, participant_facts(training, registrations)))
    return [r for r in registrations if r.id in chosen and r.email]


def kabupaten_choices(training: Training) -> list[str]:
    """Distinct kabupaten/kota of the training's participants, for the filter."""
    return [k for k in db.session.scalars(sa.select(Registration.kabupaten).where(
        Registration.training_id == training.id, Registration.kabupaten != "").distinct()
        .order_by(Registration.kabupaten))]


def describe(audience: audience_rules.AudienceFilter) -> str:
    return audience_rules.describe(audience, {s.value: str(label) for s, label in STATUS_LABELS.items()})


def short_name(registration: Registration) -> str:
    """The name without academic titles after the comma ('Siti Aminah, S.IP.' → 'Siti Aminah')."""
    return registration.nama_lengkap.split(",")[0].strip()


def check_message(subject: str | None, body: str | None) -> tuple[str, str]:
    """(subject, body) cleaned, or ValidationError with every problem."""
    subject, body = " ".join((subject or "").split()), (body or "").strip()
    if not subject or not body:
        raise ValidationError("Judul dan isi pengumuman wajib diisi.", field="subject" if not subject else "body")
    if len(subject) > MAX_SUBJECT or len(body) > MAX_BODY:
        raise ValidationError(f"Judul paling panjang {MAX_SUBJECT} karakter, isi {MAX_BODY} karakter.",
                              field="body")
    for field, text in (("subject", subject), ("body", body)):
        unknown = unknown_placeholders(text)
        if unknown:
            raise ValidationError(Message(N_(
                "Penanda %(found)s tidak dikenal. Gunakan {nama} untuk nama penerima dan {nomor} untuk nomor "
                "registrasinya, atau hapus tanda kurung kurawalnya."), found=", ".join(unknown[:5])), field=field)
    return subject, body


def preview(training: Training, subject: str, body: str,
            audience: audience_rules.AudienceFilter) -> tuple[int, str, str]:
    """(count, description, sample text for the first recipient) without writing anything."""
    subject, body = check_message(subject, body)
    chosen = recipients(training, audience)
    sample = personalise(body, short_name(chosen[0]), chosen[0].number) if chosen else body
    return len(chosen), describe(audience), sample


def send_announcement(actor: User, training: Training, subject: str, body: str,
                      audience: audience_rules.AudienceFilter) -> Announcement:
    """Record the announcement and queue one e-mail per recipient (flush only; the caller commits)."""
    subject, body = check_message(subject, body)
    chosen = recipients(training, audience)
    if not chosen:
        raise ValidationError("Tidak ada peserta yang cocok dengan saringan ini; pengumuman tidak dikirim.")
    announcement = Announcement(training_id=training.id, subject=subject, body=body, audience=audience.to_dict(),
                                audience_text=describe(audience)[:500], created_by_id=getattr(actor, "id", None))
    db.session.add(announcement)
    portal_url = absolute_url("registration.portal")
    training_url = absolute_url("trainings.show", training_id=training.id)
    for registration in chosen:
        text = personalise(body, short_name(registration), registration.number)
        own_subject = personalise(subject, short_name(registration), registration.number)
        message = queue_mail(registration.email, own_subject[:300], "announcement", text=text, training=training,
                             portal_url=portal_url, training_url=training_url)
        announcement.recipients.append(AnnouncementRecipient(registration_id=registration.id, outbox_id=message.id))
    db.session.flush()
    record(actor, "announcement.send", announcement, training_id=training.id,
           summary=Message(N_("Mengirim pengumuman “%(subject)s” ke %(count)s peserta"), subject=subject,
                           count=len(chosen)), recipients=len(chosen))
    return announcement


def announcements_of(training: Training) -> Sequence[Announcement]:
    return db.session.scalars(sa.select(Announcement).where(Announcement.training_id == training.id)
                              .order_by(Announcement.id.desc())).all()


def delivery_counts(announcement: Announcement) -> dict[str, int]:
    """{outbox status: count} of an announcement's recipients (no outbox row: "sent"), counted by the database, in
    the order each status first occurs among the recipients."""
    status = sa.func.coalesce(OutboxMessage.status, "sent")
    return dict(db.session.execute(sa.select(status, sa.func.count()).select_from(AnnouncementRecipient).outerjoin(
        OutboxMessage, OutboxMessage.id == AnnouncementRecipient.outbox_id).where(
        AnnouncementRecipient.announcement_id == announcement.id).group_by(status)
        .order_by(sa.func.min(AnnouncementRecipient.id))).all())


def recipient_page(announcement: Announcement, requested: int | str | None) -> tuple[Page, list[AnnouncementRecipient]]:
    """(page, its recipients with registration and outbox message) of the delivery table, in sending order."""
    total = db.session.scalar(sa.select(sa.func.count(AnnouncementRecipient.id)).where(
        AnnouncementRecipient.announcement_id == announcement.id))
    page = Page.of(requested, total)
    shown = db.session.scalars(sa.select(AnnouncementRecipient).where(
        AnnouncementRecipient.announcement_id == announcement.id).order_by(AnnouncementRecipient.id)
        .offset(page.offset).limit(page.size).options(
        orm.selectinload(AnnouncementRecipient.registration), orm.selectinload(AnnouncementRecipient.outbox))).all()
    return page, shown


def whatsapp_list(training: Training, body: str,
                  registrations: Iterable[Registration]) -> tuple[list[dict[str, str]], str]:
    """(rows, group text): per participant name, number, phone and wa.me link with the personal message;
    the group text fills the personal placeholders with neutral words."""
    rows = []
    for registration in registrations:
        text = personalise(body, short_name(registration), registration.number)
        phone = phones.e164_or_raw(registration.phone)
        rows.append({"name": registration.nama_lengkap, "number": registration.number, "phone": phone,
                     "link": phones.wa_link(phone, text), "cut": len(text) > phones.MAX_MESSAGE_CHARS})
    return rows, group_text(body, GROUP_NAME, GROUP_NUMBER)


def whatsapp_page(training: Training, body: str, registrations: Sequence[Registration],
                  requested: int | str | None) -> tuple[Page, list[dict[str, str]], str, bool]:
    """(page, its rows, group text, whether any recipient's message, on any page, is cut) for a WhatsApp list."""
    page = Page.of(requested, len(registrations))
    rows, text = whatsapp_list(training, body, page.slice(registrations))
    cut = any(len(personalise(body, short_name(r), r.number)) > phones.MAX_MESSAGE_CHARS for r in registrations)
    return page, rows, text, cut


def announcement_recipients(announcement: Announcement) -> Sequence[Registration]:
    """The announcement's recipients still on the roster and not anonymised, in sending order."""
    return db.session.scalars(sa.select(Registration).join(
        AnnouncementRecipient, AnnouncementRecipient.registration_id == Registration.id).where(
        AnnouncementRecipient.announcement_id == announcement.id, Registration.anonymized_at.is_(None))
        .order_by(AnnouncementRecipient.id)).all()


def announcement_whatsapp(announcement: Announcement) -> tuple[list[dict[str, str]], str]:
    return whatsapp_list(announcement.training, announcement.body, announcement_recipients(announcement))


def registered_only() -> audience_rules.AudienceFilter:
    return audience_rules.AudienceFilter(statuses=(Status.REGISTERED.value,))
