"""TTE with the institution's own key: the sign-certificates command (PAdES via pyHanko, checked by pdfsig)."""
import sqlalchemy as sa

from bimtek.audit.models import AuditEntry
from bimtek.certificates import services
from tests import tte_keys
from tests.integration.certificate_helpers import pdf_text
from tests.integration.tte_helpers import (
    assert_signed_by_test_key,
    certificates_of,
    stored_pdf,
    training_with_certificates,
)


def _sign(runner, training, p12_path, password=tte_keys.P12_PASSWORD):
    return runner.invoke(args=["sign-certificates", str(training.id), "--pkcs12", str(p12_path)],
                         env={"TTE_PKCS12_PASSWORD": password})


def test_command_signs_every_valid_unsigned_certificate_once(db, runner, tmp_path):
    training, signer, (first, second, third) = training_with_certificates(3)
    services.revoke_certificate(signer, third, "Data peserta salah")
    db.session.commit()
    unsigned = stored_pdf(first)
    assert "ditandatangani secara elektronik" not in pdf_text(unsigned)
    p12 = tmp_path / "instansi.p12"
    p12.write_bytes(tte_keys.make_p12())

    result = _sign(runner, training, p12)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == ["2 sertifikat ditandatangani secara elektronik (PAdES B-B: 2)."]

    for cert in (first, second):
        pdf = stored_pdf(cert)
        assert cert.signed_at is not None and cert.signed_by == "Dr. Uji Penandatangan"
        assert services.verification.sha256_hex(pdf) == cert.sha256 != cert.original_sha256
        assert [f.kind for f in cert.files] == ["issued", "signed"]  # the previous file is kept
        assert services.app_storage().exists(cert.original_sha256)
        assert "ditandatangani secara elektronik" in pdf_text(pdf) and cert.number in pdf_text(pdf)
        assert_signed_by_test_key(pdf, tmp_path / str(cert.id))
    assert stored_pdf(third) == services.app_storage().get(third.original_sha256)  # revoked: untouched
    audited = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "certificate.signed")).all()
    assert len(audited) == 2 and all(e.details["how"] == "pkcs12" for e in audited)

    again = _sign(runner, training, p12)
    assert again.exit_code == 0 and again.output.startswith("0 sertifikat ditandatangani")
    assert [c.sha256 for c in certificates_of(training)][:2] == [first.sha256, second.sha256]


def test_wrong_password_or_unusable_key_exits_2_with_one_indonesian_line(db, runner, tmp_path):
    training, _, (cert,) = training_with_certificates(1)
    p12 = tmp_path / "instansi.p12"
    p12.write_bytes(tte_keys.make_p12())
    wrong = _sign(runner, training, p12, password="bukan-ini")
    assert wrong.exit_code == 2
    assert wrong.output.strip() == "Kata sandi PKCS#12 salah atau berkas tidak memuat kunci penandatangan yang " \
                                   "dapat dipakai."
    expired = tmp_path / "lama.p12"
    expired.write_bytes(tte_keys.make_p12("Pejabat Lama", expired=True))
    result = _sign(runner, training, expired)
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "sudah kedaluwarsa" in result.output
    garbage = tmp_path / "rusak.p12"
    garbage.write_bytes(b"bukan pkcs12")
    assert _sign(runner, training, garbage).exit_code == 2
    db.session.refresh(cert)
    assert cert.signed_at is None and cert.sha256 == cert.original_sha256


def test_every_failure_of_the_command_is_one_indonesian_line_and_a_nonzero_exit(db, runner, tmp_path):
    training, _, (cert,) = training_with_certificates(1)
    p12 = tmp_path / "instansi.p12"
    p12.write_bytes(tte_keys.make_p12())
    cases = [  # (training id, key file, password, exit code, words)
        (training.id, tmp_path / "tidak-ada.p12", tte_keys.P12_PASSWORD, 2, "tidak ditemukan"),
        (training.id, tmp_path, tte_keys.P12_PASSWORD, 2, "bukan berkas"),
        (training.id, p12, "", 2, "TTE_PKCS12_PASSWORD"),
        (training.id, p12, "salah", 2, "Kata sandi PKCS#12 salah"),
        (training.id + 999, p12, tte_keys.P12_PASSWORD, 1, f"Pelatihan {training.id + 999} tidak ditemukan"),
        ("SPP2020", p12, tte_keys.P12_PASSWORD, 1, "Pelatihan SPP2020 tidak ditemukan"),
        ("99999999999999999999", p12, tte_keys.P12_PASSWORD, 1, "tidak ditemukan"),
    ]
    for training_id, path, password, code, words in cases:
        result = runner.invoke(args=["sign-certificates", str(training_id), "--pkcs12", str(path)],
                               env={"TTE_PKCS12_PASSWORD": password})
        lines = result.output.strip().splitlines()
        assert result.exit_code == code and len(lines) == 1 and words in lines[0], (words, result.output)
        assert "Error" not in result.output and "Usage" not in result.output
    db.session.refresh(cert)
    assert cert.signed_at is None
