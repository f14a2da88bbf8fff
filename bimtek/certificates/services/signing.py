"""External signing (BSrE TTE, flush only): the unsigned certificates rendered with the TTE footer for download,
and signed PDFs uploaded back, matched to their certificate, stored as a new version and audited.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.audit.services import record
from bimtek.certificates import archive, signature_check
from bimtek.certificates.models import Certificate, CertificateFile, CertStatus
from bimtek.certificates.rendering import BatchRenderer
from bimtek.certificates.services.exports import filename_for
from bimtek.certificates.services.issuing import render_context
from bimtek.certificates.services.settings import design_dir, settings_for
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.core.storage import app_storage
from bimtek.extensions import db

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.core.storage import Storage
    from bimtek.trainings.models import Training

SIGNED_MAX_BYTES = 15 * 1024 * 1024


def unsigned_certificates(training: Training) -> Sequence[Certificate]:
    """Valid certificates whose stored file is not yet a signed upload."""
    return db.session.scalars(sa.select(Certificate).where(
        Certificate.training_id == training.id, Certificate.status == CertStatus.VALID.value,
        Certificate.signed_at.is_(None)).order_by(Certificate.seq)).all()


def unsigned_count(training: Training) -> int:
    """How many valid certificates are not yet signed uploads (counted in SQL: no snapshot is loaded)."""
    return db.session.scalar(sa.select(sa.func.count(Certificate.id)).where(
        Certificate.training_id == training.id, Certificate.status == CertStatus.VALID.value,
        Certificate.signed_at.is_(None)))


def tte_entries(training: Training) -> list[tuple[str, Callable[[], bytes]]]:
    """[(file name, renderer)] of unsigned certificates rendered WITH the TTE footer, from their snapshots."""
    storage, renderers, entries = app_storage(), {}, []
    for cert in unsigned_certificates(training):
        entries.append((filename_for(cert, "-tte"), _tte_renderer(cert.snapshot, storage, renderers)))
    return entries


def renderer_key(snapshot: Mapping[str, Any]) -> str:
    """Certificates with the same key share one renderer (and so one PDF layout): design + shared data."""
    per_person = ("person", "seq", "number", "verify_url", "tte")
    return repr((snapshot["design"], {k: v for k, v in snapshot.items() if k not in per_person}))


def _tte_renderer(snapshot: Mapping[str, Any], storage: Storage,
                  renderers: dict[str, BatchRenderer]) -> Callable[[], bytes]:
    """A callable rendering one snapshot with the footer; renderers are shared per (design, shared data)."""
    shared, person = render_context(snapshot, storage)
    key = renderer_key(snapshot)

    def render() -> bytes:
        if key not in renderers:
            renderers[key] = BatchRenderer(design_dir(snapshot["design"]), shared, tte=True)
        return renderers[key].render(person)
    return render


def attach_signed(actor: User, training: Training, uploads: Iterable[tuple[str, bytes]],
                  now: datetime | None = None) -> list[tuple[str, bool, str]]:
    """Replace stored PDFs by versions signed outside the app; returns [(filename, ok, message)] (flush only)."""
    candidates = {c.code: c for c in unsigned_certificates(training)}
    pairs = [(code, c.number) for code, c in candidates.items()]
    results, storage = [], app_storage()
    settings = settings_for(training)
    anchors = signature_check.parse_anchors(storage.get(settings.anchors_sha256)) if settings.anchors_sha256 else []
    for filename, data in uploads:
        try:
            cert = _signed_target(filename, data, candidates, pairs)
            signer = _checked_signature(data, anchors, settings.signer_cert_sha256)
            replace_with_signed(actor, cert, data, storage, filename=filename, signed_by=signer, now=now)
            results.append((filename, True, f"Sertifikat {cert.number} ({cert.name}) diganti dengan PDF bertanda "
                                            "tangan elektronik."))
            pairs = [p for p in pairs if p[0] != cert.code]
        except DomainError as error:
            results.append((filename, False, error.message))
    return results


def _signed_target(filename: str, data: bytes, candidates: Mapping[str, Certificate],
                   pairs: Sequence[tuple[str, str]]) -> Certificate:
    """The certificate an uploaded signed PDF belongs to, after checking it is a PDF with the footer."""
    archive.check_pdf(data, SIGNED_MAX_BYTES)
    text = archive.pdf_text(data)
    code = archive.match_certificate(filename, text, pairs)
    if code is None:
        raise ValidationError("Tidak cocok dengan sertifikat mana pun yang belum ditandatangani "
                              "(nama berkas atau isi harus memuat nomor/kode sertifikat).")
    cert = candidates[code]
    if cert.number not in text:
        raise ValidationError(f"Isi PDF tidak memuat nomor sertifikat {cert.number}.")
    if archive.TTE_MARKER not in text:
        raise ValidationError("PDF tidak memuat kalimat tanda tangan elektronik; gunakan berkas dari "
                              "“Unduh PDF untuk TTE”.")
    return cert


NO_ANCHORS = ("Belum ada sertifikat akar (CA) tepercaya untuk memeriksa tanda tangan elektronik; admin "
              "mengunggahnya di halaman Tanda tangan elektronik (TTE).")


def _checked_signature(data: bytes, anchors: Sequence[Any], expected_signer: str | None) -> str:
    """The signer's name when the PDF's signature is valid, covers the whole file and comes from a trusted
    (and, when configured, the expected) certificate; ValidationError in Indonesian otherwise."""
    if not anchors:
        raise ValidationError(NO_ANCHORS)
    report = signature_check.check(data, anchors, expected_signer)
    if not report.ok:
        raise ValidationError(report.message + (f" (penanda tangan: {report.signer})" if report.signer else ""))
    return report.signer


def replace_with_signed(actor: User | None, cert: Certificate, data: bytes, storage: Storage, *, filename: str = "",
                        signed_by: str = "", how: str = "upload", now: datetime | None = None) -> None:
    """Store the signed file (before any row), keep the old version, point the certificate at the new one,
    update its SHA-256 and signer; audited (flush only)."""
    digest = storage.put(data)
    now = now or now_utc()
    cert.files.append(CertificateFile(kind="signed", sha256=digest, size=len(data), created_at=now,
                                      filename=archive.safe_filename(filename or ""),
                                      created_by_id=getattr(actor, "id", None)))
    previous = cert.sha256
    cert.sha256, cert.size, cert.signed_at, cert.signed_by = digest, len(data), now, signed_by[:200]
    cert.snapshot = {**cert.snapshot, "tte": True}
    db.session.flush()
    summary = (Message(N_("Mengunggah PDF bertanda tangan elektronik untuk %(number)s"), number=cert.number)
               if how == "upload" else
               Message(N_("Menandatangani secara elektronik sertifikat %(number)s (%(how)s)"), number=cert.number,
                       how=how))
    record(actor, "certificate.signed", cert, summary=summary, number=cert.number, previous_sha256=previous,
           sha256=digest, how=how, signed_by=signed_by)
