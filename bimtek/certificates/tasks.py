"""Bulk issue as a background job.

* One job per training, enforced by a partial unique index on jobs (not a check-then-insert): a second
  start gets "sedang berjalan" with a link to the running job; a job whose worker died is taken over.
* Numbers are reserved once, as one contiguous block in registration order, and the plan (first number
  + registration ids) is stored in the job in the same transaction. A resumed run (after a crash) issues
  exactly the planned numbers still missing, so no number is lost; a planned number is skipped only when
  its certificate really cannot be issued, and the report names each skipped number with its reason.
* The fast batch renderer (render processes) draws the PDFs; each certificate is stored in its own
  transaction (file first), which also renews the job's claim.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from bimtek.action_plans.services import rtl_statuses_for_training
from bimtek.action_plans.services import settings_for as rtl_settings_for
from bimtek.attendance.services import freeze_rule, verdicts_for_training
from bimtek.audit.services import record
from bimtek.certificates.models import Certificate
from bimtek.certificates.rendering import render_batch, render_pdf
from bimtek.certificates.services import (
    JOB_ISSUE_ALL, design_dir, eligibility_for, format_number, notify_participant, plan_certificate,
    render_context, reserve_numbers, settings_for, settings_problems, shared_snapshot, store_certificate)
from bimtek.core.errors import ValidationError
from bimtek.core.storage import app_storage
from bimtek.evaluation.services import evaluation_statuses_for_training
from bimtek.extensions import db
from bimtek.jobs import services as jobs
from bimtek.jobs.models import Job
from bimtek.registration.models import Registration

RENDER_PROCESSES = 2
RUNNING_MESSAGE = "Penerbitan massal untuk pelatihan ini sedang berjalan."


def bulk_targets(training):
    """Eligible registrations that have no certificate at all yet (re-runs skip issued and revoked)."""
    verdicts = verdicts_for_training(training)
    has_cert = set(db.session.scalars(sa.select(Certificate.registration_id).where(
        Certificate.training_id == training.id, Certificate.registration_id.is_not(None))))
    registrations = db.session.scalars(sa.select(Registration).where(
        Registration.id.in_([rid for rid in verdicts if rid not in has_cert]),
        Registration.anonymized_at.is_(None)).order_by(Registration.seq)).all()
    rtl, required = rtl_statuses_for_training(training), rtl_settings_for(training).required_for_certificate
    evaluation = evaluation_statuses_for_training(training, [r.id for r in registrations])
    return [r for r in registrations
            if eligibility_for(r, verdicts[r.id], rtl[r.id], required, (*evaluation[r.id], ())).ok]


def start_bulk_issue(actor, training, registration_ids=None):
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
    for _ in range(2):  # the running job may finish between our insert and our look-up: try once more
        job = jobs.enqueue_exclusive(JOB_ISSUE_ALL, actor, training.id, registration_ids=selection)
        if job is not None:
            what = f"{len(selection)} peserta terpilih" if selection else "semua yang memenuhi syarat"
            record(actor, "certificate.bulk_start", job, training_id=training.id,
                   summary=f"Memulai penerbitan sertifikat untuk {what}")
            return job, False
        running = jobs.active_job(JOB_ISSUE_ALL, training.id)
        if running is None:
            continue
        if jobs.requeue_if_stale(running.id, jobs.stale_after(current_app)):
            record(actor, "certificate.bulk_resume", running, training_id=training.id,
                   summary="Melanjutkan penerbitan massal yang terhenti")
            return running, True
        raise ValidationError(RUNNING_MESSAGE, job_id=running.id)
    raise ValidationError(RUNNING_MESSAGE)


def _retry_failed(actor, training, selection):
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
           summary="Melanjutkan penerbitan massal yang gagal dengan nomor yang sudah dipesan")
    return last


# --- the job ------------------------------------------------------------------------------------------

@dataclass
class _Planned:
    registration_id: int
    code: str
    snapshot: dict


def issue_all_job(job, progress):
    """Job: issue the planned certificates still missing; idempotent, one transaction per certificate."""
    from bimtek.accounts.models import User
    from bimtek.trainings.models import Training

    training = db.session.get(Training, job.training_id)
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    plan = job.params.get("plan") or _reserve_plan(job, progress, training)
    if plan is None:
        return {"issued": 0, "failed": 0, "errors": [], "skipped": []}
    return _run_plan(job, progress, training, actor, plan)


def _reserve_plan(job, progress, training):
    """Reserve one block of numbers for the targets in registration order and store the plan in the job,
    in one transaction that also checks the job is still ours (commits). None when nobody is left."""
    targets = bulk_targets(training)
    selection = job.params.get("registration_ids")
    if selection:  # only the chosen participants; ineligible or already issued ones are still skipped
        targets = [r for r in targets if r.id in set(selection)]
    progress(0, 0, len(targets), "Menyiapkan nomor dan desain…")
    if not targets:
        return None
    progress.hold()
    first = reserve_numbers(training, len(targets))
    freeze_rule(training)
    plan = {"first": first, "registration_ids": [r.id for r in targets]}
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(params={**job.params, "plan": plan})
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return plan


def _sort_plan(training, settings, plan):
    """(issued count, [(seq, registration) still to issue], [skipped entries]) for a stored plan."""
    first, ids = plan["first"], plan["registration_ids"]
    taken = set(db.session.scalars(sa.select(Certificate.seq).where(
        Certificate.training_id == training.id, Certificate.seq.between(first, first + len(ids) - 1))))
    eligible = {r.id: r for r in bulk_targets(training)}
    with_cert = set(db.session.scalars(sa.select(Certificate.registration_id).where(
        Certificate.training_id == training.id, Certificate.registration_id.in_(ids))))
    issued, pending, skipped = 0, [], []
    for seq, registration_id in enumerate(ids, start=first):
        if seq in taken:
            issued += 1
        elif registration_id in eligible:
            pending.append((seq, eligible[registration_id]))
        else:
            reason = ("peserta sudah memiliki sertifikat lain" if registration_id in with_cert
                      else "peserta tidak lagi memenuhi syarat atau datanya telah dihapus")
            skipped.append(_skip(training, settings, seq, registration_id, reason))
    return issued, pending, skipped


def _skip(training, settings, seq, registration_id, reason):
    registration = db.session.get(Registration, registration_id)
    return {"seq": seq, "number": format_number(training, settings, seq), "reason": reason,
            "registration": registration.number if registration is not None else ""}


def _run_plan(job, progress, training, actor, plan):
    settings = settings_for(training)
    issued, pending, skipped = _sort_plan(training, settings, plan)
    total = len(plan["registration_ids"])
    if pending:
        shared_snap = shared_snapshot(training, settings)
        planned = [_Planned(r.id, *plan_certificate(training, settings, shared_snap, r, seq)) for seq, r in pending]
        storage = app_storage()
        tally = _Tally(progress, total, issued, skipped)
        progress(issued, len(skipped), total, f"{issued} sertifikat terbit")
        _issue_rendered(actor, planned, shared_snap["design"], storage, tally)
        issued, skipped = tally.issued, tally.skipped
    skipped.sort(key=lambda s: s["seq"])
    record(actor, "certificate.bulk_done", None, training_id=job.training_id,
           summary=f"Penerbitan massal: {issued} terbit, {len(skipped)} nomor dilewati",
           issued=issued, failed=len(skipped), skipped=[s["number"] for s in skipped][:100])
    progress(issued, len(skipped), total, f"{issued} sertifikat terbit")
    errors = [f"{s['number']} ({s['registration'] or '-'}): {s['reason']}" for s in skipped]
    return {"issued": issued, "failed": len(skipped), "errors": errors[:100], "skipped": skipped[:1000]}


class _Tally:
    """Running counts of one run; every stored certificate renews the job's claim in its own transaction."""

    def __init__(self, progress, total, issued, skipped):
        self.progress, self.total, self.issued, self.skipped = progress, total, issued, list(skipped)

    def hold(self):
        self.progress.hold(done=self.issued + 1, failed=len(self.skipped), total=self.total,
                           message=f"{self.issued + 1} sertifikat terbit")


