"""Certificates for narasumber, moderators, MC and panitia (flush only): recipients entered by hand or proposed
from the materi list, their numbering (the participants' sequence or an own one), issuing with the role's
design variant, and the bulk job. Revocation, freezing (the snapshot), QR verification and downloads are the
participants' ones: a recipient's certificate is an ordinary Certificate row with `recipient_id` set.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bimtek.audit.services import record
from bimtek.certificates import numbering, recipients, verification
from bimtek.certificates.models import (
    Certificate,
    CertificateFile,
    CertificateRecipient,
    CertStatus,
    RecipientNumbering,
)
from bimtek.certificates.rendering import render_pdf
from bimtek.certificates.services.issuing import (
    format_number,
    issue_date_of,
    render_context,
    reserve_numbers,
    shared_snapshot,
    verify_url,
)
from bimtek.certificates.services.settings import design_dir, settings_for, settings_problems
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.core.storage import app_storage
from bimtek.extensions import db
from bimtek.trainings.models import Materi, Training

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.certificates.models import CertificateSettings
    from bimtek.jobs.models import Job
    from bimtek.jobs.services import Progress

JOB_ISSUE_RECIPIENTS = "certificates.issue_recipients"


def recipients_of(training: Training) -> Sequence[CertificateRecipient]:
    return db.session.scalars(sa.select(CertificateRecipient).where(CertificateRecipient.training_id == training.id)
                              .order_by(CertificateRecipient.role, CertificateRecipient.id)).all()


def add_recipient(actor: User, training: Training, name: str | None, role: str, materi_id: int | None = None,
                  nip: str | None = "", instansi: str | None = "") -> CertificateRecipient:
    """Add one recipient (flush only)."""
    name, role, materi_id = recipients.check_recipient(name, role, materi_id)
    if materi_id:
        materi = db.session.get(Materi, materi_id)
        if materi is None or materi.training_id != training.id:
            raise ValidationError("Materi tidak ditemukan di pelatihan ini.", field="materi_id")
    if any(r.name.casefold() == name.casefold() and r.role == role and r.materi_id == materi_id
           for r in recipients_of(training)):
        raise ValidationError(Message(N_("%(name)s sudah ada sebagai %(role)s; tidak ditambahkan lagi."), name=name,
                                      role=Message(recipients.ROLES[role])), field="name")
    recipient = CertificateRecipient(training_id=training.id, name=name, role=role, materi_id=materi_id,
                                     nip="".join((nip or "").split())[:18], instansi=(instansi or "").strip()[:300])
    db.session.add(recipient)
    db.session.flush()
    record(actor, "certificate.recipient_add", recipient, training_id=training.id,
           summary=Message(N_("Menambah penerima sertifikat %(name)s (%(role)s)"), name=name,
                           role=Message(recipients.ROLES[role])))
    return recipient


def import_from_materi(actor: User, training: Training) -> list[CertificateRecipient]:
    """Add a narasumber for every trainer in the materi list not added yet; returns the new recipients."""
    existing = {(r.name.casefold(), r.materi_id) for r in recipients_of(training) if r.role == "narasumber"}
    proposals = recipients.from_materi([(m.id, m.title, m.trainer) for m in training.materi], existing)
    return [add_recipient(actor, training, p.name, p.role, p.materi_id) for p in proposals]


def numbering_of(training: Training) -> RecipientNumbering:
    found = db.session.scalar(sa.select(RecipientNumbering).where(RecipientNumbering.training_id == training.id))
    return found or RecipientNumbering(training_id=training.id, shared_sequence=True, last_seq=0,
                                       number_template=recipients.DEFAULT_OWN_TEMPLATE)


def save_numbering(actor: User, training: Training, shared_sequence: bool,
                   number_template: str | None) -> RecipientNumbering:
    """Shared sequence, or an own template (which must differ from the participants' one: numbers stay unique)."""
    stored = numbering_of(training)
    template = numbering.validate_template(number_template or recipients.DEFAULT_OWN_TEMPLATE)
    if not shared_sequence and template == settings_for(training).number_template:
        raise ValidationError("Format nomor sendiri harus berbeda dari format nomor sertifikat peserta.",
                              field="number_template")
    stored.shared_sequence, stored.number_template = bool(shared_sequence), template
    if stored.id is None:
        db.session.add(stored)
    db.session.flush()
    record(actor, "certificate.recipient_numbering", stored, training_id=training.id,
           summary=Message(N_("Mengubah penomoran sertifikat narasumber/panitia")))
    return stored


def _reserve(training: Training, settings: CertificateSettings) -> tuple[int, str]:
    """(Certificate.seq, printed number) from the shared or the own sequence (row-locked UPDATE … RETURNING)."""
    own = numbering_of(training)
    if own.shared_sequence:
        seq = reserve_numbers(training)
        return seq, format_number(training, settings, seq)
    if own.id is None:
        db.session.add(own)
        db.session.flush()
    table = RecipientNumbering.__table__
    seq = db.session.execute(table.update().where(table.c.id == own.id).values(last_seq=table.c.last_seq + 1)
                             .returning(table.c.last_seq)).scalar_one()
    number = numbering.format_number(own.number_template, seq, issued_on=issue_date_of(training, settings),
                                     kode=training.code, unit=training.organizer_short or "")
    return -seq, number


def current_certificate(recipient: CertificateRecipient) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.recipient_id == recipient.id, Certificate.status != CertStatus.REPLACED.value)
        .order_by(Certificate.id.desc()))


