"""Checking the electronic signature of a PDF with pyHanko (pure: no Flask, no database).

``check(data, anchors, expected_signer=None)`` answers, for bytes already within the PDF limits
(archive.check_pdf), with a SignatureReport: is there a signature, is it intact, does it cover the whole
file (nothing appended or changed after signing), is the signer's chain trusted by the anchors the admin
uploaded, and is the signer the configured certificate. Revocation is not fetched here (the public page
must answer quickly and offline); the long-term data embedded at B-LT is used when present.

A signer certificate that has expired since (or was never valid) is EXPIRED, unless a timestamp from a TSA
trusted today proves the signature was made while it was valid (B-T and above): then the chain is checked at
that moment. A B-B signature only has the signer's own clock, which anyone holding an old key can set back.
"""
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from asn1crypto import pem, x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from bimtek.core.errors import ValidationError

UNSIGNED, VALID, MODIFIED, BROKEN, UNTRUSTED, OTHER_SIGNER, EXPIRED, TOO_MANY = (
    "unsigned", "valid", "modified", "broken", "untrusted", "other_signer", "expired", "too_many")
MAX_SIGNATURES = 10  # as bimtek.core.limits.PDF_MAX_SIGNATURES (this module stays free of the app's packages)

MESSAGES = {
    UNSIGNED: "PDF ini tidak memuat tanda tangan elektronik.",
    VALID: "Tanda tangan elektronik sah: dokumen tidak berubah sejak ditandatangani.",
    MODIFIED: "PDF ini telah diubah setelah ditandatangani; isinya tidak dapat dipercaya.",
    BROKEN: "Tanda tangan elektronik tidak sah (rusak atau tidak cocok dengan isi dokumen).",
    UNTRUSTED: "Tanda tangan elektronik dibuat dengan sertifikat yang tidak dipercaya (bukan dari penerbit "
               "sertifikat elektronik yang ditetapkan).",
    OTHER_SIGNER: "Tanda tangan elektronik sah, tetapi dibuat oleh pihak lain, bukan penandatangan yang ditetapkan.",
    EXPIRED: "Sertifikat elektronik penanda tangan sudah kedaluwarsa atau belum berlaku, dan tidak ada cap waktu "
             "tepercaya yang membuktikan tanda tangan dibuat selama sertifikat itu berlaku.",
    TOO_MANY: "PDF memuat terlalu banyak tanda tangan elektronik untuk sebuah sertifikat.",
}

logging.getLogger("pyhanko").setLevel(logging.CRITICAL)  # hostile files make pyHanko log at length
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class SignatureReport:
    verdict: str
    signer: str = ""
    signed_at: datetime | None = None
    cert_sha256: str = ""

    @property
    def ok(self):
        return self.verdict == VALID

    @property
    def message(self):
        return MESSAGES[self.verdict]


def parse_anchors(data):
    """asn1crypto certificates from PEM (one or many) or DER bytes; ValidationError when none can be read."""
    try:
        if pem.detect(data):
            return [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
        return [asn1_x509.Certificate.load(data)] if data else []
    except (ValueError, TypeError):
        raise ValidationError("Berkas sertifikat akar (CA) tidak dapat dibaca; unggah berkas PEM atau DER.",
                              field="anchors") from None


def _holder(cert):
    try:
        return cert.subject.native.get("common_name") or cert.subject.human_friendly
    except (ValueError, KeyError):
        return ""


def check(data, anchors, expected_signer=None, now=None):
    """SignatureReport of the last signature in ``data`` against trust ``anchors`` (asn1crypto certs), as of
    ``now`` (default: the current time)."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - any parse failure of a hostile file means: no usable signature
        return SignatureReport(BROKEN)
    if not signatures:
        return SignatureReport(UNSIGNED)
    if len(signatures) > MAX_SIGNATURES:
        return SignatureReport(TOO_MANY)
    now = now or datetime.now(timezone.utc)
    try:
        status = _validate(signatures[-1], anchors, now)
        expired = not _valid_at(status.signing_cert, now)
        if expired and not status.trusted and _trusted_time_within_validity(status):
            status, expired = _validate(signatures[-1], anchors, status.timestamp_validity.timestamp), False
        elif expired and not status.trusted:  # EXPIRED only when the chain would be trusted within the validity
            expired = _validate(signatures[-1], anchors, status.signing_cert.not_valid_after).trusted
    except Exception:  # noqa: BLE001 - malformed signature dictionaries or CMS blobs
        return SignatureReport(BROKEN)
    return _report(status, expected_signer, expired)


def _validate(signature, anchors, moment):
    context = ValidationContext(trust_roots=list(anchors), allow_fetching=False, moment=moment)
    return validate_pdf_signature(signature, context)


def _valid_at(cert, moment):
    """Whether ``moment`` lies inside the validity period of an asn1crypto certificate."""
    return cert.not_valid_before <= moment <= cert.not_valid_after


def _trusted_time_within_validity(status):
    """A timestamp whose TSA is trusted today dates the signature inside the signer certificate's validity."""
    stamp = status.timestamp_validity
    return bool(stamp and stamp.intact and stamp.valid and stamp.trusted
                and _valid_at(status.signing_cert, stamp.timestamp))


def _covers_everything(status):
    """The signature covers the whole file, or what follows it is only validation data (B-LT: DSS with
    certificates and revocation data, document timestamps) and changes nothing a reader sees."""
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    return (status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and status.modification_level == ModificationLevel.LTA_UPDATES)


def _report(status, expected_signer, expired=False):
    cert = status.signing_cert
    digest = hashlib.sha256(cert.dump()).hexdigest()
    signed_at = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
    who = dict(signer=_holder(cert), signed_at=signed_at, cert_sha256=digest)
    if not (status.intact and status.valid):
        return SignatureReport(BROKEN, **who)
    if not _covers_everything(status):
        return SignatureReport(MODIFIED, **who)
    if not status.trusted:
        return SignatureReport(EXPIRED if expired else UNTRUSTED, **who)
    if expected_signer and digest != expected_signer:
        return SignatureReport(OTHER_SIGNER, **who)
    return SignatureReport(VALID, **who)
