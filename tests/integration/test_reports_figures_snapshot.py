"""The report page of a training too big to compute its figures in the request: the figures come from the last
job that computed them (the figures job, or a DOCX/PDF build), shown with the time they were computed and a
button to compute them again; never without saying when they were computed."""
import re

import pytest
import sqlalchemy as sa

from bimtek.jobs.models import Job
from bimtek.reports import services
from bimtek.reports.services import figures
from tests.factories import make_registration, make_staff, make_training


@pytest.fixture
def big(app, monkeypatch):
    """Every training counts as too big for its figures (and files) in the request itself."""
    monkeypatch.setitem(app.config, "REPORT_FIGURES_INLINE_MAX", 0)
    monkeypatch.setitem(app.config, "REPORT_INLINE_MAX_ROWS", 0)


def _base(training):
    return f"/kelola/pelatihan/{training.id}/laporan"


def _figure(page, name):
    found = re.search(rf'data-figure="{name}">([^<]*)<', page)
    return found and found.group(1).strip()


def test_a_big_training_shows_the_figures_of_the_last_computation_with_its_time(db, client, login_as,
                                                                                synchronous_jobs, big):
    training = make_training(materi_jp=(3,))
    make_registration(training)
    login_as(make_staff(training, "panitia"))
    page = client.get(_base(training)).get_data(as_text=True)
    assert "Angka laporan belum dihitung" in page and _figure(page, "registered") is None
    assert _base(training) + "/angka/hitung" in page

    response = client.post(_base(training) + "/angka/hitung")
    assert response.status_code == 303 and response.headers["Location"].endswith(_base(training))
    job = db.session.scalar(sa.select(Job).where(Job.kind == "reports.figures"))
    assert job.status == "done" and job.training_id == training.id
    page = client.get(_base(training)).get_data(as_text=True)
    assert _figure(page, "registered") == "1" and "Angka dihitung" in page and "WIB" in page
    assert "Hitung ulang" in page
    assert "Angka laporan kegiatan" in client.get(f"/kelola/pekerjaan/{job.id}").get_data(as_text=True)

    make_registration(training, name="Peserta Kedua")  # the data change after the computation
    page = client.get(_base(training)).get_data(as_text=True)
    assert _figure(page, "registered") == "1" and "Angka dihitung" in page  # old figures, with their time
    client.post(_base(training) + "/angka/hitung")
    page = client.get(_base(training)).get_data(as_text=True)
    assert _figure(page, "registered") == "2"


def test_the_stored_figures_equal_the_reports(db, client, login_as, synchronous_jobs, big):
    training = make_training(materi_jp=(3,))
    make_registration(training)
    make_registration(training, name="Peserta Kedua")
    login_as(make_staff(training, "panitia"))
    client.post(_base(training) + "/angka/hitung")
    job = db.session.scalar(sa.select(Job).where(Job.kind == "reports.figures"))
    assert job.result["figures"] == figures.page_figures(services.build_report(training, sheets=False))


def test_a_report_build_refreshes_the_figures_and_a_later_change_marks_the_file(db, client, login_as,
                                                                                synchronous_jobs, big):
    training = make_training(materi_jp=(3,))
    make_registration(training)
    login_as(make_staff(training, "panitia"))
    client.post(_base(training) + "/pdf/buat")
    page = client.get(_base(training)).get_data(as_text=True)
    assert _figure(page, "registered") == "1" and "Tidak terkini" not in page  # the build computed them
    make_registration(training, name="Peserta Kedua")
    assert "Tidak terkini" not in client.get(_base(training)).get_data(as_text=True)  # not yet known
    client.post(_base(training) + "/angka/hitung")
    page = client.get(_base(training)).get_data(as_text=True)
    assert _figure(page, "registered") == "2" and "Tidak terkini" in page


def test_a_small_training_computes_its_figures_in_the_request(db, client, login_as):
    training = make_training(materi_jp=(3,))
    make_registration(training)
    login_as(make_staff(training, "panitia"))
    page = client.get(_base(training)).get_data(as_text=True)
    assert _figure(page, "registered") == "1" and "Hitung ulang" not in page and "Angka dihitung" not in page


def test_computing_needs_the_roster_duty(db, client, login_as, big):
    training = make_training(materi_jp=(3,))
    login_as(make_staff(training, "reviewer"))
    assert client.post(_base(training) + "/angka/hitung").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_computing_needs_a_csrf_token(db, csrf_app, big):
    from tests.factories import sign_in

    training = make_training(materi_jp=(3,))
    client = csrf_app.test_client()
    sign_in(client, make_staff(training, "panitia"))
    assert client.post(_base(training) + "/angka/hitung").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0
