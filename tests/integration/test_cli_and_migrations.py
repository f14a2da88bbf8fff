"""CLI commands and Alembic migrations from an empty database (SQLite and PostgreSQL)."""
import logging
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bimtek import create_app
from bimtek.accounts.models import User
from bimtek.config import TestConfig
from bimtek.trainings.models import Training


def test_seed_demo_is_idempotent(runner, db):
    first = runner.invoke(args=["seed-demo", "--password", "sandi-demo-panjang"])
    assert first.exit_code == 0, first.output
    counts = _counts(db)
    second = runner.invoke(args=["seed-demo", "--password", "sandi-demo-panjang"])
    assert second.exit_code == 0, second.output
    assert _counts(db) == counts
    assert counts["training_roles"] == 4  # the first run already gives panitia the upcoming training too
    training = db.session.scalar(sa.select(Training).where(Training.code == "SPP2020"))
    assert len(training.sessions) == 6 and training.total_jp == 30 and training.dates_text == "21–23 Juli 2020"
    assert "21–23 Juli 2020" in first.output and "admin@dkpus.example.id" in first.output


def _counts(db):
    """Row counts of every table."""
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_create_admin(runner, db):
    result = runner.invoke(args=["create-admin", "--email", "Kadis@Example.id", "--name", "Kadis",
                                 "--password", "sandi-yang-panjang"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "kadis@example.id"))
    assert user.is_admin and user.password_hash.startswith("scrypt:")
    again = runner.invoke(args=["create-admin", "--email", "kadis@example.id", "--name", "K",
                                "--password", "sandi-yang-panjang"])
    assert again.exit_code != 0 and "sudah terdaftar" in again.output


@pytest.fixture
def empty_database(tmp_path, database_url):
    """An empty database: a SQLite file, or a fresh schema on the PostgreSQL server."""
    if not database_url:
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}", {}
        return
    schema = f"m_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield database_url, {"connect_args": {"options": f"-csearch_path={schema}"}}
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def test_migrations_build_the_schema_from_empty_and_match_models(empty_database, tmp_path):
    url, engine_options = empty_database

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = engine_options
        DATA_DIR = str(tmp_path / "data")

    app = create_app(Config)
    from flask_migrate import downgrade, upgrade

    from bimtek.extensions import db

    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), db.metadata)
        assert [d for d in diff if not _ignorable(d)] == []
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()
    # alembic's fileConfig silenced every logger that existed (the app's own) in the process that ran them
    assert not [name for name, logger in logging.Logger.manager.loggerDict.items()
                if name.startswith("bimtek") and getattr(logger, "disabled", False)]


def _ignorable(diff):
    # Alembic cannot reflect SQLite partial-index predicates; the index itself is compared.
    return isinstance(diff, tuple) and diff[0] in ("remove_index", "add_index") and \
        getattr(diff[1], "name", "") == "uq_registrations_active_email"
