"""gunicorn preload (gunicorn.conf.py + bimtek.prefork): the master compiles every template once and keeps no
watchdog thread or database connection for the workers to inherit; templates are never re-read per request."""
import gc
import threading

from flask import Flask

from bimtek import prefork
from bimtek.jobs import watchdog


def test_before_fork_compiles_templates_and_leaves_nothing_to_inherit(app):
    watchdog.start(app)
    try:
        prefork.before_fork(app)
    finally:
        gc.unfreeze()
    names = {thread.name for thread in threading.enumerate()}
    assert "bimtek-job-watchdog" not in names
    cached = {key[1] for key in app.jinja_env.cache.keys()}
    assert {"base.html", "certificates/verify.html", "registration/register.html",
            "emails/registration_status.txt"} <= cached
    assert app.jinja_env.auto_reload is False  # production and tests: compiled templates are reused as they are


def test_after_fork_starts_this_process_watchdog(app):
    app.config["JOBS_WATCHDOG"], app.config["TESTING"] = True, False
    try:
        prefork.after_fork(app)
        assert any(thread.name == "bimtek-job-watchdog" for thread in threading.enumerate())
    finally:
        watchdog.stop(app)
        app.config["JOBS_WATCHDOG"], app.config["TESTING"] = False, True


def test_other_apps_are_left_alone():
    assert not prefork.is_bimtek(Flask("bare"))


def test_the_app_factory_configures_every_mapper(app):
    """Mapper configuration takes a process-wide lock; done lazily by a watchdog thread's first query, an RQ
    work-horse forked at that moment inherited the lock held and hung (bimtek.core.forking has the story)."""
    from bimtek.extensions import db

    assert not db.Model.registry._new_mappers
