"""Fast PAdES B-B signing of the fast renderer's certificates: valid for pyHanko, poppler (pdfsig) and qpdf."""
import subprocess  # nosec B404 - qpdf --check

from cryptography.hazmat.primitives.asymmetric import ec

from bimtek.certificates import signature_check as sc
from bimtek.certificates.fast_signing import FastSigner
from tests import tte_keys


def _people(renderer, n):
    return [renderer.render({"name": f"Peserta Uji {i}", "nip": None, "instansi": "Dinas Uji",
                             "number": f"800/{i:03d}/DKPUS/2020", "verify_url": f"https://x/v/{i}"})
            for i in range(n)]


def test_every_certificate_of_a_layer_gets_a_valid_whole_file_signature(batch_tte, tmp_path):
    pdfs = _people(batch_tte, 3)
    key, cert = tte_keys.make_signer()
    signer = FastSigner(pdfs[0], key, cert, [tte_keys.make_ca().cert], box=(578, 116, 765, 153))
    anchors = tte_keys.anchors()
    for i, pdf in enumerate(pdfs):
        signed = signer.sign(pdf)
        assert signed.startswith(pdf)  # an incremental update: the issued bytes stay as they were
        report = sc.check(signed, anchors, tte_keys.cert_sha256(cert))
        assert report.ok and report.signer == "Dr. Uji Penandatangan", report
        tte_keys.assert_pdfsig_valid(signed, tmp_path / str(i), "Dr. Uji Penandatangan")
        (tmp_path / f"{i}.pdf").write_bytes(signed)
        check = subprocess.run(["qpdf", "--check", str(tmp_path / f"{i}.pdf")],  # nosec B603 B607
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    assert sc.check(signer.sign(pdfs[1])[:-20] + b"%%EOF\n", anchors).verdict != sc.VALID


def test_ecdsa_keys_sign_too(batch_tte, tmp_path):
    pdf = _people(batch_tte, 1)[0]
    _, cert = tte_keys.make_signer()
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_cert = tte_keys.issue(ec_key.public_key(), "Uji ECDSA")
    signed = FastSigner(pdf, ec_key, ec_cert).sign(pdf)
    report = sc.check(signed, tte_keys.anchors())
    assert report.ok and report.signer == "Uji ECDSA", report


def test_a_signer_name_outside_ascii_is_written_as_a_unicode_text_string(batch_tte, tmp_path):
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    pdf = _people(batch_tte, 1)[0]
    ec_key = ec.generate_private_key(ec.SECP256R1())
    name = "Dr. Ma’ruf Şahin, M.Sc."
    cert = tte_keys.issue(ec_key.public_key(), name)
    signed = FastSigner(pdf, ec_key, cert, location="Tanjung Pinang – Kepri").sign(pdf)
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert signature.sig_object["/Name"] == name and signature.sig_object["/Location"] == "Tanjung Pinang – Kepri"
    assert sc.check(signed, tte_keys.anchors()).signer == name
    (tmp_path / "u.pdf").write_bytes(signed)
    check = subprocess.run(["qpdf", "--check", str(tmp_path / "u.pdf")],  # nosec B603 B607
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
