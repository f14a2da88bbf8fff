"""Issue 11, findings 3 and 4: rate limits hold across 4 real gunicorn worker processes, without Redis (the
database store) and with Redis; the per-recipient sign-in mail budget holds under a flood of repeats."""
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from bimtek import create_app
from bimtek.config import TestConfig
from bimtek.mail.models import OutboxMessage
from bimtek.registration.models import Registration
from tests.integration import processes
from tests.integration.registration_helpers import form, open_training

REDIS_URL = "redis://127.0.0.1:6379/12"
pytestmark = pytest.mark.slow


def _database(tmp_path):
    """(URL for the server, cleanup): a fresh SQLite file, or a fresh schema on PostgreSQL."""
    pg = os.environ.get("TEST_DATABASE_URL")
    if not pg:
        return f"sqlite:///{tmp_path / 'workers.sqlite3'}", lambda: None
    schema = f"w_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(pg)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    return f"{pg}?options=-csearch_path%3D{schema}", drop


def _seed(url, data_dir):
    """Schema + one open training, written through the app itself; returns the training id."""
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        DATA_DIR = str(data_dir)

    app = create_app(Config)
    from bimtek.extensions import db

    with app.app_context():
        db.create_all()
        training_id = open_training(code="LIM").id
        db.session.remove()
        db.engine.dispose()
    return training_id


@pytest.fixture(scope="module", params=["database", "redis"])
def server(request, tmp_path_factory):
    """gunicorn -w 4 (the README's production recipe) on a free port, behind one trusted proxy hop."""
    if request.param == "redis":
        redis = pytest.importorskip("redis").Redis.from_url(REDIS_URL)
        try:
            redis.flushdb()
        except Exception:  # noqa: BLE001 - no Redis on this machine
            pytest.skip("Redis at 127.0.0.1:6379 is not available")
    tmp_path = tmp_path_factory.mktemp(f"workers-{request.param}")
    url, cleanup = _database(tmp_path)
    training_id = _seed(url, tmp_path / "data")
    port = processes.free_port()
    env = {**os.environ, "SECRET_KEY": "workers-test-" + uuid.uuid4().hex, "DATABASE_URL": url,
           "BIMTEK_DATA_DIR": str(tmp_path / "data"), "BASE_URL": f"http://127.0.0.1:{port}", "TRUSTED_PROXIES": "1"}
    env.pop("REDIS_URL", None)
    env.pop("BIMTEK_DEMO", None)
    if request.param == "redis":
        env["REDIS_URL"] = REDIS_URL
    process = processes.start_gunicorn(env, port, tmp_path / "gunicorn.log", workers=4)
    try:
        processes.wait_http(port, process)
        yield {"base": f"http://127.0.0.1:{port}", "training_id": training_id, "url": url}
    finally:
        processes.stop_group(process)
        cleanup()


def _form_session(base, training_id, client_ip):
    """A browser session with its CSRF token (production config: CSRF on)."""
    browser = requests.Session()
    browser.headers["X-Forwarded-For"] = client_ip
    page = browser.get(f"{base}/pelatihan/{training_id}/daftar").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    return browser, token


def _post_many(base, training_id, client_ip, emails):
    # Each worker thread its own browser (requests.Session is not thread-safe), all from one client address.
    def post(email):
        browser, token = _form_session(base, training_id, client_ip)
        return browser.post(f"{base}/pelatihan/{training_id}/daftar", data={**form(email=email), "csrf_token": token},
                            allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(post, emails))


def _count(url, statement):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(statement).scalar()
    finally:
        engine.dispose()


def test_registration_limit_is_shared_by_all_workers(server):
    codes = _post_many(server["base"], server["training_id"], "203.0.113.10",
                       [f"orang{n}@example.id" for n in range(90)])
    # "60 per minute" per client address, counted once for all four workers.
    assert codes.count(302) == 60 and codes.count(429) == 30, sorted(codes)
    registrations = _count(server["url"], sa.select(sa.func.count(Registration.id)))
    assert registrations == 60


def test_repeat_registrations_cannot_flood_a_mailbox(server):
    codes = _post_many(server["base"], server["training_id"], "203.0.113.20", ["korban@example.id"] * 30)
    assert codes == [302] * 30  # every answer looks like a fresh registration
    mails = _count(server["url"], sa.select(sa.func.count(OutboxMessage.id))
                   .where(OutboxMessage.recipient == "korban@example.id"))
    # The first attempt registers (its status mail), two more attempts may mail a sign-in link; then silence.
    assert mails == 3, mails