def issue_recipient_certificate(actor: User | None, recipient: CertificateRecipient,
                                now: datetime | None = None) -> Certificate:
    """Number, snapshot (with the role), render, store the PDF before the row (flush only)."""
    training = recipient.training
    settings = settings_for(training)
    problems = settings_problems(settings)
    if problems:
        raise ValidationError(" ".join(problems), field="settings")
    existing = current_certificate(recipient)
    if existing is not None and existing.is_valid:
        raise ValidationError("Penerima ini sudah memiliki sertifikat yang sah.")
    seq, number = _reserve(training, settings)
    code = verification.new_code()
    materi = recipient.materi
    snapshot = {**shared_snapshot(training, settings), "seq": seq, "number": number, "verify_url": verify_url(code),
                "tte": False, "person": {"name": recipient.name, "nip": recipient.nip, "instansi": recipient.instansi,
                                         "registration_number": ""},
                "role": recipients.role_variant(recipient.role, materi.title if materi else "",
                                                materi.jp if materi else None)}
    storage = app_storage()
    shared, person = render_context(snapshot, storage)
    pdf = render_pdf(design_dir(snapshot["design"]), {**shared, **person})
    digest, now = storage.put(pdf), now or now_utc()
    cert = Certificate(training_id=training.id, recipient_id=recipient.id, seq=seq, number=number, code=code,
                       status=CertStatus.VALID.value, snapshot=snapshot, name=recipient.name, sha256=digest,
                       original_sha256=digest, size=len(pdf), issued_at=now, issued_by_id=getattr(actor, "id", None))
    cert.files.append(CertificateFile(kind="issued", sha256=digest, size=len(pdf), created_at=now,
                                      created_by_id=getattr(actor, "id", None)))
    db.session.add(cert)
    db.session.flush()
    record(actor, "certificate.issue", cert, training_id=training.id,
           summary=Message(N_("Menerbitkan sertifikat %(number)s untuk %(name)s (%(role)s)"), number=number,
                           name=recipient.name, role=Message(recipients.ROLES[recipient.role])),
           number=number)
    return cert


def recipients_to_issue(training: Training) -> list[CertificateRecipient]:
    """Recipients without a valid certificate: what the bulk job issues and the count on its button."""
    return [r for r in recipients_of(training) if not ((cert := current_certificate(r)) and cert.is_valid)]


def issue_recipients_job(job: Job, progress: Progress) -> dict[str, int]:
    """Bulk job: every recipient of the training without a valid certificate; one commit per certificate,
    so a re-run after a crash skips the ones already issued."""
    training = db.session.get(Training, job.training_id)
    todo = recipients_to_issue(training)
    done = failed = 0
    for recipient in todo:
        try:
            issue_recipient_certificate(None, recipient)
            progress(done + 1, failed, len(todo), recipient.name)  # commits while the job is ours
            done += 1
        except ValidationError as error:
            db.session.rollback()
            failed += 1
            progress(done, failed, len(todo), recipient.name + ": " + error.message)  # (a Message stays one)
    return {"issued": done, "failed": failed}
