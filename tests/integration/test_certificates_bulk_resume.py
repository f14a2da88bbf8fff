"""Finding 5 (numbers): a bulk run that dies mid-way leaves its reserved numbers to the resumed run, which
issues them in registration order; a number is skipped only for a certificate that really cannot be issued,
and the report names it with its reason. Finding 4 (in-process): a second start is refused with a link."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bimtek.certificates import services, tasks
from bimtek.certificates.models import Certificate
from bimtek.core.errors import ValidationError
from bimtek.core.models import now_utc
from bimtek.core.storage import sha256_hex
from bimtek.jobs import services as jobs
from bimtek.jobs.models import Job
from bimtek.registration.models import Registration
from tests.factories import make_registration
from tests.integration.certificate_helpers import certificate_training

COUNT = 70  # > 2 render chunks: the render processes are used
BATCH = 5  # certificates per transaction here: a run that "dies after N" (N a multiple of it) has stored N


@pytest.fixture(autouse=True)
def small_batches(app):
    before = app.config["CERTIFICATES_BULK_BATCH"]
    app.config["CERTIFICATES_BULK_BATCH"] = BATCH
    yield
    app.config["CERTIFICATES_BULK_BATCH"] = before


class Died(BaseException):
    """Stands for kill -9: nothing after it runs, not even the job's failure handler."""


def _run_until_death(app, job_id, certificates):
    """Claim the job and run it; the worker 'dies' after storing `certificates` certificates."""
    token = jobs.claim(job_id, jobs.stale_after(app))
    progress = jobs.Progress(job_id, token)
    original = progress.hold

    def hold(**values):
        if values.get("done", 0) > certificates:
            raise Died()
        original(**values)

    progress.hold = hold
    with pytest.raises(Died):
        tasks.issue_all_job(jobs.db.session.get(Job, job_id), progress)
    jobs.db.session.rollback()


def _go_stale(db, job_id):
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(heartbeat_at=now_utc() - timedelta(hours=1)))
    db.session.commit()


def _start(training, signer):
    job, resumed = tasks.start_bulk_issue(signer, training)
    jobs.db.session.commit()
    return job, resumed


def test_a_resumed_run_reuses_the_dead_runs_numbers_in_registration_order(app, db):
    training, signer = certificate_training(everyone_passes=True)
    regs = [make_registration(training) for _ in range(COUNT)]
    job, _ = _start(training, signer)
    _run_until_death(app, job.id, 25)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 25
    with pytest.raises(ValidationError) as refused:  # the dead run's heartbeat is still fresh
        tasks.start_bulk_issue(signer, training)
    assert refused.value.message == tasks.RUNNING_MESSAGE and refused.value.context["job_id"] == job.id
    db.session.rollback()
    _go_stale(db, job.id)
    app.config["JOBS_SYNCHRONOUS"] = True
    try:
        assert jobs.resume_unfinished(app) == 1
    finally:
        app.config["JOBS_SYNCHRONOUS"] = False
    db.session.expire_all()
    done = db.session.get(Job, job.id)
    assert (done.status, done.attempts, done.result["issued"], done.result["skipped"]) == ("done", 2, COUNT, [])
    certs = db.session.scalars(sa.select(Certificate).order_by(Certificate.seq)).all()
    assert [c.seq for c in certs] == list(range(1, COUNT + 1))
    assert [c.registration_id for c in certs] == [r.id for r in regs]
    assert services.settings_for(training).last_seq == COUNT
    storage = services.app_storage()
    assert all(sha256_hex(storage.get(c.sha256)) == c.sha256 for c in certs)


