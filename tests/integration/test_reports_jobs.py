"""Laporan kegiatan as a background job: the button starts a job (a small training gets its file at once), the job
stores one current file per training and format (replaced on rebuild, files before rows), downloads are checked
like the report itself, a stale file says so with its build time, a failure says why in Indonesian, and the
watchdog resumes a job whose worker died."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from docx import Document

from bimtek.accounts.models import Role
from bimtek.core.models import now_utc
from bimtek.core.storage import app_storage
from bimtek.jobs import services as jobs
from bimtek.jobs.models import Job
from bimtek.reports import tasks
from bimtek.reports.models import Letterhead, ReportFile
from tests.factories import make_registration, make_staff, make_training, make_user


@pytest.fixture
def big(app, monkeypatch):
    """Every training counts as too big for a file in the request itself."""
    monkeypatch.setitem(app.config, "REPORT_INLINE_MAX_ROWS", 0)


def _base(training):
    return f"/kelola/pelatihan/{training.id}/laporan"


def _stored(db, training, fmt):
    db.session.expire_all()
    return db.session.scalar(sa.select(ReportFile).where(ReportFile.training_id == training.id,
                                                         ReportFile.fmt == fmt))


def test_the_button_starts_a_job_that_stores_the_file_for_download(db, client, login_as, synchronous_jobs, big):
    training = make_training(materi_jp=(3,))
    reg = make_registration(training)
    login_as(make_staff(training, "panitia"))
    response = client.post(_base(training) + "/pdf/buat")
    job = db.session.scalar(sa.select(Job).where(Job.kind == "reports.pdf"))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/kelola/pekerjaan/{job.id}")
    db.session.refresh(job)
    assert job.status == "done" and job.training_id == training.id and job.total == job.done == tasks.STEPS
    stored = _stored(db, training, "pdf")
    assert stored.job_id == job.id and app_storage().exists(stored.sha256)
    page = client.get(f"/kelola/pekerjaan/{job.id}").get_data(as_text=True)
    assert "Unduh laporan (PDF)" in page and _base(training) + "/pdf/berkas" in page
    assert "Laporan kegiatan (PDF)" in page and "Kembali ke laporan" in page
    download = client.get(_base(training) + "/pdf/berkas")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Content-Disposition"] == f'attachment; filename="laporan-kegiatan-{training.code}.pdf"'
    assert download.headers["Cache-Control"] == "no-store"
    report_page = client.get(_base(training)).get_data(as_text=True)
    assert "Dibuat" in report_page and "WIB" in report_page and "Data pelatihan berubah" not in report_page

    docx = client.post(_base(training) + "/docx/buat")  # the other format is a job of its own
    assert docx.status_code == 303
    file = client.get(_base(training) + "/docx/berkas")
    assert any(reg.nama_lengkap in c.text for t in Document(io.BytesIO(file.data)).tables for r in t.rows
               for c in r.cells)


def test_a_small_training_gets_its_file_at_once(db, client, login_as):
    training = make_training(materi_jp=(3,))
    make_registration(training)
    login_as(make_staff(training, "panitia"))
    response = client.post(_base(training) + "/docx/buat")
    assert response.status_code == 303 and response.headers["Location"].endswith(_base(training) + "/docx/berkas")
    job = db.session.scalar(sa.select(Job).where(Job.kind == "reports.docx"))
    assert job.status == "done"
    assert client.get(response.headers["Location"]).data.startswith(b"PK")


def test_the_old_address_builds_a_small_report_and_sends_a_big_one_to_the_job(db, client, login_as, app,
                                                                               monkeypatch):
    training = make_training(materi_jp=(3,))
    make_registration(training)
    login_as(make_staff(training, "panitia"))
    assert client.get(_base(training) + ".pdf").data.startswith(b"%PDF")  # bookmarks and scripts keep working
    monkeypatch.setitem(app.config, "REPORT_INLINE_MAX_ROWS", 0)
    moved = client.get(_base(training) + ".pdf")
    assert moved.status_code == 303 and moved.headers["Location"].endswith(_base(training))
    running = jobs.enqueue_exclusive("reports.pdf", None, training.id)
    db.session.commit()
    to_job = client.get(_base(training) + ".pdf")
    assert to_job.status_code == 303 and to_job.headers["Location"].endswith(f"/kelola/pekerjaan/{running.id}")
    again = client.post(_base(training) + "/pdf/buat", follow_redirects=True)  # no second job beside it
    assert "sedang dibuat" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1


def test_downloads_need_the_roster_duty(db, client, login_as, synchronous_jobs, big):
    training = make_training(materi_jp=(3,))
    participant = make_registration(training)
    panitia = make_staff(training, "panitia")
    login_as(panitia)
    client.post(_base(training) + "/pdf/buat")
    url = _base(training) + "/pdf/berkas"
    for user in (panitia, make_user(Role.ADMIN)):
        login_as(user)
        assert client.get(url).status_code == 200
    for user in (participant.user, make_user(Role.STAFF), make_staff(training, "reviewer")):
        login_as(user)
        assert client.get(url).status_code == 403
        assert client.post(_base(training) + "/pdf/buat").status_code == 403
    job = db.session.scalar(sa.select(Job))
    assert "Unduh laporan" not in client.get(f"/kelola/pekerjaan/{job.id}").get_data(as_text=True)  # the reviewer
    login_as(panitia)
    assert client.get(_base(training) + "/docx/berkas").status_code == 404  # never built
    other = make_training()
    assert client.get(_base(other) + "/pdf/berkas").status_code == 403  # not this panitia's training
    assert client.get("/kelola/pelatihan/999999/laporan/pdf/berkas").status_code == 404
    anonymous = client.application.test_client()
    assert anonymous.get(url).status_code in (302, 401)


def test_a_rebuild_replaces_the_file_and_marks_nothing_stale(db, client, login_as, synchronous_jobs, big):
    training = make_training(materi_jp=(3,))
    make_registration(training, name="Peserta Pertama")
    login_as(make_staff(training, "panitia"))
    client.post(_base(training) + "/docx/buat")
    first = _stored(db, training, "docx")
    old_digest, old_time = first.sha256, first.built_at
    make_registration(training, name="Peserta Kedua")  # the report's figures change
    page = client.get(_base(training)).get_data(as_text=True)
    assert "Data pelatihan berubah setelah berkas ini dibuat" in page
    client.post(_base(training) + "/docx/buat")
    second = _stored(db, training, "docx")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportFile)) == 1
    assert second.sha256 != old_digest and second.built_at >= old_time
    assert not app_storage().exists(old_digest)  # the replaced file is gone once the new row committed
    text = [c.text for t in Document(io.BytesIO(client.get(_base(training) + "/docx/berkas").data)).tables
            for r in t.rows for c in r.cells]
    assert "Peserta Kedua" in text
    assert "Data pelatihan berubah" not in client.get(_base(training)).get_data(as_text=True)


def test_the_build_needs_a_csrf_token(csrf_app, db):
    training = make_training(materi_jp=(3,))
    client = csrf_app.test_client()
    from tests.factories import sign_in

    sign_in(client, make_staff(training, "panitia"))
    assert client.post(_base(training) + "/pdf/buat").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_a_failed_build_says_why_in_indonesian(db, client, login_as, synchronous_jobs, big):
    training = make_training(materi_jp=(3,))
    make_registration(training)
    db.session.add(Letterhead(organizer_unit=training.organizer_unit, unit_name="Dinas", logo=b"bukan gambar",
                              logo_mime="image/png"))  # bytes that slipped past the upload check
    db.session.commit()
    login_as(make_staff(training, "panitia"))
    response = client.post(_base(training) + "/docx/buat", follow_redirects=True)
    job = db.session.scalar(sa.select(Job).where(Job.kind == "reports.docx"))
    db.session.refresh(job)
    assert job.status == "failed" and job.message.startswith("Laporan DOCX tidak dapat dibuat: logo pada kop surat")
    page = response.get_data(as_text=True)
    assert page.count("Laporan DOCX tidak dapat dibuat") == 1 and "Unggah ulang logo" in page
    assert 'class="alert alert-danger small" role="alert"' in page and "Unduh laporan" not in page
    assert _stored(db, training, "docx") is None


def test_an_unexpected_failure_names_its_kind_but_not_its_server_details(db, client, login_as, synchronous_jobs,
                                                                         big, monkeypatch):
    from bimtek.reports.services import files

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device", "/srv/bimtek/data/files/ab/rahasia")

    monkeypatch.setattr(files, "store_file", full_disk)
    training = make_training(materi_jp=(3,))
    make_registration(training)
    login_as(make_staff(training, "panitia"))
    page = client.post(_base(training) + "/pdf/buat", follow_redirects=True).get_data(as_text=True)
    assert "Laporan PDF tidak dapat dibuat: berkas tidak dapat disimpan di server (OSError)" in page
    assert "/srv/bimtek" not in page and "No space left" not in page


def test_the_watchdog_resumes_a_report_job_whose_worker_died(app, db, synchronous_jobs):
    training = make_training(materi_jp=(3,))
    make_registration(training)
    job = jobs.enqueue_exclusive("reports.pdf", None, training.id)
    job.status, job.attempts, job.heartbeat_at = "running", 1, now_utc() - timedelta(hours=1)
    db.session.commit()
    assert jobs.resume_unfinished(app) == 1
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "done"
    assert _stored(db, training, "pdf").job_id == job.id


def test_the_file_list_in_english_and_a_file_built_in_indonesian_is_not_stale(db, client, login_as, synchronous_jobs,
                                                                              big):
    training = make_training(materi_jp=(3,))
    make_registration(training)
    login_as(make_staff(training, "panitia"))
    client.post(_base(training) + "/pdf/buat")  # the job writes the figures in Indonesian, whoever asks
    client.post("/bahasa/en", data={"next": "/"})
    page = client.get(_base(training)).get_data(as_text=True)
    assert "Build report (PDF)" in page and "Download report (PDF)" in page and "Built " in page
    assert "Out of date" not in page and "Not built yet." in page  # the DOCX


def test_erasing_a_participants_data_drops_the_stored_reports(db, client, login_as, synchronous_jobs, big):
    from bimtek.registration.services import privacy

    training = make_training(materi_jp=(3,))
    reg = make_registration(training, name="Siti Rahasia")
    login_as(make_staff(training, "panitia"))
    client.post(_base(training) + "/pdf/buat")
    digest = _stored(db, training, "pdf").sha256
    privacy.anonymize(None, reg)
    db.session.commit()
    assert _stored(db, training, "pdf") is None and not app_storage().exists(digest)
    assert client.get(_base(training) + "/pdf/berkas").status_code == 404


def test_data_erased_while_the_report_is_built_never_lands_in_the_stored_file(db, client, login_as, synchronous_jobs,
                                                                            big, monkeypatch):
    """An anonymisation that commits while the job renders (another request, another connection) must not leave
    the participant's name in the file the job stores after it: the job notices and builds again."""
    from bimtek.registration.models import Registration
    from bimtek.reports.services import output

    training = make_training(materi_jp=(3,))
    reg = make_registration(training, name="Siti Rahasia")
    login_as(make_staff(training, "panitia"))
    render, calls = output.report_docx, []

    def render_while_erased(training_arg, report):
        calls.append(1)
        if len(calls) == 1:  # the organizer erases the participant's data in another request, mid-render
            with db.engine.begin() as other:
                other.execute(sa.update(Registration).where(Registration.id == reg.id).values(
                    nama_lengkap="(data dihapus)", anonymized_at=now_utc()))
        return render(training_arg, report)

    monkeypatch.setattr(output, "report_docx", render_while_erased)
    client.post(_base(training) + "/docx/buat")
    job = db.session.scalar(sa.select(Job).where(Job.kind == "reports.docx"))
    db.session.refresh(job)
    assert job.status == "done" and len(calls) == 2
    text = [c.text for t in Document(io.BytesIO(client.get(_base(training) + "/docx/berkas").data)).tables
            for r in t.rows for c in r.cells]
    assert not any("Siti Rahasia" in cell for cell in text) and any("(data dihapus)" in cell for cell in text)


def test_a_report_job_that_keeps_seeing_data_erased_stops_with_a_clear_message(db, client, login_as, synchronous_jobs,
                                                                              big, monkeypatch):
    from bimtek.registration.models import Registration
    from bimtek.reports.services import output

    training = make_training(materi_jp=(3,))
    regs = [make_registration(training, name=f"Peserta {i}") for i in range(4)]
    login_as(make_staff(training, "panitia"))
    render, erased = output.report_pdf, iter(regs)

    def render_while_erased(training_arg, report):
        with db.engine.begin() as other:  # every build sees one more participant erased
            other.execute(sa.update(Registration).where(Registration.id == next(erased).id).values(
                anonymized_at=now_utc()))
        return render(training_arg, report)

    monkeypatch.setattr(output, "report_pdf", render_while_erased)
    page = client.post(_base(training) + "/pdf/buat", follow_redirects=True).get_data(as_text=True)
    job = db.session.scalar(sa.select(Job).where(Job.kind == "reports.pdf"))
    db.session.refresh(job)
    assert job.status == "failed" and "data peserta dihapus" in job.message and "data peserta dihapus" in page
    assert _stored(db, training, "pdf") is None
