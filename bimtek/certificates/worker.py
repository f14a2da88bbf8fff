"""The working side of a bulk issue: whichever process runs the job (or one of its chunks) issues batches here.

Per batch of CERTIFICATES_BULK_BATCH planned certificates: render them on the run's pool of render processes,
write every file (one sync for the batch: files are durable before any row names them), then one transaction
renews the job's claim and inserts the batch's certificates, file rows and e-mails, and commits. A crash
mid-batch leaves none of the batch's rows (a resumed run issues exactly the numbers still missing); a batch
whose INSERT fails is stored one certificate at a time, so only the certificate that really fails is skipped.
The session never holds more than the training, its settings and the job: everything else is plain rows.
"""
import hashlib
import logging
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from bimtek.accounts.models import User
from bimtek.audit.services import record
from bimtek.certificates.bulk_render import BatchPool, layer_from_bytes, layer_to_bytes, make_layer
from bimtek.certificates.models import Certificate
from bimtek.certificates.services import (
    bulk,
    design_dir,
    format_number,
    person_context,
    settings_for,
    shared_context,
    shared_snapshot,
)
from bimtek.core.errors import DomainError
from bimtek.core.messages import N_, Message, N_plural
from bimtek.core.models import now_utc
from bimtek.core.storage import app_storage
from bimtek.extensions import db
from bimtek.jobs import services as jobs
from bimtek.jobs.models import Job
from bimtek.mail.services import wake_after_commit
from bimtek.registration.models import Registration
from bimtek.trainings.models import Training

log = logging.getLogger(__name__)
BEAT_SECONDS = 2.0  # while rendering a batch, renew the claim at least this often (own short transaction)


def failure_reason(what: str, error: BaseException, seq: int) -> str:
    """The job report's reason for one certificate: a DomainError as worded; any other error by its kind, with
    its own text (paths, settings, SQL) and traceback in the log."""
    if isinstance(error, DomainError):
        return f"{what}: {error.message}"
    log.error("sertifikat nomor urut %s %s", seq, what, exc_info=error)
    return f"{what} ({type(error).__name__})"


def issued_message(done: int) -> Message:
    """The bulk job's progress line ("7 sertifikat terbit"), translated where the job page shows it."""
    return Message.counted(*N_plural("%(num)s sertifikat terbit", "%(num)s sertifikat terbit"), done)


