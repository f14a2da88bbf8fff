"""PAdES levels with a local RFC 3161 timestamp authority; signature checks on changed files (pure modules)."""
import pytest

from bimtek.certificates import pades, signature_check as sc
from tests import tte_keys


def test_with_a_timestamp_authority_the_signature_is_b_t_and_its_time_comes_from_the_tsa(pdf, key, tmp_path):
    with tte_keys.LocalTSA() as tsa:
        signed, level = pades.sign(pdf, key, pades.SignOptions(tsa_url=tsa.url, box=(400, 40, 560, 90)))
        assert tsa.requests >= 1  # pyHanko asks once more to size the placeholder
    assert level == "B-T"
    report = sc.check(signed, tte_keys.anchors(), key.cert_sha256)
    assert report.ok and report.signer == "Dr. Uji Penandatangan" and report.signed_at is not None
    tte_keys.assert_pdfsig_valid(signed, tmp_path, "Dr. Uji Penandatangan")


def test_long_term_signature_with_embedded_validation_data_still_checks_valid(pdf, key):
    with tte_keys.LocalTSA() as tsa:
        signed, level = pades.sign(pdf, key, pades.SignOptions(tsa_url=tsa.url, long_term=True,
                                                               trust_roots=tuple(tte_keys.anchors())))
    assert level in ("B-LT", "B-T")  # the test CA publishes no CRL/OCSP: pyHanko may refuse B-LT
    assert sc.check(signed, tte_keys.anchors(), key.cert_sha256).ok


def test_checks_tell_modified_broken_untrusted_other_signer_and_unsigned(pdf, key):
    signed, level = pades.sign(pdf, key)
    assert level == "B-B"
    anchors = tte_keys.anchors()
    assert sc.check(signed, anchors, key.cert_sha256).verdict == sc.VALID
    assert sc.check(signed + b"\n% appended after signing\n", anchors).verdict == sc.MODIFIED
    at = signed.index(b"SERTIFIKAT") if b"SERTIFIKAT" in signed else 200
    flipped = signed[:at] + bytes([signed[at] ^ 1]) + signed[at + 1:]
    assert sc.check(flipped, anchors).verdict in (sc.BROKEN, sc.MODIFIED)
    assert sc.check(signed, []).verdict == sc.UNTRUSTED
    assert sc.check(signed, sc.parse_anchors(tte_keys.make_ca("CA Lain").pem)).verdict == sc.UNTRUSTED
    assert sc.check(signed, anchors, "0" * 64).verdict == sc.OTHER_SIGNER
    assert sc.check(pdf, anchors).verdict == sc.UNSIGNED
    assert sc.check(b"%PDF-1.7\n garbage", anchors).verdict in (sc.BROKEN, sc.UNSIGNED)


def test_unreadable_trust_anchor_files_are_refused_in_indonesian():
    from bimtek.core.errors import ValidationError
    with pytest.raises(ValidationError, match="tidak dapat dibaca"):
        sc.parse_anchors(b"-----BEGIN CERTIFICATE-----\nbukan\n-----END CERTIFICATE-----\n")
