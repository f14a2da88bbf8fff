"""Checking the electronic signature of a PDF with pyHanko (pure: no Flask, no database).

``check(data, anchors, expected_signer=None)`` answers, for bytes already within the PDF limits
(archive.check_pdf), with a SignatureReport: is there a signature, is it intact, does it cover the whole
file (nothing appended or changed after signing), is the signer's chain trusted by the anchors the admin
uploaded, and is the signer the configured certificate. Revocation is not fetched here (the public page
must answer quickly and offline); the long-term data embedded at B-LT is used when present.
"""
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import pem, x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from bimtek.core.errors import ValidationError

UNSIGNED, VALID, MODIFIED, BROKEN, UNTRUSTED, OTHER_SIGNER = (
    "unsigned", "valid", "modified", "broken", "untrusted", "other_signer")

MESSAGES = {
    UNSIGNED: "PDF ini tidak memuat tanda tangan elektronik.",
    VALID: "Tanda tangan elektronik sah: dokumen tidak berubah sejak ditandatangani.",
    MODIFIED: "PDF ini telah diubah setelah ditandatangani; isinya tidak dapat dipercaya.",
    BROKEN: "Tanda tangan elektronik tidak sah (rusak atau tidak cocok dengan isi dokumen).",
    UNTRUSTED: "Tanda tangan elektronik dibuat dengan sertifikat yang tidak dipercaya (bukan dari penerbit "
               "sertifikat elektronik yang ditetapkan).",
    OTHER_SIGNER: "Tanda tangan elektronik sah, tetapi dibuat oleh pihak lain, bukan penandatangan yang ditetapkan.",
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


def check(data, anchors, expected_signer=None):
    """SignatureReport of the last signature in ``data`` against trust ``anchors`` (asn1crypto certs)."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - any parse failure of a hostile file means: no usable signature
        return SignatureReport(BROKEN)
    if not signatures:
        return SignatureReport(UNSIGNED)
    try:
        context = ValidationContext(trust_roots=list(anchors), allow_fetching=False)
        status = validate_pdf_signature(signatures[-1], context)
    except Exception:  # noqa: BLE001 - malformed signature dictionaries or CMS blobs
        return SignatureReport(BROKEN)
    return _report(status, expected_signer)


def _covers_everything(status):
    """The signature covers the whole file, or what follows it is only validation data (B-LT: DSS with
    certificates and revocation data, document timestamps) and changes nothing a reader sees."""
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    return (status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and status.modification_level == ModificationLevel.LTA_UPDATES)


def _report(status, expected_signer):
    cert = status.signing_cert
    digest = hashlib.sha256(cert.dump()).hexdigest()
    signed_at = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
    who = dict(signer=_holder(cert), signed_at=signed_at, cert_sha256=digest)
    if not (status.intact and status.valid):
        return SignatureReport(BROKEN, **who)
    if not _covers_everything(status):
        return SignatureReport(MODIFIED, **who)
    if not status.trusted:
        return SignatureReport(UNTRUSTED, **who)
    if expected_signer and digest != expected_signer:
        return SignatureReport(OTHER_SIGNER, **who)
    return SignatureReport(VALID, **who)