@dataclass
class Run:
    """One run over a stored plan: what every batch needs, loaded once."""

    training: object
    settings: object
    shared: dict  # the shared snapshot, frozen for the run
    first: int
    ids: list
    actor_id: object
    ineligible: set
    layer: object  # the fast renderer's shared layer; None when nothing is left to render
    storage: object
    failures: dict = field(default_factory=dict)  # seq -> reason, for the report

    @classmethod
    def start(cls, job, progress, training, plan, fresh):
        """A parent run: re-check who is still eligible (unless the plan is brand new), build the layer once and
        keep both in the job's params for the chunk jobs of a scale-out run (commits)."""
        with jobs.keep_alive(progress, current_app._get_current_object()):  # seconds of work without a batch
            return cls._start(job, training, plan, fresh)

    @classmethod
    def _start(cls, job, training, plan, fresh):
        settings = settings_for(training)
        run = cls(training, settings, shared_snapshot(training, settings), plan["first"], plan["registration_ids"],
                  job.created_by_id, set(), None, app_storage())
        taken = run.issued_seqs()
        pending = [(seq, rid) for seq, rid in run.positions() if seq not in taken]
        if not fresh and pending:
            among = {rid for _, rid in pending}
            run.ineligible = among - set(bulk.eligible_ids(training, among=among))
        todo = [(seq, rid) for seq, rid in pending if rid not in run.ineligible]
        digest = None
        if todo:
            run.layer = run._make_layer(todo)
            digest = run.storage.put(layer_to_bytes(run.layer))
        run.save_params(job, shared=run.shared, ineligible=sorted(run.ineligible), layer=digest)
        db.session.commit()
        return run

    @classmethod
    def resume(cls, parent):
        """The run of a parent job as its chunk jobs see it (from the parent's params)."""
        training = db.session.get(Training, parent.training_id)
        params, storage = parent.params, app_storage()
        layer = None
        if params.get("layer"):
            data = storage.get(params["layer"])
            if hashlib.sha256(data).hexdigest() != params["layer"]:
                raise RuntimeError("lapisan sertifikat rusak")
            layer = layer_from_bytes(data)
        return cls(training, settings_for(training), params["shared"], params["plan"]["first"],
                   params["plan"]["registration_ids"], parent.created_by_id, set(params.get("ineligible", ())),
                   layer, storage)

    def _make_layer(self, todo):
        rows = bulk.people([rid for _, rid in todo])
        people = [{"name": rows[rid].nama_lengkap, "nip": rows[rid].nip or "", "instansi": rows[rid].instansi,
                   "number": format_number(self.training, self.settings, seq)} for seq, rid in todo if rid in rows]
        return make_layer(design_dir(self.shared["design"]), shared_context(self.shared, self.storage), people)

    def positions(self):
        return list(enumerate(self.ids, start=self.first))

    @property
    def last(self):
        return self.first + len(self.ids) - 1

    def issued_seqs(self):
        return bulk.issued_seqs(self.training, self.first, self.last)

    def issued_count(self):
        return bulk.count_issued(self.training, self.first, self.last)

    def save_params(self, job, **values):
        """Merge values into the job's stored params (flush only; the caller commits)."""
        params = db.session.scalar(sa.select(Job.params).where(Job.id == job.id)) or {}
        db.session.execute(sa.update(Job).where(Job.id == job.id).values(params={**params, **values})
                           .execution_options(synchronize_session=False))


class Beat:
    """Progress and claim of the process working on part of a plan (done counts certificates it committed)."""

    def __init__(self, progress, done, failed, total):
        self.progress, self.done, self.failed, self.total = progress, done, failed, total
        self.last = time.monotonic()

    def hold(self, adding=0):
        """Renew the claim inside the current transaction; JobLost when another process has taken the job over."""
        done = self.done + adding
        self.progress.hold(done=done, failed=self.failed, total=self.total, **jobs.message_values(issued_message(done)))
        self.last = time.monotonic()

    def tick(self):
        if time.monotonic() - self.last >= BEAT_SECONDS:
            self.hold()
            db.session.commit()


def issue_span(run, positions, beat):
    """Issue the planned certificates of [(seq, registration id)] still missing, batch by batch; the render
    processes draw the next batch while this process stores the one before."""
    if run.layer is None:
        return
    processes = int(current_app.config.get("CERTIFICATES_RENDER_PROCESSES", 2))
    shared = shared_context(run.shared, run.storage)
    with BatchPool(design_dir(run.shared["design"]), shared, run.layer, processes, len(positions)) as pool:
        previous = None
        for pending in _batches(run, positions):
            items = bulk.plan_batch(run.training, run.settings, run.shared, pending)
            db.session.rollback()  # no read transaction held while rendering (SQLite writers, PostgreSQL snapshots)
            started = (items, pool.start([person_context(item.snapshot) for item in items]))
            if previous is not None:
                _store_batch(run, pool, *previous, beat)
            previous = started
        if previous is not None:
            _store_batch(run, pool, *previous, beat)


def _batches(run, positions):
    """The planned (seq, registration id) still to issue, per batch (what is issued is looked up per batch)."""
    size = max(1, int(current_app.config.get("CERTIFICATES_BULK_BATCH", 250)))
    for start in range(0, len(positions), size):
        part = positions[start:start + size]
        taken = bulk.issued_seqs(run.training, part[0][0], part[-1][0])
        pending = [(seq, rid) for seq, rid in part if seq not in taken and rid not in run.ineligible]
        if pending:
            yield pending