def test_only_numbers_that_really_fail_are_skipped_and_reported(app, db, client, login_as):
    training, signer = certificate_training(everyone_passes=True)
    regs = [make_registration(training) for _ in range(COUNT)]
    job, _ = _start(training, signer)
    _run_until_death(app, job.id, 10)
    gone = regs[40]  # withdrawn while the job was dead: its reserved number cannot be used
    db.session.execute(sa.update(Registration).where(Registration.id == gone.id).values(status="cancelled"))
    db.session.commit()
    _go_stale(db, job.id)
    jobs.run_job(job.id, app)
    db.session.expire_all()
    done = db.session.get(Job, job.id)
    assert done.status == "done" and done.result["issued"] == COUNT - 1 and done.failed == 1
    skipped = done.result["skipped"]
    assert [(s["seq"], s["registration"]) for s in skipped] == [(41, gone.number)]
    assert "tidak lagi memenuhi syarat" in skipped[0]["reason"] and skipped[0]["number"].startswith("800/041/")
    seqs = db.session.scalars(sa.select(Certificate.seq).order_by(Certificate.seq)).all()
    assert seqs == [s for s in range(1, COUNT + 1) if s != 41]
    login_as(signer)
    page = client.get(f"/kelola/pekerjaan/{job.id}").get_data(as_text=True)
    assert "Nomor yang dilewati" in page and skipped[0]["number"] in page and gone.number in page
    late = make_registration(training)
    again, _ = _start(training, signer)  # a later run takes new numbers: 41 is never given to anyone else
    jobs.run_job(again.id, app)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(Certificate.seq == 41)) == 0
    assert db.session.scalar(sa.select(Certificate.seq).where(Certificate.registration_id == late.id)) == COUNT + 1


def test_a_start_while_the_job_is_dead_takes_it_over_instead_of_being_blocked(app, db):
    training, signer = certificate_training(everyone_passes=True)
    for _ in range(5):
        make_registration(training)
    job, _ = _start(training, signer)
    _run_until_death(app, job.id, 2)
    _go_stale(db, job.id)
    taken, resumed = _start(training, signer)
    assert (taken.id, resumed) == (job.id, True)
    jobs.run_job(job.id, app)
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "done"
    assert db.session.scalars(sa.select(Certificate.seq).order_by(Certificate.seq)).all() == [1, 2, 3, 4, 5]


def test_a_second_start_over_http_names_the_running_job(app, db, client, login_as):
    training, signer = certificate_training(everyone_passes=True)
    make_registration(training)
    job, _ = _start(training, signer)
    login_as(signer)
    page = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan-semua",
                       follow_redirects=True).get_data(as_text=True)
    assert "Penerbitan massal untuk pelatihan ini sedang berjalan" in page
    assert f'href="/kelola/pekerjaan/{job.id}"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1


def test_a_new_start_after_a_failed_run_issues_its_reserved_numbers_first(app, db):
    """A run that gave up (e.g. five crashes, or an error) keeps its numbers: the next start continues it."""
    training, signer = certificate_training(everyone_passes=True)
    regs = [make_registration(training) for _ in range(6)]
    job, _ = _start(training, signer)
    _run_until_death(app, job.id, 2)
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(status="failed", message="Pekerjaan gagal"))
    db.session.commit()
    again, resumed = _start(training, signer)
    assert (again.id, resumed) == (job.id, True)
    jobs.run_job(job.id, app)
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "done"
    certs = db.session.scalars(sa.select(Certificate).order_by(Certificate.seq)).all()
    assert [(c.seq, c.registration_id) for c in certs] == [(i + 1, r.id) for i, r in enumerate(regs)]
    with pytest.raises(ValidationError, match="Tidak ada peserta yang memenuhi syarat"):
        _start(training, signer)  # nothing left to continue and nobody new: no job that finds nobody


def test_a_certificate_that_fails_to_render_is_reported_without_the_errors_own_text(app, db, monkeypatch):
    """The report names what failed and its kind; the exception's text (paths, settings) goes to the log only."""
    from bimtek.certificates.rendering import BatchRenderer

    training, signer = certificate_training(everyone_passes=True)
    regs = [make_registration(training) for _ in range(3)]
    broken = regs[1].nama_lengkap
    fast, full = BatchRenderer.render_fast, BatchRenderer.render_full

    def render_fast(self, person):
        return None if broken in str(person) else fast(self, person)

    def render_full(self, person):
        if broken in str(person):
            raise OSError(2, "No such file or directory", "/srv/bimtek/rahasia/font.ttf")
        return full(self, person)

    monkeypatch.setattr(BatchRenderer, "render_fast", render_fast)
    monkeypatch.setattr(BatchRenderer, "render_full", render_full)
    job, _ = _start(training, signer)
    jobs.run_job(job.id, app)
    db.session.expire_all()
    done = db.session.get(Job, job.id)
    assert done.status == "done" and done.result["issued"] == 2
    reason = done.result["skipped"][0]["reason"]
    assert reason == "gagal dibuat (FileNotFoundError)" and "/srv/bimtek" not in reason
    assert not any("/srv/bimtek" in text for text in done.result["errors"])
