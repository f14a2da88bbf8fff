"""Bulk issue as a background job.

* One job per training, enforced by a partial unique index on jobs (not a check-then-insert): a second
  start gets "sedang berjalan" with a link to the running job; a job whose worker died is taken over.
* Numbers are reserved once, as one contiguous block in registration order, and the plan (first number
  + registration ids) is stored in the job in the same transaction. A resumed run (after a crash) issues
  exactly the planned numbers still missing, so no number is lost; a planned number is skipped only when
  its certificate really cannot be issued, and the report names each skipped number with its reason.
* Batches (`certificates.worker`): the fast renderer draws the PDFs on a pool of render processes kept for the
  run; per batch of CERTIFICATES_BULK_BATCH the files are written (one sync for all), then one transaction
  inserts the certificates, file rows and e-mails and renews the claim. A crash mid-batch leaves none of it.
* Scale-out: with REDIS_URL the plan is split into child jobs of CERTIFICATES_BULK_CHUNK certificates that every
  `run-worker` process takes (the parent too); the parent's row shows the progress of all of them.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import current_app

from bimtek.attendance.services import freeze_rule
from bimtek.audit.services import record
from bimtek.certificates import worker as batches
from bimtek.certificates.models import Certificate
from bimtek.certificates.services import JOB_ISSUE_ALL, bulk, reserve_numbers, settings_for, settings_problems
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message, from_data
from bimtek.extensions import db
from bimtek.jobs import services as jobs
from bimtek.jobs.models import Job
from bimtek.registration.models import Registration
from bimtek.trainings.models import Training

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.jobs.services import Progress

RUNNING_MESSAGE = "Penerbitan massal untuk pelatihan ini sedang berjalan."
NOTHING_MESSAGE = "Tidak ada peserta yang memenuhi syarat dan belum memiliki sertifikat. Tidak ada yang diterbitkan."
JOB_ISSUE_CHUNK = "certificates.issue_chunk"  # a child of a scale-out bulk issue


def bulk_targets(training: Training) -> list[Registration]:
    """Eligible registrations that have no certificate at all yet (re-runs skip issued and revoked)."""
    ids = bulk.eligible_ids(training)
    found = {r.id: r for r in db.session.scalars(sa.select(Registration).where(Registration.id.in_(ids)))}
    return [found[rid] for rid in ids]


def start_bulk_issue(actor: User, training: Training,
                     registration_ids: Iterable[int] | None = None) -> tuple[Job, bool]:
    """Queue the bulk-issue job (flush only); returns (job, resumed).

    resumed=True: a job of this training whose worker died was taken over by this start (dispatch it).
    Raises ValidationError (context job_id) while another job of this training is alive.
    """
    problems = settings_problems(settings_for(training))
    if problems:
        raise ValidationError(" ".join(problems), field="settings")
    selection = sorted({int(i) for i in registration_ids}) if registration_ids else None
    failed = _retry_failed(actor, training, selection)
    if failed is not None:
        return failed, True
    if jobs.active_job(JOB_ISSUE_ALL, training.id) is None and not bulk.eligible_ids(training, among=selection):
        raise ValidationError(NOTHING_MESSAGE)  # never a job that reports "0 dari 0"
    for _ in range(2):  # the running job may finish between our insert and our look-up: try once more
        job = jobs.enqueue_exclusive(JOB_ISSUE_ALL, actor, training.id, registration_ids=selection)
        if job is not None:
            what = (Message(N_("%(count)s peserta terpilih"), count=len(selection)) if selection
                    else Message(N_("semua yang memenuhi syarat")))
            record(actor, "certificate.bulk_start", job, training_id=training.id,
                   summary=Message(N_("Memulai penerbitan sertifikat untuk %(who)s"), who=what))
            return job, False
        running = jobs.active_job(JOB_ISSUE_ALL, training.id)
        if running is None:
            continue
        if jobs.requeue_if_stale(running.id, jobs.stale_after(current_app)):
            record(actor, "certificate.bulk_resume", running, training_id=training.id,
                   summary=Message(N_("Melanjutkan penerbitan massal yang terhenti")))
            return running, True
        raise ValidationError(RUNNING_MESSAGE, job_id=running.id)
    raise ValidationError(RUNNING_MESSAGE)


def _retry_failed(actor: User, training: Training, selection: list[int] | None) -> Job | None:
    """The last run of the same request failed with reserved numbers still unused: run it again, so those
    numbers are issued in order instead of being lost. None when there is nothing to retry."""
    last = jobs.latest_job(JOB_ISSUE_ALL, training.id)
    if last is None or last.status != "failed" or last.params.get("registration_ids") != selection:
        return None
    plan = last.params.get("plan")
    if not plan:
        return None
    first, count = plan["first"], len(plan["registration_ids"])
    issued = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(
        Certificate.training_id == training.id, Certificate.seq.between(first, first + count - 1)))
    if issued >= count or not jobs.retry_failed(last.id):
        return None
    record(actor, "certificate.bulk_resume", last, training_id=training.id,
           summary=Message(N_("Melanjutkan penerbitan massal yang gagal dengan nomor yang sudah dipesan")))
    return last


# --- the job ------------------------------------------------------------------------------------------

def issue_all_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Job: issue the planned certificates still missing; idempotent, one transaction per batch."""
    training = db.session.get(Training, job.training_id)
    plan, fresh = job.params.get("plan"), False
    if not plan:
        plan, fresh = _reserve_plan(job, progress, training), True
    if plan is None:
        return {"issued": 0, "failed": 0, "errors": [], "skipped": []}
    run = batches.Run.start(job, progress, training, plan, fresh)
    if current_app.config.get("REDIS_URL"):
        _scale_out(job, progress, run)
    else:
        beat = batches.Beat(progress, run.issued_count(), len(run.ineligible), len(run.ids))
        progress(beat.done, beat.failed, beat.total, batches.issued_message(beat.done))
        batches.issue_span(run, run.positions(), beat)
    return batches.finish(run, job, progress)


