"""Fixtures shared by the integration tests (the suite-wide ones are in tests/conftest.py)."""
import pytest

from bimtek import create_app
from bimtek.config import TestConfig
from bimtek.extensions import db, limiter


@pytest.fixture
def limited(app, tmp_path):
    """A second app with limits on and the default (database) store; restores the suite's app afterwards."""
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limited.sqlite3'}"
        DATA_DIR = str(tmp_path / "data")
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "bimtek+db://"

    limited_app = create_app(Config)
    with limited_app.app_context():
        db.create_all()
        yield limited_app
        db.session.remove()
        db.engine.dispose()
    limiter.init_app(app)  # the suite's app has limits off again


@pytest.fixture
def synchronous_jobs(app, monkeypatch):
    """Jobs run inside the request that starts them (the job has ended before the test looks)."""
    monkeypatch.setitem(app.config, "JOBS_SYNCHRONOUS", True)
