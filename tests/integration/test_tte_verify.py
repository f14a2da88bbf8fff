"""Signature checks: the public verify page tells issued file, older version, signed copy, copy modified after
signing and unrelated PDF apart; the manual TTE upload refuses invalid, partial, untrusted or other signers."""
import gc
import io
import warnings

import pikepdf
from weasyprint import HTML

from bimtek.certificates.services import tte
from bimtek.certificates.services.backends import LocalKeyBackend
from bimtek.certificates.services.signing import replace_with_signed
from bimtek.core.storage import app_storage
from bimtek.extensions import db as _db
from tests import hostile, tte_keys
from tests.integration.certificate_helpers import pdf_text
from tests.integration.tte_helpers import sign_with_test_key, stored_pdf, training_with_certificates, trust_test_ca


def _signed_certificate():
    training, signer, (cert, other) = training_with_certificates(2)
    trust_test_ca(signer, training)
    key = tte.store_pkcs12(signer, training, tte_keys.make_p12(), tte_keys.P12_PASSWORD)
    for signed_cert, pdf, holder in LocalKeyBackend(key).sign_batch([cert]):
        replace_with_signed(signer, signed_cert, pdf, app_storage(), signed_by=holder, how="pkcs12")
    _db.session.commit()
    return training, signer, cert, other


def _upload(client, cert, data):
    return client.post(f"/v/{cert.code}", data={"file": (io.BytesIO(data), "cek.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)


def _rewritten(pdf_bytes):
    """The same PDF saved again by another tool with one changed field (a copy changed after signing)."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        pdf.docinfo["/Title"] = "diubah"
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def test_verify_page_tells_each_kind_of_file_apart(db, client):
    training, signer, cert, _ = _signed_certificate()
    current, original = stored_pdf(cert), app_storage().get(cert.original_sha256)
    page = client.get(f"/v/{cert.code}").get_data(as_text=True)
    assert "Ditandatangani secara elektronik oleh Dr. Uji Penandatangan pada " in page
    data = client.get(f"/v/{cert.code}.json").get_json()["electronic_signature"]
    assert data["signed_by"] == "Dr. Uji Penandatangan" and data["text"].startswith(
        "Ditandatangani secara elektronik oleh Dr. Uji Penandatangan pada ") and "WIB" in data["text"]

    assert "Berkas identik dengan sertifikat yang tersimpan" in _upload(client, cert, current)
    assert "versi lama sertifikat ini" in _upload(client, cert, original)
    copy = _upload(client, cert, sign_with_test_key(current))  # counter-signed: other bytes, valid signature
    assert "salinan sertifikat ini yang ditandatangani secara elektronik dengan sah" in copy
    assert "Ditandatangani secara elektronik oleh Dr. Uji Penandatangan pada" in copy
    assert "DIUBAH setelah ditandatangani" in _upload(client, cert, _rewritten(current))
    assert "DIUBAH setelah ditandatangani" in _upload(client, cert, current + b"\n% tambahan\n")
    other_ca = _upload(client, cert, sign_with_test_key(original, "Pihak Lain", ca_cn="CA Lain"))
    assert "tidak dibuat oleh penandatangan yang ditetapkan" in other_ca
    unrelated = _upload(client, cert, HTML(string="<p>Sertifikat palsu</p>").write_pdf())
    assert "TIDAK identik dengan sertifikat yang diterbitkan" in unrelated


def test_hostile_pdfs_on_the_verify_page_get_a_message_within_bounds(db, client):
    _, _, cert, _ = _signed_certificate()
    with hostile.memory_ceiling(400 * 1024 * 1024):
        many = _upload(client, cert, hostile.pdf_many_pages(150_000))
        bomb = _upload(client, cert, hostile.pdf_flate_bomb(60 * 1024 * 1024))
    assert "TIDAK identik" not in many and "terlalu" in many
    assert "Berkas TIDAK identik" in bomb or "terlalu" in bomb
    with warnings.catch_warnings():  # werkzeug leaves the spooled file of an upload refused mid-parse to the GC
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def test_manual_upload_refuses_unsigned_untrusted_modified_and_other_signers(db, client, login_as):
    training, signer, cert, other = _signed_certificate()
    login_as(signer)
    base = f"/kelola/pelatihan/{training.id}/sertifikat"
    unsigned = _tte_pdf(client, base)  # the one certificate still unsigned (other), with the footer
    cases = [
        (unsigned, "tidak memuat tanda tangan elektronik"),
        (sign_with_test_key(unsigned, "Pihak Lain", ca_cn="CA Lain"), "tidak dipercaya"),
        (sign_with_test_key(unsigned, "Pejabat Lain"), "dibuat oleh pihak lain"),
        (_rewritten(sign_with_test_key(unsigned)), "tidak sah"),
    ]
    for data, words in cases:
        html = client.post(f"{base}/tte", data={"files": [(io.BytesIO(data), "hasil.pdf")]},
                           content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
        assert words in html, words
    _db.session.refresh(other)
    assert other.signed_at is None
    good = sign_with_test_key(unsigned)
    html = client.post(f"{base}/tte", data={"files": [(io.BytesIO(good), "hasil.pdf")]},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    _db.session.refresh(other)
    assert other.signed_at is not None and other.signed_by == "Dr. Uji Penandatangan", html
    assert "ditandatangani secara elektronik" in pdf_text(stored_pdf(other))


def _tte_pdf(client, base):
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{base}/tte.zip").data))
    (name,) = archive.namelist()
    return archive.read(name)


def _encrypted(pdf_bytes):
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="pemilik", user="rahasia"))
    return out.getvalue()


def _page_added(pdf_bytes):
    """An incremental update after the signature that adds a page (the signed revision stays intact)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.writer import PageObject

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    box = generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 595, 842)])
    writer.insert_page(PageObject(contents=writer.add_object(generic.StreamObject(stream_data=b"")), media_box=box))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _signed_by_expired_key(pdf_bytes):
    from pyhanko.sign import signers

    from bimtek.certificates import pades
    _, cert = tte_keys.make_signer("Pejabat Lama", expired=True)
    signer = signers.SimpleSigner.load_pkcs12_data(tte_keys.make_p12("Pejabat Lama", expired=True), other_certs=[],
                                                   passphrase=tte_keys.P12_PASSWORD.encode())
    key = pades.SigningKey(signer, tte_keys.cert_sha256(cert), "Pejabat Lama", cert.not_valid_after_utc)
    return pades.sign(pdf_bytes, key)[0]


