"""Public verification of certificates: lookup by code, the verification log (no IP address), comparing an
uploaded PDF with the stored versions, and what the public page shows.
"""
import sqlalchemy as sa

from bimtek.certificates import verification
from bimtek.certificates.models import Certificate, CertStatus, Verification
from bimtek.core.models import now_utc
from bimtek.extensions import db


def find_by_code(code):
    """The certificate with this verification code, or None (malformed codes never hit the DB)."""
    if not verification.is_well_formed_code(code):
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))


def log_verification(certificate, kind, user_agent, result=""):
    """Record one verification (time, kind, result, user agent; no IP address)."""
    entry = Verification(certificate_id=certificate.id, kind=kind, result=result,
                         user_agent=(user_agent or "")[:300], created_at=now_utc())
    db.session.add(entry)
    db.session.flush()
    return entry


def compare_upload(certificate, data):
    """'current' when the bytes equal the stored file, 'older' for a previous version, else 'mismatch'."""
    digest = verification.sha256_hex(data)
    if digest == certificate.sha256:
        return "current"
    if any(f.sha256 == digest for f in certificate.files):
        return "older"
    return "mismatch"


def public_view(certificate):
    """What the public verification page and its JSON show: status, name, training, dates, JP only."""
    snap = certificate.snapshot["training"]
    view = {"status": certificate.status, "status_label": certificate.status_label,
            "revoked_reason": certificate.revoked_reason if certificate.status == CertStatus.REVOKED.value else None,
            "name": certificate.name, "training": snap["name"], "organizer": snap["unit_name"],
            "dates": snap["dates_text"], "jp": snap["total_jp"]}
    role = (certificate.snapshot.get("role") or {}).get("label")
    if role:  # narasumber, moderator, MC, panitia (participants' certificates keep the original keys)
        view["role"] = role
    return view


def verification_log(certificate, limit=100):
    """The newest verifications of one certificate, and their total count."""
    total = db.session.scalar(sa.select(sa.func.count()).where(Verification.certificate_id == certificate.id))
    entries = db.session.scalars(sa.select(Verification).where(Verification.certificate_id == certificate.id)
                                 .order_by(Verification.id.desc()).limit(limit)).all()
    return {"total": total, "entries": entries}


def verification_counts(training):
    """{certificate id: number of verifications} for a training."""
    rows = db.session.execute(sa.select(Verification.certificate_id, sa.func.count()).join(Certificate)
                              .where(Certificate.training_id == training.id)
                              .group_by(Verification.certificate_id))
    return dict(rows.all())
