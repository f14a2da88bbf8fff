"""The certificate page tells the truth a new organizer relies on (issue 14): the bulk button's count is what
the job will issue, a job with nothing to do is refused, the page refreshes after the job, one error per field."""
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from bimtek.accounts.models import Role
from bimtek.certificates import services
from bimtek.certificates.models import Certificate
from bimtek.jobs.models import Job
from tests.factories import make_registration, make_user
from tests.integration.certificate_helpers import certificate_training

BULK_LABEL = re.compile(r"Terbitkan semua yang memenuhi syarat \((\d+)\)")


def _page(client, training):
    return client.get(f"/kelola/pelatihan/{training.id}/sertifikat").get_data(as_text=True)


def _ready_fact(page):
    return int(re.search(r"Siap diterbitkan</dt><dd>(\d+)</dd>", page).group(1))


def test_the_bulk_count_is_exactly_what_the_job_issues_after_a_revocation(app, db, client, login_as):
    training, signer = certificate_training(everyone_passes=True)
    regs = [make_registration(training) for _ in range(5)]
    first = [services.issue_certificate(signer, reg) for reg in regs[:2]]
    db.session.commit()
    services.revoke_certificate(signer, first[0], "Salah nama")
    db.session.commit()
    login_as(signer)
    page = _page(client, training)
    shown = int(BULK_LABEL.search(page).group(1))
    assert _ready_fact(page) == shown
    app.config["JOBS_SYNCHRONOUS"] = True
    try:
        client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan-semua")
        job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
        db.session.expire_all()
        assert job.status == "done" and job.result["issued"] == shown == 3
        after = _page(client, training)
        assert not BULK_LABEL.search(after) and _ready_fact(after) == 0
        response = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan-semua", follow_redirects=True)
        assert "Tidak ada peserta yang memenuhi syarat dan belum memiliki sertifikat" in response.get_data(as_text=True)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1  # no "0 dari 0" job
    finally:
        app.config["JOBS_SYNCHRONOUS"] = False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 5


def test_the_ready_filter_lists_exactly_the_bulk_targets(db, client, login_as):
    training, signer = certificate_training(everyone_passes=True)
    regs = [make_registration(training) for _ in range(3)]
    cert = services.issue_certificate(signer, regs[0])
    db.session.commit()
    services.revoke_certificate(signer, cert, "Salah nama")
    db.session.commit()
    login_as(signer)
    page = client.get(f"/kelola/pelatihan/{training.id}/sertifikat?status=siap").get_data(as_text=True)
    assert regs[0].nama_lengkap not in page
    assert regs[1].nama_lengkap in page and regs[2].nama_lengkap in page
    # the revoked participant may still get a new certificate one by one, but is not offered for the bulk selection
    full = _page(client, training)
    assert f'name="registration_id" value="{regs[0].id}"' not in full
    assert f'name="registration_id" value="{regs[1].id}"' in full


def test_a_running_bulk_job_refreshes_the_page_when_it_finishes(app, db, client, login_as):
    from bimtek.certificates import tasks
    from bimtek.jobs import services as jobs

    training, signer = certificate_training(everyone_passes=True)
    for _ in range(2):
        make_registration(training)
    job, _ = tasks.start_bulk_issue(signer, training)
    db.session.commit()
    login_as(signer)
    running = _page(client, training)
    box = re.search(r'<div class="job-progress"[^>]*>', running).group(0)
    assert f'data-url="/kelola/pekerjaan/{job.id}.json"' in box and "data-reload-when-done" in box
    assert "data-finished" not in box and not BULK_LABEL.search(running)  # no second start while it runs
    assert "js/progress.js" in running
    script = (app.static_folder + "/js/progress.js")
    with open(script, encoding="utf-8") as handle:
        source = handle.read()
    assert "data-reload-when-done" in source and "location.reload" in source  # the poller refreshes the page
    jobs.run_job(job.id, app)
    db.session.expire_all()
    assert client.get(f"/kelola/pekerjaan/{job.id}.json").get_json()["finished"] is True
    after = _page(client, training)
    assert 'data-finished="1"' in after and "Sertifikat sah</dt><dd>2</dd>" in after and _ready_fact(after) == 0


def test_the_number_format_never_breaks_inside_a_placeholder(db, client, login_as):
    training, signer = certificate_training()
    login_as(signer)
    page = _page(client, training)
    facts = page[page.index("Format nomor"):page.index("Penandatangan</dt>")]
    assert '<code class="placeholder">{nomor}</code>' in facts and '<code class="placeholder">{tahun}</code>' in facts
    assert "<wbr>" in facts and "{t<" not in facts
    css = (Path(__file__).resolve().parents[2] / "static/css/app.css").read_text(encoding="utf-8")
    assert ".number-format code.placeholder { white-space: nowrap;" in css


def test_a_flash_after_a_name_with_a_degree_ends_with_one_full_stop(db, client, login_as):
    training, signer = certificate_training(everyone_passes=True)
    registration = make_registration(training, name="Budi Santoso, S.Kom.")
    login_as(signer)
    page = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/terbitkan/{registration.id}",
                       follow_redirects=True).get_data(as_text=True)
    assert "diterbitkan untuk Budi Santoso, S.Kom." in page and "S.Kom.." not in page


def test_an_empty_revocation_reason_is_said_once(db, client, login_as):
    training, signer = certificate_training(everyone_passes=True)
    cert = services.issue_certificate(signer, make_registration(training))
    db.session.commit()
    login_as(signer)
    page = client.post(f"/kelola/pelatihan/{training.id}/sertifikat/{cert.id}/cabut", data={"reason": "  "},
                       follow_redirects=True).get_data(as_text=True)
    assert page.count("Alasan pencabutan wajib diisi") == 1
    assert db.session.get(Certificate, cert.id).is_valid


@pytest.mark.parametrize("url", ["/kelola/pelatihan/{id}/sertifikat/pengaturan",
                                 "/kelola/pelatihan/{id}/pengumuman/"])
def test_a_rerendered_form_shows_each_error_once_at_its_field(db, client, login_as, url):
    training, _signer = certificate_training()
    login_as(make_user(Role.ADMIN))
    page = client.post(url.format(id=training.id), data={"number_template": "", "subject": "", "body": ""},
                       follow_redirects=True).get_data(as_text=True)
    inline = re.findall(r'<p class="error">([^<]+)</p>', page)
    assert inline  # the form came back with its errors at the fields
    for message in set(inline):
        assert page.count(message) == inline.count(message), message  # not flashed a second time above
