"""Issuing one certificate (flush only): the number reserved under the settings row lock, the snapshot frozen
at issue, the PDF stored before its row, re-issue (a new number, the old one 'diganti'), revocation and the
participant's e-mail. The bulk job (`certificates.tasks`) reuses the same steps.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bimtek.attendance.services import freeze_rule
from bimtek.audit.services import record
from bimtek.certificates import numbering, verification
from bimtek.certificates.models import Certificate, CertificateFile, CertificateSettings, CertStatus
from bimtek.certificates.rendering import render_pdf
from bimtek.certificates.services.eligibility import certificate_of, eligibility_for
from bimtek.certificates.services.settings import design_dir, settings_for, settings_problems
from bimtek.core.dates import place_date_line
from bimtek.core.errors import NotFoundError, ValidationError
from bimtek.core.messages import N_, Message, joined
from bimtek.core.models import now_utc
from bimtek.core.storage import app_storage
from bimtek.extensions import db
from bimtek.mail.services import absolute_url, queue_mail

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.core.storage import Storage
    from bimtek.mail.models import OutboxMessage
    from bimtek.registration.models import Registration
    from bimtek.trainings.models import Training

# --- numbering and snapshot ---------------------------------------------------------------------------

def reserve_numbers(training: Training, count: int = 1) -> int:
    """Atomically take ``count`` sequence numbers (UPDATE … RETURNING holds the row lock until commit).

    Returns the first of the reserved numbers. The counter only grows, so a number is never reused,
    also after revocation, replacement or a failed issue (a gap is left instead).
    """
    settings = settings_for(training)
    if settings.id is None:
        raise ValidationError("Simpan pengaturan sertifikat terlebih dahulu.", field="settings")
    table = CertificateSettings.__table__
    last = db.session.execute(table.update().where(table.c.training_id == training.id)
                              .values(last_seq=table.c.last_seq + count).returning(table.c.last_seq)).scalar_one()
    db.session.expire(settings, ["last_seq"])
    return last - count + 1


def issue_date_of(training: Training, settings: CertificateSettings) -> date:
    """The date printed on the certificate (setting, else the training's last day)."""
    return settings.issue_date or training.end_date


def shared_snapshot(training: Training, settings: CertificateSettings) -> dict[str, Any]:
    """The part of the snapshot every certificate of the training shares at this moment."""
    issued_on = issue_date_of(training, settings)
    return {
        "training": {"id": training.id, "code": training.code, "name": training.name,
                     "unit_name": training.organizer_unit, "dates_text": training.dates_text,
                     "total_jp": training.total_jp, "materi": [[m.title, m.jp] for m in training.materi]},
        "signer": {"jabatan": settings.signer_jabatan, "name": settings.signer_name,
                   "pangkat": settings.signer_pangkat, "nip": settings.signer_nip},
        "place_date": place_date_line(settings.place or training.city or "", issued_on),
        "issue_date": issued_on.isoformat(), "design": settings.design or "default",
        "signature_sha256": settings.signature_sha256, "stamp_sha256": settings.stamp_sha256,
    }


def person_snapshot(registration: Any) -> dict[str, Any]:
    """The participant's data as printed (frozen at issue)."""
    return {"name": registration.nama_lengkap, "nip": registration.nip or "", "instansi": registration.instansi,
            "registration_number": registration.number}


def format_number(training: Training, settings: CertificateSettings, seq: int) -> str:
    """The certificate number for a sequence number under the current template."""
    return numbering.format_number(settings.number_template, seq,
                                   issued_on=issue_date_of(training, settings),
                                   kode=training.code, unit=training.organizer_short or "")


def verify_url(code: str) -> str:
    """Absolute URL of the public verification page (what the QR encodes)."""
    return absolute_url("certificates.verify", code=code)


def render_context(snapshot: Mapping[str, Any], storage: Storage) -> tuple[dict[str, Any], dict[str, Any]]:
    """(shared, person) renderer contexts rebuilt from a frozen snapshot."""
    return shared_context(snapshot, storage), person_context(snapshot)


def shared_context(snapshot: Mapping[str, Any], storage: Storage) -> dict[str, Any]:
    """The renderer context every certificate of a snapshot's training shares (reads the signature and stamp)."""
    training, signer = snapshot["training"], snapshot["signer"]
    return {"unit_name": training["unit_name"], "training_name": training["name"],
            "dates_text": training["dates_text"], "total_jp": training["total_jp"],
            "materi": [tuple(m) for m in training["materi"]], "place_date": snapshot["place_date"],
            "signer": dict(signer),
            "signature": storage.get(snapshot["signature_sha256"]) if snapshot.get("signature_sha256") else None,
            "stamp": storage.get(snapshot["stamp_sha256"]) if snapshot.get("stamp_sha256") else None,
            "role": snapshot.get("role")}  # narasumber/moderator/MC/panitia variant; None for participants


def person_context(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """The per-person renderer context of a frozen snapshot (no file reads: bulk callers share the rest)."""
    return {"name": snapshot["person"]["name"], "nip": snapshot["person"]["nip"],
            "instansi": snapshot["person"]["instansi"], "number": snapshot["number"],
            "verify_url": snapshot["verify_url"]}


# --- issuing ------------------------------------------------------------------------------------------

def _check_can_issue(training: Training, settings: CertificateSettings, registration: Registration) -> None:
    """Raise a DomainError when this registration cannot get a certificate now."""
    problems = settings_problems(settings)
    if problems:
        raise ValidationError(" ".join(problems), field="settings")
    if registration.training_id != training.id:
        raise NotFoundError("Peserta tidak ditemukan di pelatihan ini.")
    eligibility = eligibility_for(registration)
    if not eligibility.ok:
        raise ValidationError(Message(N_("Peserta belum memenuhi syarat: %(missing)s"),
                                      missing=joined(eligibility.missing)))


def plan_certificate(training: Training, settings: CertificateSettings, shared: dict[str, Any], registration: Any,
                     seq: int) -> tuple[str, dict[str, Any]]:
    """Number, code and snapshot of a certificate about to be issued (nothing stored yet)."""
    code = verification.new_code()
    snapshot = {**shared, "person": person_snapshot(registration), "seq": seq,
                "number": format_number(training, settings, seq), "verify_url": verify_url(code), "tte": False}
    return code, snapshot


def store_certificate(actor: User | None, registration: Registration | None, code: str, snapshot: dict[str, Any],
                      pdf: bytes, storage: Storage, now: datetime | None = None) -> Certificate:
    """Store the PDF (before any commit), then add the Certificate and its file row (flush only)."""
    digest = storage.put(pdf)
    now = now or now_utc()
    cert = Certificate(training_id=registration.training_id, registration_id=registration.id,
                       seq=snapshot["seq"], number=snapshot["number"], code=code, status=CertStatus.VALID.value,
                       snapshot=snapshot, name=snapshot["person"]["name"], sha256=digest, original_sha256=digest,
                       size=len(pdf), issued_at=now, issued_by_id=getattr(actor, "id", None))
    cert.files.append(CertificateFile(kind="issued", sha256=digest, size=len(pdf), created_at=now,
                                      created_by_id=getattr(actor, "id", None)))
    db.session.add(cert)
    db.session.flush()
    return cert


def issue_certificate(actor: User | None, registration: Registration, now: datetime | None = None) -> Certificate:
    """Issue one certificate: reserve a number under lock, render, store, record (flush only)."""
    training = registration.training
    settings = settings_for(training)
    seq = reserve_numbers(training)  # first write: takes the lock before anything is read for the issue
    _check_can_issue(training, settings, registration)
    existing = certificate_of(registration)
    if existing is not None and existing.is_valid:
        raise ValidationError("Peserta ini sudah memiliki sertifikat yang sah.")
    code, snapshot = plan_certificate(training, settings, shared_snapshot(training, settings), registration, seq)
    storage = app_storage()
    shared, person = render_context(snapshot, storage)
    pdf = render_pdf(design_dir(snapshot["design"]), {**shared, **person})
    cert = store_certificate(actor, registration, code, snapshot, pdf, storage, now)
    freeze_rule(training, now)
    notify_participant(cert)
    record(actor, "certificate.issue", cert,
           summary=Message(N_("Menerbitkan sertifikat %(number)s untuk %(name)s"), number=cert.number, name=cert.name),
           number=cert.number, registration=registration.number)
    return cert


def reissue_certificate(actor: User | None, certificate: Certificate, now: datetime | None = None) -> Certificate:
    """Correction: a new certificate with a new number from the current data; the old one becomes 'diganti'."""
    if not certificate.is_valid:
        raise ValidationError("Hanya sertifikat yang sah yang dapat diterbitkan ulang.")
    registration = certificate.registration
    if registration is None:
        raise ValidationError("Data peserta sertifikat ini sudah tidak ada.")
    now = now or now_utc()
    certificate.status, certificate.replaced_at = CertStatus.REPLACED.value, now
    db.session.flush()
    new = issue_certificate(actor, registration, now)
    certificate.replaced_by_id = new.id
    db.session.flush()
    record(actor, "certificate.replace", certificate,
           summary=Message(N_("Sertifikat %(number)s diganti dengan %(new)s"), number=certificate.number,
                           new=new.number), number=certificate.number, replaced_by=new.number)
    return new


def revoke_certificate(actor: User, certificate: Certificate, reason: str | None,
                       now: datetime | None = None) -> Certificate:
    """Revoke a valid certificate; the reason is required and shown on the verification page."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Alasan pencabutan wajib diisi.", field="reason")
    if not certificate.is_valid:
        raise ValidationError("Sertifikat ini sudah tidak berlaku.")
    certificate.status, certificate.revoked_at = CertStatus.REVOKED.value, now or now_utc()
    certificate.revoked_reason, certificate.revoked_by_id = reason[:1000], getattr(actor, "id", None)
    db.session.flush()
    record(actor, "certificate.revoke", certificate,
           summary=Message(N_("Mencabut sertifikat %(number)s: %(reason)s"), number=certificate.number, reason=reason),
           number=certificate.number, reason=reason)
    return certificate


def notify_participant(cert: Certificate) -> OutboxMessage | None:
    """Queue the 'certificate issued' e-mail with the download link (same transaction as the certificate)."""
    registration = cert.registration
    if registration is None or registration.anonymized_at is not None or not registration.email:
        return None
    cert.emailed_at = now_utc()
    return queue_mail(registration.email, f"Sertifikat {cert.snapshot['training']['name']}", "certificate_issued",
                      certificate=cert, registration=registration,
                      download_url=absolute_url("certificates.download", certificate_id=cert.id),
                      portal_url=absolute_url("registration.portal"), verify_url=cert.snapshot["verify_url"])
