"""Bulk electronic signing (TTE) as a background job, with the progress bar of the jobs domain.

* One signing job per training at a time (the partial unique index of jobs, as the bulk issue).
* The password/passphrase typed by the signer reaches the job through ``secret_handoff`` only: never in the
  job's parameters, the database, the logs or Redis in clear (see that module).
* Files go out in batches (the institution's key signs locally; BSrE gets BSRE_BATCH_SIZE files a request).
  Each signed file is stored first, then its certificate row points at it in its own transaction (which
  also renews the job's claim), so a crash loses at most one batch of work and a re-run skips what is signed.
* A wrong passphrase or an expired certificate fails the job at once with one Indonesian sentence; a file
  BSrE refuses is reported by its number while the others are signed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app

from bimtek.accounts.models import User
from bimtek.audit.services import record
from bimtek.certificates import secret_handoff
from bimtek.certificates.models import Certificate
from bimtek.certificates.services import backends as signing_backends, tte
from bimtek.certificates.services.settings import settings_for
from bimtek.certificates.services.signing import replace_with_signed
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.messages import N_, Message, N_plural
from bimtek.core.storage import app_storage
from bimtek.extensions import db
from bimtek.jobs import services as jobs
from bimtek.trainings.models import Training

if TYPE_CHECKING:
    from flask import Flask

    from bimtek.jobs.models import Job
    from bimtek.jobs.services import Progress

JOB_SIGN_ALL = "certificates.sign_all"
RUNNING_MESSAGE = "Penandatanganan massal untuk pelatihan ini sedang berjalan."
STOPPED = ("Penandatanganan dihentikan: {n} berkas berturut-turut ditolak (terakhir {error}). {signed} sertifikat "
           "sudah ditandatangani; perbaiki penyebabnya lalu mulai lagi (yang sudah ditandatangani dilewati).")
NO_SECRET = ("Kata sandi/passphrase tidak tersedia lagi (tidak pernah disimpan; pekerjaan ini dilanjutkan "
             "setelah terhenti). Mulai ulang penandatanganan dan ketik kembali kata sandinya.")  # nosec B105  # a message


def _handoff_settings(app: Flask | None = None) -> dict[str, Any]:
    config = (app or current_app).config
    return {"redis_url": config.get("REDIS_URL"), "secret_key": config.get("SECRET_KEY")}


def start_bulk_sign(actor: User, training: Training, secret: str | None) -> Job:
    """Queue the signing job of a training (flush only) after checking what can be checked now (the key and
    its password for PKCS#12; configuration for BSrE). ValidationError/KeyProblem in Indonesian otherwise."""
    settings = settings_for(training)
    signing_backends.check_ready(settings, secret, current_app.config)
    if not tte.pending_ids(training):
        raise ValidationError("Semua sertifikat sah pelatihan ini sudah ditandatangani.")
    job = jobs.enqueue_exclusive(JOB_SIGN_ALL, actor, training.id, method=settings.sign_method)
    if job is None:
        running = jobs.active_job(JOB_SIGN_ALL, training.id)
        raise ValidationError(RUNNING_MESSAGE, job_id=getattr(running, "id", None))
    record(actor, "certificate.sign_start", job, training_id=training.id,
           summary=Message(N_("Memulai penandatanganan elektronik massal (%(method)s)"), method=settings.sign_method),
           method=settings.sign_method)
    return job


def hand_over(app: Flask, job_id: int, secret: str | None) -> None:
    """Leave the secret for the job (after the commit, right before dispatch)."""
    secret_handoff.put(job_id, secret or "", **_handoff_settings(app))


def sign_all_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Job: sign every valid, not yet signed certificate of the training; one transaction per certificate."""
    secret = secret_handoff.take(job.id, **_handoff_settings())
    training = db.session.get(Training, job.training_id)
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    if secret is None:
        raise DomainError(NO_SECRET)
    backend = signing_backends.backend_for(job.params["method"], training, secret, current_app.config)
    del secret
    ids = tte.pending_ids(training)
    tally, streak = {"signed": 0, "failed": 0, "errors": []}, 0
    stop_after = max(2 * backend.batch_size, 4)  # every file refused in a row: not one bad file, stop asking
    progress(0, 0, len(ids), Message(N_("Menandatangani…")))
    for start in range(0, len(ids), backend.batch_size):
        batch = ids[start:start + backend.batch_size]
        certs = db.session.scalars(sa.select(Certificate).where(Certificate.id.in_(batch))
                                   .order_by(Certificate.seq)).all()
        for cert, pdf, info in backend.sign_batch(certs):
            _store(actor, cert, pdf, info, backend.how, progress, tally)
            streak = streak + 1 if pdf is None else 0
        if streak >= stop_after:
            raise DomainError(STOPPED.format(n=streak, error=tally["errors"][-1], signed=tally["signed"]))
        progress(tally["signed"], tally["failed"], len(ids), Message.counted(
            *N_plural("%(num)s sertifikat ditandatangani", "%(num)s sertifikat ditandatangani"), tally["signed"]))
    record(actor, "certificate.sign_done", None, training_id=training.id,
           summary=Message(N_("Penandatanganan elektronik: %(signed)s ditandatangani, %(failed)s gagal"),
                           signed=tally["signed"], failed=tally["failed"]), **{**tally, "errors": tally["errors"][:20]})
    db.session.commit()
    return {**tally, "errors": tally["errors"][:100]}


def _store(actor: User | None, cert: Certificate, pdf: bytes | None, info: str, how: str, progress: Progress,
           tally: dict[str, Any]) -> None:
    """One signed file: stored first, then the rows in their own transaction; a refused file is counted."""
    if pdf is None:
        tally["failed"] += 1
        tally["errors"].append(f"{cert.number} ({cert.name}): {info}")
        return
    storage = app_storage()
    storage.put(pdf)
    progress.hold()
    db.session.refresh(cert, with_for_update=True)
    if cert.is_valid and cert.signed_at is None:
        replace_with_signed(actor, cert, pdf, storage, signed_by=info, how=how)
        tally["signed"] += 1
    db.session.commit()


def register_jobs() -> None:
    """Wire the signing job into the job runner (called from certificates.tasks.register_jobs)."""
    jobs.register_job(JOB_SIGN_ALL, sign_all_job)
