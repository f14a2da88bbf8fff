"""The Zoom client secret never appears in a page, a log line, an export, the audit log, a job row, a backup
(listing or contents) or an error message — through the whole Zoom path: save, test, pull, failures, webhooks."""
import logging

import pytest

from bimtek.core.backup import create_backup
from bimtek.extensions import db as _db
from bimtek.jobs.models import Job
from tests.integration.test_zoom_app import connect, pull, setup, zoom_server  # noqa: F401 (fixtures)


@pytest.fixture
def every_log_line(caplog):
    caplog.set_level(logging.DEBUG)  # requests/urllib3/werkzeug/app loggers included
    return caplog


def test_client_secret_never_leaks(client, db, app, setup, zoom_server, every_log_line, tmp_path):  # noqa: F811
    training, _, _ = setup
    session = training.sessions[0]
    secret = zoom_server.zoom.client_secret
    base = f"/kelola/pelatihan/{training.id}"
    seen = []

    def visit(response):
        seen.append(response.get_data())
        return response

    visit(connect(client, training, zoom_server))
    visit(client.post(f"{base}/zoom/uji", follow_redirects=True))
    assert b"2 pertemuan" in visit(pull(client, training, session)).get_data()  # really pulled from the stand-in
    zoom_server.zoom.missing_scope = True
    visit(client.post(f"{base}/zoom/sesi/{training.sessions[1].id}/tarik", follow_redirects=True))
    zoom_server.zoom.missing_scope = False
    for path in ("/zoom", f"/kehadiran/sesi/{session.id}", "/kehadiran", "/kehadiran/ekspor.csv",
                 "/kehadiran/ekspor.xlsx", "/log"):
        response = visit(client.get(base + path))
        assert response.status_code == 200, path
    # A wrong secret typed later: the failure message does not echo it either.
    visit(connect(client, training, zoom_server, secret="typed-wrong-" + secret[::-1]))
    visit(client.post(f"{base}/zoom/uji", follow_redirects=True))
    assert b"kredensial" in seen[-1]
    for body in seen:
        assert secret.encode() not in body and secret[::-1].encode() not in body
    for record in every_log_line.records:
        assert secret not in record.getMessage() and secret[::-1] not in record.getMessage()
    for job in _db.session.query(Job).all():
        assert secret not in f"{job.message} {job.result} {job.params}"
    target = tmp_path / "cadangan"
    create_backup(_db.engine, app.config["DATA_DIR"], target)
    for path in target.rglob("*"):
        assert secret not in str(path)
        if path.is_file():
            data = path.read_bytes()
            assert secret.encode() not in data and secret[::-1].encode() not in data, path