def _render_all(directory, shared, people):
    """Yield (key, pdf or None, error) using the fast batch path; per person with render_pdf if it breaks."""
    seen = set()
    try:
        for key, pdf in render_batch(directory, shared, people, processes=RENDER_PROCESSES):
            seen.add(key)
            yield key, pdf, None
    except Exception:  # noqa: BLE001 - fall back to the full path for what is left
        for person in people:
            if person["key"] in seen:
                continue
            try:
                yield person["key"], render_pdf(directory, {**shared, **person}), None
            except Exception as error:  # noqa: BLE001 - reported per certificate
                yield person["key"], None, error


def _issue_rendered(actor, planned, design, storage, tally):
    """Render (batch) and store each planned certificate; failures become skipped numbers with reasons."""
    shared, _ = render_context(planned[0].snapshot, storage)
    people = [{"key": i, **render_context(p.snapshot, storage)[1]} for i, p in enumerate(planned)]
    for key, pdf, error in _render_all(design_dir(design), shared, people):
        item = planned[key]
        problem = f"gagal dibuat: {error}" if error else _store_one(actor, item, pdf, storage, tally)
        if problem:
            tally.skipped.append({"seq": item.snapshot["seq"], "number": item.snapshot["number"], "reason": problem,
                                  "registration": item.snapshot["person"]["registration_number"]})
        else:
            tally.issued += 1


def _store_one(actor, item, pdf, storage, tally):
    """One certificate in its own transaction (file stored first); retried once; returns an error text or None."""
    for attempt in (1, 2):
        try:
            storage.put(pdf)  # before the transaction's first write: no database lock held while writing the file
            tally.hold()  # JobLost (not caught here) when another process has taken the job over
            registration = db.session.get(Registration, item.registration_id)
            cert = store_certificate(actor, registration, item.code, item.snapshot, pdf, storage)
            notify_participant(cert)
            db.session.commit()
            return None
        except IntegrityError:
            db.session.rollback()
            return _integrity_problem(item)
        except jobs.JobLost:
            raise
        except Exception as error:  # noqa: BLE001 - retried once, then reported
            db.session.rollback()
            if attempt == 2:
                return f"gagal disimpan: {str(error) or type(error).__name__}"
    return None


def _integrity_problem(item):
    """None when this very certificate (same number, same participant) is already stored, else the reason."""
    stored = db.session.scalar(sa.select(Certificate.registration_id).where(
        Certificate.training_id == item.snapshot["training"]["id"], Certificate.seq == item.snapshot["seq"]))
    if stored == item.registration_id:
        return None
    return "peserta sudah memiliki sertifikat lain"


def register_jobs():
    """Wire the certificate job kinds into the job runner (called from create_app)."""
    jobs.register_job(JOB_ISSUE_ALL, issue_all_job)
    from bimtek.certificates import signing_tasks  # bulk electronic signing (TTE) lives in its own module

    signing_tasks.register_jobs()