def test_odd_and_hostile_signed_pdfs_on_the_verify_page_get_the_right_indonesian_answer(db, client):
    from bimtek.certificates import pades
    _, _, cert, _ = _signed_certificate()
    current, original = stored_pdf(cert), app_storage().get(cert.original_sha256)
    key = pades.load_key(tte_keys.make_p12(), tte_keys.P12_PASSWORD)
    many = current
    for _ in range(11):
        many = pades.sign(many, key)[0]
    cases = [
        (b"bukan PDF sama sekali", "Berkas bukan PDF"),
        (current[: len(current) // 2], "PDF rusak atau tidak dapat dibuka"),
        (_encrypted(current), "dilindungi kata sandi"),
        (many, "terlalu banyak tanda tangan elektronik"),
        (_page_added(current), "DIUBAH setelah ditandatangani"),
        (sign_with_test_key(original, "Pejabat Lain"), "tidak dibuat oleh penandatangan yang ditetapkan"),
        (_signed_by_expired_key(original), "sudah kedaluwarsa"),
    ]
    for data, words in cases:
        response = client.post(f"/v/{cert.code}", data={"file": (io.BytesIO(data), "cek.pdf")},
                               content_type="multipart/form-data")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and words in html, (words, html[html.find("alert"):][:400])
        assert "Berkas identik" not in html and "dengan sah dan tidak berubah" not in html, words


def test_a_signed_copy_counts_only_for_the_certificate_it_names(db, client):
    _, _, cert, other = _signed_certificate()
    signed = sign_with_test_key(stored_pdf(cert))  # a valid signed copy of cert (number 800/001/…, Siti Aminah)
    assert "salinan sertifikat ini" in _upload(client, cert, signed)
    other.number, other.name = cert.number[1:], cert.name  # "00/001/…" is inside "800/001/…"; same holder name
    _db.session.commit()
    assert "salinan sertifikat ini" not in _upload(client, other, signed)
    from types import SimpleNamespace

    from bimtek.certificates.services.verifying import _is_about
    text = pdf_text(signed)
    elsewhere = SimpleNamespace(number=cert.number, name=cert.name, snapshot={"training": {"name": "Pelatihan Lain"}})
    assert _is_about(cert, text) and not _is_about(elsewhere, text)  # same number and holder, other training
