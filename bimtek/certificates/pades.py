"""PAdES signatures with the institution's own key (pyHanko; pure: no Flask, no database).

* ``load_key(pkcs12, password)``: the key and certificate of a PKCS#12 file, or one Indonesian error
  (wrong password, no key, certificate expired or not yet valid).
* ``sign(pdf, key, options)``: one incremental PAdES signature over the whole file: baseline B-B; B-T when a
  timestamp authority (RFC 3161) is configured; B-LT when, in addition, the revocation data of the chain can
  be fetched (if not, the signature stays B-T and the level says so).
"""
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from bimtek.core.dates import format_date
from bimtek.core.errors import DomainError

FIELD_NAME = "TTE"
WRONG_KEY = "Kata sandi PKCS#12 salah atau berkas tidak memuat kunci penandatangan yang dapat dipakai."
STAMP_TEXT = "Ditandatangani secara elektronik oleh\n%(signer)s\n%(ts)s"


class KeyProblem(DomainError):
    """The signing key cannot be used (wrong password, no key, expired certificate)."""


@dataclass(frozen=True)
class SigningKey:
    """A loaded key: the pyHanko signer, the certificate's SHA-256 (DER) and its holder's name."""

    signer: signers.SimpleSigner
    cert_sha256: str
    holder: str
    not_after: datetime
    private_key: object = None  # cryptography objects, for the fast signer (fast_signing)
    cert: object = None
    chain: tuple = ()


@dataclass(frozen=True)
class SignOptions:
    """How to sign: who/where/why, the visible box (page index, points from bottom-left) and the TSA."""

    reason: str = "Sertifikat pelatihan"
    location: str = ""
    page: int = 0
    box: tuple | None = None  # (x1, y1, x2, y2) in points; None = invisible signature
    tsa_url: str = ""
    long_term: bool = False  # try B-LT (needs the TSA and fetchable revocation data)
    trust_roots: tuple = ()  # DER/PEM certificates ending the chain, for B-LT


def holder_name(cert):
    """The common name of an X.509 certificate (cryptography object), or its whole subject."""
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return names[0].value if names else cert.subject.rfc4514_string()


def load_key(data, password, now=None):
    """A SigningKey from PKCS#12 bytes; KeyProblem with one Indonesian sentence when unusable."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, (password or "").encode() or None)
    except (ValueError, TypeError):
        raise KeyProblem(WRONG_KEY) from None
    if key is None or cert is None:
        raise KeyProblem(WRONG_KEY)
    now = now or datetime.now(timezone.utc)
    if cert.not_valid_after_utc < now:
        raise KeyProblem(f"Sertifikat elektronik penandatangan sudah kedaluwarsa sejak "
                         f"{format_date(cert.not_valid_after_utc.date())}.")
    if cert.not_valid_before_utc > now:
        raise KeyProblem("Sertifikat elektronik penandatangan belum berlaku.")
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=(password or "").encode()
                                                       or None)
    except ValueError:
        raise KeyProblem(WRONG_KEY) from None
    der = cert.public_bytes(Encoding.DER)
    return SigningKey(signer, hashlib.sha256(der).hexdigest(), holder_name(cert), cert.not_valid_after_utc,
                      key, cert, tuple(extra or ()))


def _free_field_name(writer):
    """'TTE', or 'TTE2', 'TTE3'… when the file already carries signatures (a counter-signature)."""
    taken = {name for name, _, _ in fields.enumerate_sig_fields(writer)}
    name, n = FIELD_NAME, 1
    while name in taken:
        n += 1
        name = f"{FIELD_NAME}{n}"
    return name


def _signer_for(key, options, long_term, field_name=FIELD_NAME):
    """The pyHanko PdfSigner for one signature with these options."""
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=options.reason, location=options.location or None, name=key.holder,
        embed_validation_info=long_term, use_pades_lta=False,
        validation_context=ValidationContext(trust_roots=list(options.trust_roots), allow_fetching=True)
        if long_term else None)
    field_spec = None
    if options.box:
        field_spec = fields.SigFieldSpec(field_name, on_page=options.page, box=tuple(options.box))
    timestamper = HTTPTimeStamper(options.tsa_url, timeout=10) if options.tsa_url else None
    style = TextStampStyle(stamp_text=STAMP_TEXT, border_width=0, timestamp_format="%d-%m-%Y %H.%M UTC",
                           text_box_style=TextBoxStyle(font_size=6, text_color=(0.11, 0.21, 0.36)))
    return signers.PdfSigner(meta, key.signer, timestamper=timestamper, stamp_style=style,
                             new_field_spec=field_spec)


def level_of(options):
    """The PAdES baseline level asked for: B-B, B-T (TSA) or B-LT (TSA + revocation data)."""
    if not options.tsa_url:
        return "B-B"
    return "B-LT" if options.long_term else "B-T"


def sign(pdf, key, options=SignOptions()):
    """(signed PDF bytes, level reached). B-LT falls back to B-T when revocation data cannot be fetched."""
    level = level_of(options)
    if level == "B-LT":
        try:
            return _sign_once(pdf, key, options, True), "B-LT"
        except (SigningError, ValueError, OSError):
            level = "B-T"
    return _sign_once(pdf, key, options, False), level


def _sign_once(pdf, key, options, long_term):
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = _signer_for(key, options, long_term, _free_field_name(writer)).sign_pdf(writer, in_place=False)
    return out.getvalue()