def _reserve_plan(job: Job, progress: Progress, training: Training) -> dict[str, Any] | None:
    """Reserve one block of numbers for the targets in registration order and store the plan in the job,
    in one transaction that also checks the job is still ours (commits). None when nobody is left."""
    targets = bulk.eligible_ids(training)
    selection = job.params.get("registration_ids")
    if selection:  # only the chosen participants; ineligible or already issued ones are still skipped
        targets = [rid for rid in targets if rid in set(selection)]
    progress(0, 0, len(targets), Message(N_("Menyiapkan nomor dan desain…")))
    if not targets:
        return None
    progress.hold()
    first = reserve_numbers(training, len(targets))
    freeze_rule(training)
    plan = {"first": first, "registration_ids": targets}
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(params={**job.params, "plan": plan})
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return plan


def _scale_out(job: Job, progress: Progress, run: batches.Run) -> None:
    """Split the plan into child jobs (once), queue them for every worker and take part until all are done."""
    app = current_app._get_current_object()
    children = job.params.get("children")
    if not children:
        size = max(1, int(current_app.config.get("CERTIFICATES_BULK_CHUNK", 1000)))
        spans = [{"start": start, "stop": min(start + size, len(run.ids))} for start in range(0, len(run.ids), size)]
        progress.hold()
        children = jobs.enqueue_children(job, JOB_ISSUE_CHUNK, spans)
        run.save_params(job, children=children)
        db.session.commit()
    for child_id in jobs.reopen_children(children):
        db.session.commit()
        jobs.dispatch(app, child_id)

    def report() -> tuple[int, int, int, str]:
        done = run.issued_count()
        return done, len(run.ineligible), len(run.ids), batches.issued_message(done)

    rows = jobs.work_on_children(app, progress, children, report)
    for row in rows:
        if row.status != "done":  # the part's own message says why (it is already safe to show)
            raise jobs.JobFailure(from_data(row.message_data) if row.message_data else
                                  row.message or Message(N_("Pekerjaan gagal: satu bagian pekerjaan gagal.")))
        run.failures.update({int(seq): reason for seq, reason in (row.result or {}).get("failures", {}).items()})


def issue_chunk_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Child job: issue the certificates of one part of the parent's plan (any worker process)."""
    parent = db.session.get(Job, job.params["parent"])
    run = batches.Run.resume(parent)
    positions = run.positions()[job.params["start"]:job.params["stop"]]
    beat = batches.Beat(progress, 0, 0, len(positions))
    batches.issue_span(run, positions, beat)
    return {"issued": beat.done, "failures": {str(seq): reason for seq, reason in run.failures.items()},
            "worker": jobs.process_label()}


def register_jobs() -> None:
    """Wire the certificate job kinds into the job runner (called from create_app)."""
    jobs.register_job(JOB_ISSUE_ALL, issue_all_job)
    from bimtek.certificates import signing_tasks  # bulk electronic signing (TTE) lives in its own module

    signing_tasks.register_jobs()
    jobs.register_job(JOB_ISSUE_CHUNK, issue_chunk_job)
