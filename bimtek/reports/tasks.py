"""The laporan kegiatan as a background job (`reports.docx`, `reports.pdf`): figures, then the file, then the
stored copy the organizer downloads. One job per training and format at a time (the jobs' partial unique index);
a job whose worker died is resumed by the watchdog and simply builds the report again (nothing half-stored:
the file is written and synced before its row, and the row commits only while the job is still this run's)."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError
from flask import current_app

from bimtek.audit.services import record
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.jobs import services as jobs
from bimtek.reports.fingerprint import report_fingerprint
from bimtek.reports.services import content, figures, files, output
from bimtek.trainings.models import Training

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.jobs.models import Job
    from bimtek.jobs.services import Progress

log = logging.getLogger(__name__)
STEPS = content.BUILD_STEPS + 2  # the figures' steps, the document, storing it
BUILD_ATTEMPTS = 2  # a participant's data erased during a build: built once more, then the organizer is told
# python-docx's refusals of image bytes (a logo that slipped past the upload check, e.g. restored from elsewhere)
UNREADABLE_IMAGE = (InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError)


def start_build(actor: User, training: Training, fmt: str) -> Job:
    """Queue the build of the training's report in `fmt` (flush only; dispatch after the commit).

    A job of the same format whose worker died is taken over and returned; ValidationError (context job_id)
    while one is alive."""
    kind = files.JOB_KINDS[fmt]
    job = jobs.enqueue_exclusive(kind, actor, training.id)
    if job is None:
        running = jobs.active_job(kind, training.id)
        if running is None:  # it finished between our insert and our look-up
            job = jobs.enqueue_exclusive(kind, actor, training.id)
        elif jobs.requeue_if_stale(running.id, jobs.stale_after(current_app)):
            job = running
        if job is None:
            raise ValidationError(Message(N_("Laporan %(fmt)s untuk pelatihan ini sedang dibuat."), fmt=fmt.upper()),
                                  job_id=getattr(running, "id", None))
    record(actor, "report.build", job, training_id=training.id,
           summary=Message(N_("Membuat laporan kegiatan %(fmt)s"), fmt=fmt.upper()))
    return job


def build_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Job: build the report file and store it as the training's current one (the whole build again on a resume,
    and once more when a participant's data was erased while it was built)."""
    fmt = next(fmt for fmt, kind in files.JOB_KINDS.items() if kind == job.kind)
    training = db.session.get(Training, job.training_id)
    try:
        for attempt in range(BUILD_ATTEMPTS):
            try:
                return _build_and_store(job, training, fmt, progress)
            except files.ErasedDuringBuild:
                db.session.rollback()  # the next build reads the data as it is now
                log.info("laporan %s pelatihan %s: data peserta dihapus selama dibuat (percobaan %s)", fmt,
                         job.training_id, attempt + 1)
        raise jobs.JobFailure(not_built(fmt, Message(N_("data peserta dihapus berulang kali selama laporan disusun. "
                                                        "Buat ulang laporan setelah penghapusan data selesai."))))
    except (jobs.JobLost, jobs.JobFailure):
        raise
    except DomainError as error:
        raise jobs.JobFailure(not_built(fmt, error.message)) from error
    except Exception as error:  # noqa: BLE001 — the job's page must say what happened, in Indonesian
        log.exception("laporan %s pelatihan %s gagal dibuat", fmt, job.training_id)
        raise jobs.JobFailure(failure_text(fmt, error)) from error


def _build_and_store(job: Job, training: Training, fmt: str, progress: Progress) -> dict[str, Any]:
    steps = iter(range(STEPS))

    def step(label: str) -> None:
        progress(next(steps), 0, STEPS, label)  # commits (what the figures wrote) while the job is ours

    erased = files.erased_registrations(training.id)  # before any data is read: see files.store_file
    began = now_utc()
    report = content.build_report(training, on_step=step)
    step(Message(N_("Menyusun berkas %(fmt)s…"), fmt=fmt.upper()))
    with jobs.keep_alive(progress, current_app._get_current_object()):  # one long render, no DB writes
        data = output.report_docx(training, report) if fmt == "docx" else output.report_pdf(training, report)
    step(Message(N_("Menyimpan berkas…")))
    stored = files.store_file(training, fmt, data, report_fingerprint(report), job.created_by_id, job.id, erased)
    progress(STEPS, 0, STEPS, Message(N_("Berkas tersimpan.")))  # the row commits only while the job is still ours
    return {"fmt": fmt, "size": stored.size, **figures.job_result(report, began)}  # the page shows these figures


def start_figures(actor: User, training: Training) -> Job | None:
    """Queue the computation of the report page's figures (flush only; dispatch after the commit). None while one
    is already queued or running (a dead one is taken over and returned)."""
    job = jobs.enqueue_exclusive(figures.FIGURES_KIND, actor, training.id)
    if job is None:
        running = jobs.active_job(figures.FIGURES_KIND, training.id)
        if running is None:  # it finished between our insert and our look-up
            return jobs.enqueue_exclusive(figures.FIGURES_KIND, actor, training.id)
        return running if jobs.requeue_if_stale(running.id, jobs.stale_after(current_app)) else None
    return job


def figures_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Job: compute the report's figures (no file) for the report page of a big training."""
    training = db.session.get(Training, job.training_id)
    steps = iter(range(content.BUILD_STEPS))
    began = now_utc()
    report = content.build_report(training, sheets=False,
                                  on_step=lambda label: progress(next(steps), 0, content.BUILD_STEPS, label))
    progress(content.BUILD_STEPS, 0, content.BUILD_STEPS, Message(N_("Angka laporan dihitung.")))
    return figures.job_result(report, began)


def not_built(fmt: str, why: str) -> Message:
    """The job page's sentence for a report that could not be built, `why` (a Message or text) after its prefix."""
    return Message(N_("Laporan %(fmt)s tidak dapat dibuat: %(why)s"), fmt=fmt.upper(), why=why)


def failure_text(fmt: str, error: BaseException) -> Message:
    """The job page's Indonesian sentence for an unexpected failure (the technical detail in brackets)."""
    if isinstance(error, UNREADABLE_IMAGE):
        return not_built(fmt, Message(N_("logo pada kop surat tidak dapat dibaca sebagai gambar. Unggah ulang logo "
                                         "(PNG atau JPEG) di bagian Kop surat unit, lalu buat ulang laporan.")))
    # The error's own text may name server paths or settings: it goes to the log, the page names only its kind.
    if isinstance(error, OSError):
        why = N_("berkas tidak dapat disimpan di server (%(kind)s). Coba lagi; bila terulang, hubungi admin.")
    else:
        why = N_("terjadi kesalahan saat menyusun dokumen (%(kind)s). Coba lagi; bila terulang, hubungi admin.")
    return not_built(fmt, Message(why, kind=type(error).__name__))


def register_jobs() -> None:
    """Wire the report job kinds into the job runner (called from create_app)."""
    for kind in files.JOB_KINDS.values():
        jobs.register_job(kind, build_job)
    jobs.register_job(figures.FIGURES_KIND, figures_job)
