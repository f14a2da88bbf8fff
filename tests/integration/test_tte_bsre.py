"""BSrE e-sign API v2 through the bulk signing job, against a local stand-in server on a real socket."""
import pytest
import sqlalchemy as sa

from bimtek.certificates import signature_check, signing_tasks
from bimtek.certificates.services import tte
from bimtek.extensions import db as _db
from bimtek.jobs.models import Job
from tests import bsre_standin as bsre, tte_keys
from tests.integration.tte_helpers import stored_pdf, training_with_certificates


@pytest.fixture
def standin(app):
    with bsre.StandIn() as server:
        server.key(bsre.SIGNER_CN), server.key(bsre.SEAL_CN)  # make the test keys before any timed request
        saved = {k: app.config.get(k) for k in ("BSRE_API_URL", "BSRE_CLIENT_ID", "BSRE_CLIENT_SECRET",
                                                "BSRE_BATCH_SIZE", "BSRE_TIMEOUT_SECONDS", "BSRE_BACKOFF",
                                                "JOBS_SYNCHRONOUS")}
        app.config.update(BSRE_API_URL=server.url + "/", BSRE_CLIENT_ID=bsre.CLIENT_ID,
                          BSRE_CLIENT_SECRET=bsre.CLIENT_SECRET, BSRE_BATCH_SIZE=2, BSRE_TIMEOUT_SECONDS=5,
                          BSRE_BACKOFF=0.05, JOBS_SYNCHRONOUS=True)
        yield server
        app.config.update(saved)


def _prepare(method="bsre_sign", nik=bsre.NIK, count=3, names=("Siti Aminah, S.IP.", "Budi Santoso")):
    training, signer, certs = training_with_certificates(count, names)
    tte.save_tte_settings(signer, training, method, nik if method == "bsre_sign" else "", bsre.SUBSCRIBER)
    tte.store_anchors(signer, training, tte_keys.make_ca().pem)
    _db.session.commit()
    return training, signer, certs


def _start(client, login_as, signer, training, secret=bsre.PASSPHRASE):
    login_as(signer)
    client.post(f"/kelola/pelatihan/{training.id}/sertifikat/tanda-tangan/mulai", data={"secret": secret})
    return _db.session.scalar(sa.select(Job).where(Job.kind == signing_tasks.JOB_SIGN_ALL))


def _assert_signed_by(cert, cn):
    pdf = stored_pdf(cert)
    report = signature_check.check(pdf, tte_keys.anchors())
    assert report.ok and report.signer == cn and cert.signed_by == cn, report


def test_personal_signature_in_batches(db, client, login_as, standin):
    training, signer, certs = _prepare(count=3)
    job = _start(client, login_as, signer, training)
    assert job.status == "done" and job.result["signed"] == 3 and job.result["failed"] == 0, job.message
    assert standin.batches == [2, 1]
    for cert in certs:
        _assert_signed_by(cert, bsre.SIGNER_CN)
    page = client.get(f"/kelola/pelatihan/{training.id}/sertifikat/tanda-tangan").get_data(as_text=True)
    assert "job-progress" in page and "3 sertifikat ditandatangani" in page


@pytest.mark.parametrize("nik, secret, words", [
    (bsre.NIK, "passphrase-salah", "Passphrase salah. Penandatanganan dihentikan"),
    (bsre.EXPIRED_NIK, bsre.PASSPHRASE, "sudah kedaluwarsa"),
])
def test_wrong_passphrase_or_expired_certificate_stops_at_once(db, client, login_as, standin, nik, secret, words):
    training, signer, certs = _prepare(nik=nik, count=3)
    job = _start(client, login_as, signer, training, secret)
    assert job.status == "failed" and words in job.message and "(BSrE: " in job.message
    assert standin.requests == ["/api/v2/sign/pdf"]  # one request: never retried, no other batch sent
    assert all(stored_pdf(c) and c.signed_at is None for c in certs)


def test_5xx_and_timeouts_are_retried_with_backoff(db, client, login_as, standin, app):
    app.config["BSRE_TIMEOUT_SECONDS"] = 15  # the answer after the timeout signs 2 files: room on a busy machine
    training, signer, certs = _prepare(count=2)
    standin.fail_5xx, standin.delay_once = 1, 16.0  # a 503, then an answer slower than the client's timeout
    job = _start(client, login_as, signer, training)
    assert job.status == "done" and job.result["signed"] == 2, job.message
    assert standin.requests == ["/api/v2/sign/pdf"] * 3
    for cert in certs:
        _assert_signed_by(cert, bsre.SIGNER_CN)


def test_still_unavailable_after_every_retry_fails_the_job_in_indonesian(db, client, login_as, standin):
    training, signer, _ = _prepare(count=1)
    standin.fail_5xx = 10
    job = _start(client, login_as, signer, training)
    assert job.status == "failed" and "Layanan BSrE tidak dapat dihubungi" in job.message


def test_a_batch_with_one_bad_file_signs_the_others_and_names_the_bad_one(db, client, login_as, standin, app):
    app.config["BSRE_BATCH_SIZE"] = 3
    training, signer, certs = _prepare(count=3, names=("Siti Aminah", "TOLAK Budi", "Rina Wati"))
    job = _start(client, login_as, signer, training)
    assert job.status == "done" and job.result["signed"] == 2 and job.result["failed"] == 1, job.message
    bad = next(c for c in certs if "TOLAK" in c.name)
    assert job.result["errors"] == [f"{bad.number} ({bad.name}): BSrE menolak dokumen. (BSrE: Dokumen tidak valid)"]
    for cert in certs:
        if cert is not bad:
            _assert_signed_by(cert, bsre.SIGNER_CN)
    _db.session.refresh(bad)
    assert bad.signed_at is None


def test_e_seal_asks_a_totp_then_seals(db, client, login_as, standin):
    training, signer, certs = _prepare(method="bsre_seal", count=2)
    job = _start(client, login_as, signer, training, secret="")
    assert job.status == "done" and job.result["signed"] == 2, job.message
    assert standin.requests == ["/api/v2/seal/get/totp", "/api/v2/seal/pdf"]
    for cert in certs:
        _assert_signed_by(cert, bsre.SEAL_CN)


def test_a_passphrase_echoed_by_bsre_is_not_kept_in_the_job(db, client, login_as, standin):
    training, signer, _ = _prepare(count=1)
    standin.echo_passphrase = True
    secret = "rahasia-yang-salah-123"
    job = _start(client, login_as, signer, training, secret)
    assert job.status == "failed" and "Passphrase salah" in job.message
    assert secret not in job.message and secret not in repr(job.params) + repr(job.result)


def test_an_answer_without_the_signed_files_stops_the_job_at_once(db, client, login_as, standin):
    training, signer, certs = _prepare(count=4)
    standin.malformed = True
    job = _start(client, login_as, signer, training)
    assert job.status == "failed" and "tidak sesuai format" in job.message, job.message
    assert standin.requests == ["/api/v2/sign/pdf"]  # not split file by file, not retried
    assert all(c.signed_at is None for c in certs)


def test_when_bsre_refuses_every_file_the_job_stops_instead_of_asking_for_all_of_them(db, client, login_as,
                                                                                     standin):
    training, signer, certs = _prepare(count=8)
    standin.reject_all = True
    job = _start(client, login_as, signer, training)
    assert job.status == "failed" and "4 berkas berturut-turut ditolak" in job.message, job.message
    assert len(standin.requests) < 8 * 2  # two batches of two (each split once), never the whole training
    assert all(c.signed_at is None for c in certs)
