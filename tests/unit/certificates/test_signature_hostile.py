"""Odd and hostile signed PDFs get the right verdict and Indonesian message (pure modules, no app)."""
import io
from datetime import datetime, timedelta, timezone

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject
from pyhanko.sign import signers

from bimtek.certificates import archive, pades, signature_check as sc
from bimtek.core.errors import ValidationError
from tests import tte_keys

LIMIT = 15 * 1024 * 1024


def _expired_key():
    """The key of a signer whose certificate ended yesterday (load_key would refuse it: built by hand)."""
    _, cert = tte_keys.make_signer("Pejabat Lama", expired=True)
    signer = signers.SimpleSigner.load_pkcs12_data(tte_keys.make_p12("Pejabat Lama", expired=True), other_certs=[],
                                                   passphrase=tte_keys.P12_PASSWORD.encode())
    return pades.SigningKey(signer, tte_keys.cert_sha256(cert), "Pejabat Lama", cert.not_valid_after_utc)


def test_an_encrypted_pdf_is_a_message_not_a_crash(pdf, key):
    signed = pades.sign(pdf, key)[0]
    with pikepdf.open(io.BytesIO(signed)) as doc:
        out = io.BytesIO()
        doc.save(out, encryption=pikepdf.Encryption(owner="pemilik", user="rahasia"))
    with pytest.raises(ValidationError, match="kata sandi"):
        archive.check_pdf(out.getvalue(), LIMIT)
    assert sc.check(out.getvalue(), tte_keys.anchors()).verdict in (sc.BROKEN, sc.UNSIGNED)


def test_many_signatures_are_refused_as_such_not_as_too_many_pages(pdf, key):
    signed = pdf
    for _ in range(archive.PDF_MAX_SIGNATURES + 1):
        signed = pades.sign(signed, key, pades.SignOptions(box=(400, 40, 560, 90)))[0]
    with pytest.raises(ValidationError, match="terlalu banyak tanda tangan elektronik"):
        archive.check_pdf(signed, LIMIT)
    assert sc.check(signed, tte_keys.anchors()).verdict == sc.TOO_MANY


def test_a_counter_signed_certificate_is_still_accepted(pdf, key):
    twice = pades.sign(pades.sign(pdf, key, pades.SignOptions(box=(400, 40, 560, 90)))[0], key)[0]
    archive.check_pdf(twice, LIMIT)
    assert sc.check(twice, tte_keys.anchors(), key.cert_sha256).verdict == sc.VALID


def test_a_page_added_in_an_incremental_update_after_signing_is_a_modification(pdf, key):
    signed = pades.sign(pdf, key)[0]
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    box = generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)])
    writer.insert_page(PageObject(contents=writer.add_object(generic.StreamObject(stream_data=b"")), media_box=box))
    out = io.BytesIO()
    writer.write(out)
    report = sc.check(out.getvalue(), tte_keys.anchors(), key.cert_sha256)
    assert report.verdict == sc.MODIFIED and report.signer == "Dr. Uji Penandatangan"


def test_another_key_of_the_same_ca_is_another_signer(pdf, key):
    other = pades.load_key(tte_keys.make_p12("Pejabat Lain"), tte_keys.P12_PASSWORD)
    report = sc.check(pades.sign(pdf, other)[0], tte_keys.anchors(), key.cert_sha256)
    assert report.verdict == sc.OTHER_SIGNER and report.signer == "Pejabat Lain"


def test_a_signature_by_an_expired_certificate_says_expired_not_untrusted(pdf):
    report = sc.check(pades.sign(pdf, _expired_key())[0], tte_keys.anchors())
    assert report.verdict == sc.EXPIRED and "kedaluwarsa" in report.message and report.signer == "Pejabat Lama"
    assert sc.check(pades.sign(pdf, _expired_key())[0], sc.parse_anchors(tte_keys.make_ca("CA Lain").pem)).verdict \
        == sc.UNTRUSTED  # expired AND from an unknown CA: the trust is what matters


def _short_lived_key(days):
    """A key whose certificate (test CA) is valid for ``days`` days from yesterday."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    ca, private = tte_keys.make_ca(), ec.generate_private_key(ec.SECP256R1())
    start = datetime.now(timezone.utc) - timedelta(days=1)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Pejabat Singkat")])
    cert = (x509.CertificateBuilder().subject_name(name)
            .issuer_name(ca.cert.subject).public_key(private.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + timedelta(days=days))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(ca.key, hashes.SHA256()))
    p12 = pkcs12.serialize_key_and_certificates(b"k", private, cert, [ca.cert], serialization.NoEncryption())
    return pades.load_key(p12, "")


def test_a_trusted_timestamp_inside_the_validity_keeps_a_signature_valid_after_the_certificate_expires(pdf):
    key = _short_lived_key(10)
    with tte_keys.LocalTSA() as tsa:
        stamped = pades.sign(pdf, key, pades.SignOptions(tsa_url=tsa.url))[0]
    later = datetime.now(timezone.utc) + timedelta(days=20)  # the signer's certificate ended; the TSA's did not
    assert sc.check(stamped, tte_keys.anchors(), key.cert_sha256, now=later).verdict == sc.VALID
    plain = pades.sign(pdf, key)[0]  # B-B: only the signer's own clock says when, not enough after expiry
    assert sc.check(plain, tte_keys.anchors(), key.cert_sha256, now=later).verdict == sc.EXPIRED
    assert sc.check(plain, tte_keys.anchors(), key.cert_sha256).verdict == sc.VALID
