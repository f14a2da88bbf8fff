"""The verify page kept in memory by several gunicorn workers (gunicorn.conf.py: preload, sync workers): a change
made in the database is on the very next page in every worker, and every scan has its log row."""
import subprocess  # nosec B404  # starts gunicorn from this venv with fixed arguments

import requests
import sqlalchemy as sa

from bimtek.certificates import services
from bimtek.certificates.models import Certificate, Verification
from tests.integration.certificate_helpers import certificate_training, eligible_registration
from tests.integration.processes import BIN, ROOT, free_port, kill_group, process_env, wait_http

SCANS = 24  # per round, each on a new connection, so that both workers answer some


def _scan(port, code):
    response = requests.get(f"http://127.0.0.1:{port}/v/{code}", headers={"Connection": "close"}, timeout=60)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    return response.text


def test_a_change_in_the_database_is_on_the_next_page_of_every_worker(app, db, tmp_path):
    training, signer = certificate_training()
    cert = services.issue_certificate(signer, eligible_registration(training, email="p0@example.id"))
    db.session.commit()
    code, cert_id = cert.code, cert.id
    port = free_port()
    command = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "-w", "2", "-b", f"127.0.0.1:{port}",
               "--chdir", str(ROOT), "--log-level", "warning", "wsgi:app"]
    with open(tmp_path / "gunicorn.log", "ab") as log:
        server = subprocess.Popen(command, env=process_env(app), cwd=ROOT, stdout=log,  # nosec B603
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(port, server)
        first = [_scan(port, code) for _ in range(SCANS)]
        assert all("Sertifikat sah." in page for page in first) and len(set(first)) == 1
        with db.engine.begin() as conn:  # as someone at the database would: no app involved
            conn.execute(sa.update(Certificate.__table__).where(Certificate.__table__.c.id == cert_id)
                         .values(status="revoked", revoked_reason="Dicabut di basis data"))
        after = [_scan(port, code) for _ in range(SCANS)]
        assert all("Sertifikat dicabut." in page and "Dicabut di basis data" in page for page in after)
    finally:
        kill_group(server)
    logged = db.session.scalar(sa.select(sa.func.count()).select_from(Verification)
                               .where(Verification.certificate_id == cert_id))
    assert logged == 2 * SCANS