def _store_batch(run, pool, items, handle, beat):
    """Files of a rendered batch (one sync), then its rows in one transaction (one at a time if that fails)."""
    stored = []
    for index, pdf, error in pool.results(handle):
        if error is not None:
            run.failures[items[index].seq] = failure_reason("gagal dibuat", error, items[index].seq)
        else:
            stored.append((items[index], run.storage.put(pdf, sync=False), len(pdf)))
        beat.tick()
    run.storage.sync()
    if stored and not _commit(run, stored, beat):
        for entry in stored:  # one at a time: only the certificate that really fails is skipped
            problem = _store_one(run, entry, beat)
            if problem:
                run.failures[entry[0].seq] = problem


def _commit(run, stored, beat):
    """The whole batch in one transaction; False (rolled back) when it could not be stored that way."""
    try:
        beat.hold(len(stored))
        bulk.insert_batch(run.actor_id, run.training.id, stored, now_utc())
        db.session.commit()
    except jobs.JobLost:
        raise
    except Exception:  # noqa: BLE001 - retried one certificate at a time, which names the failing one
        db.session.rollback()
        return False
    beat.done += len(stored)
    return True


def _store_one(run, entry, beat):
    """One certificate in its own transaction; retried once; returns an error text or None."""
    for attempt in (1, 2):
        try:
            beat.hold(1)
            bulk.insert_batch(run.actor_id, run.training.id, [entry], now_utc())
            db.session.commit()
            beat.done += 1
            return None
        except IntegrityError:
            db.session.rollback()
            return _integrity_problem(run, entry[0])
        except jobs.JobLost:
            raise
        except Exception as error:  # noqa: BLE001 - retried once, then reported
            db.session.rollback()
            if attempt == 2:
                return failure_reason("gagal disimpan", error, entry[0].seq)
    return None


def _integrity_problem(run, item):
    """None when this very certificate (same number, same participant) is already stored, else the reason."""
    stored = db.session.scalar(sa.select(Certificate.registration_id).where(
        Certificate.training_id == run.training.id, Certificate.seq == item.seq))
    return None if stored == item.person.id else "peserta sudah memiliki sertifikat lain"


def finish(run, job, progress):
    """Report every planned number still without a certificate, with its reason; audit; the job's result."""
    issued = run.issued_seqs()
    missing = [(seq, rid) for seq, rid in run.positions() if seq not in issued]
    rids = [rid for _, rid in missing]
    with_cert = bulk.registrations_with_certificate(run.training, rids) if rids else set()
    numbers = dict(db.session.execute(sa.select(Registration.id, Registration.number)
                                      .where(Registration.id.in_(rids))).all()) if rids else {}
    skipped = [{"seq": seq, "number": format_number(run.training, run.settings, seq),
                "reason": run.failures.get(seq) or ("peserta sudah memiliki sertifikat lain" if rid in with_cert else
                                                    "peserta tidak lagi memenuhi syarat atau datanya telah dihapus"),
                "registration": numbers.get(rid, "")} for seq, rid in missing]
    actor = db.session.get(User, run.actor_id) if run.actor_id else None
    wake_after_commit()  # deliver the queued e-mails now that the job is done
    record(actor, "certificate.bulk_done", None, training_id=job.training_id,
           summary=Message(N_("Penerbitan massal: %(issued)s terbit, %(skipped)s nomor dilewati"), issued=len(issued),
                           skipped=len(skipped)),
           issued=len(issued), failed=len(skipped), skipped=[s["number"] for s in skipped][:100])
    progress(len(issued), len(skipped), len(run.ids), issued_message(len(issued)))
    errors = [f"{s['number']} ({s['registration'] or '-'}): {s['reason']}" for s in skipped]
    return {"issued": len(issued), "failed": len(skipped), "errors": errors[:100], "skipped": skipped[:1000]}
