"""Public verification of certificates: lookup by code, the verification log (no IP address), comparing an
uploaded PDF with the stored versions, and what the public page shows.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.certificates import archive, signature_check, verification
from bimtek.certificates.models import Certificate, CertificateSettings, CertStatus, Verification
from bimtek.certificates.services.fast_verify import user_agent_of
from bimtek.core.database import is_postgres
from bimtek.core.dates import format_datetime
from bimtek.core.errors import ValidationError
from bimtek.core.models import now_utc
from bimtek.core.storage import app_storage
from bimtek.extensions import db

if TYPE_CHECKING:
    from bimtek.trainings.models import Training


def find_by_code(code: str | None) -> Certificate | None:
    """The certificate with this verification code, or None (malformed codes never hit the DB)."""
    if not verification.is_well_formed_code(code):
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def find_and_log(code: str, kind: str, user_agent: str | None) -> Certificate | None:
    """find_by_code and log_verification of what was found, in one statement on PostgreSQL (a data-modifying
    CTE: one round trip per public page view instead of two); two statements elsewhere."""
    if not verification.is_well_formed_code(code):
        return None
    if not is_postgres(db.session):
        certificate = find_by_code(code)
        if certificate is not None:
            log_verification(certificate, kind, user_agent)
        return certificate
    logged = sa.insert(Verification).from_select(
        ["certificate_id", "kind", "result", "user_agent", "created_at"],
        sa.select(Certificate.id, sa.literal(kind), sa.literal(""), sa.literal(user_agent_of(user_agent)),
                  sa.literal(now_utc(), Verification.created_at.type)).where(Certificate.code == code),
    ).cte("logged")
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code).add_cte(logged))


def log_verification(certificate: Certificate, kind: str, user_agent: str | None, result: str = "") -> None:
    """Record one verification (time, kind, result, user agent; no IP address). A plain INSERT, no ORM object:
    the public page writes one per visit and never reads it back."""
    db.session.execute(sa.insert(Verification).values(
        certificate_id=certificate.id, kind=kind, result=result, user_agent=user_agent_of(user_agent),
        created_at=now_utc()))


def compare_upload(certificate: Certificate, data: bytes) -> str:
    """'current' when the bytes equal the stored file, 'older' for a previous version, else 'mismatch'."""
    digest = verification.sha256_hex(data)
    if digest == certificate.sha256:
        return "current"
    if any(f.sha256 == digest for f in certificate.files):
        return "older"
    return "mismatch"


UPLOAD_MESSAGES = {
    "signed_copy": "Berkas tidak identik dengan berkas yang diterbitkan, tetapi merupakan salinan sertifikat ini "
                   "yang ditandatangani secara elektronik dengan sah dan tidak berubah sejak ditandatangani.",
    "signed_modified": "Berkas ini pernah ditandatangani secara elektronik, tetapi DIUBAH setelah ditandatangani "
                       "(atau tanda tangannya rusak). Isinya tidak dapat dipercaya.",
    "signed_untrusted": "Berkas ini bertanda tangan elektronik, tetapi tidak dibuat oleh penandatangan yang "
                        "ditetapkan atau penerbit sertifikat elektronik yang dipercaya.",
    "signed_expired": "Berkas ini bertanda tangan elektronik, tetapi sertifikat elektronik penanda tangannya sudah "
                      "kedaluwarsa atau belum berlaku, dan tidak ada cap waktu tepercaya yang membuktikan tanda "
                      "tangan dibuat selama sertifikat itu berlaku. Tanda tangan ini tidak dapat dipercaya.",
    "mismatch": "Berkas TIDAK identik dengan sertifikat yang diterbitkan dan tidak memuat tanda tangan elektronik "
                "yang sah untuk sertifikat ini. Berkas mungkin telah diubah atau bukan sertifikat ini.",
}


def check_upload(certificate: Certificate, data: bytes, max_bytes: int) -> dict[str, Any]:
    """{result, message, signer, signed_at} for a PDF uploaded on the public page: the issued file, an older
    version, a correctly signed copy, a signed copy modified after signing, or unrelated (bounded work)."""
    result = compare_upload(certificate, data)
    if result != "mismatch":
        return {"result": result, "message": "", "signer": "", "signed_at": None}
    try:
        archive.check_pdf(data, max_bytes)
    except ValidationError as error:
        return {"result": "mismatch", "message": error.message, "signer": "", "signed_at": None}
    settings = _settings(certificate)
    anchors = signature_check.parse_anchors(app_storage().get(settings.anchors_sha256)) \
        if settings is not None and settings.anchors_sha256 else []
    report = signature_check.check(data, anchors, getattr(settings, "signer_cert_sha256", None))
    result = _upload_result(report, certificate, data)
    message = report.message if report.verdict == signature_check.TOO_MANY else UPLOAD_MESSAGES[result]
    return {"result": result, "message": message, "signer": report.signer,
            "signed_at": _when(report.signed_at, certificate)}


def _settings(certificate: Certificate) -> CertificateSettings | None:
    return db.session.scalar(sa.select(CertificateSettings).where(
        CertificateSettings.training_id == certificate.training_id))


def _upload_result(report: signature_check.SignatureReport, certificate: Certificate, data: bytes) -> str:
    if report.verdict in (signature_check.MODIFIED, signature_check.BROKEN):
        return "signed_modified"
    if report.verdict in (signature_check.UNTRUSTED, signature_check.OTHER_SIGNER):
        return "signed_untrusted"
    if report.verdict == signature_check.EXPIRED:
        return "signed_expired"
    if report.ok and _is_about(certificate, archive.pdf_text(data)):
        return "signed_copy"
    return "mismatch"


def _is_about(certificate: Certificate, text: str) -> bool:
    """The PDF's text names this certificate: its number as a whole word (001/X is not in 1001/X), its holder
    and its training (the same number and person may appear in another training's certificate)."""
    number = re.escape(certificate.number)
    if not re.search(r"(?<![0-9A-Za-z])" + number + r"(?![0-9A-Za-z])", text):
        return False
    folded = text.casefold()
    names = (certificate.name, certificate.snapshot["training"]["name"])
    return all(" ".join(name.split()).casefold() in folded for name in names)


def _when(instant: datetime | None, certificate: Certificate) -> str:
    return format_datetime(instant, certificate.training.timezone) if instant else ""


def signed_text(certificate: Certificate) -> str:
    """'Ditandatangani secara elektronik oleh … pada …' for a signed certificate, else ''."""
    if not certificate.signed_at:
        return ""
    who = certificate.signed_by or "penandatangan"
    return f"Ditandatangani secara elektronik oleh {who} pada {_when(certificate.signed_at, certificate)}"


def public_view(certificate: Certificate) -> dict[str, Any]:
    """What the public verification page and its JSON show: status, name, training, dates, JP, signature."""
    snap = certificate.snapshot["training"]
    view = {"status": certificate.status, "status_label": certificate.status_label,
            "revoked_reason": certificate.revoked_reason if certificate.status == CertStatus.REVOKED.value else None,
            "name": certificate.name, "training": snap["name"], "organizer": snap["unit_name"],
            "dates": snap["dates_text"], "jp": snap["total_jp"],
            "electronic_signature": {"signed_by": certificate.signed_by, "signed_at": certificate.signed_at.isoformat(),
                                     "text": signed_text(certificate)} if certificate.signed_at else None}
    role = (certificate.snapshot.get("role") or {}).get("label")
    if role:  # narasumber, moderator, MC, panitia (participants' certificates keep the original keys)
        view["role"] = role
    return view


def verification_log(certificate: Certificate, limit: int = 100) -> dict[str, Any]:
    """The newest verifications of one certificate, and their total count."""
    total = db.session.scalar(sa.select(sa.func.count()).where(Verification.certificate_id == certificate.id))
    entries = db.session.scalars(sa.select(Verification).where(Verification.certificate_id == certificate.id)
                                 .order_by(Verification.id.desc()).limit(limit)).all()
    return {"total": total, "entries": entries}


def verification_counts(training: Training) -> dict[int, int]:
    """{certificate id: number of verifications} for a training."""
    rows = db.session.execute(sa.select(Verification.certificate_id, sa.func.count()).join(Certificate)
                              .where(Certificate.training_id == training.id)
                              .group_by(Verification.certificate_id))
    return dict(rows.all())
