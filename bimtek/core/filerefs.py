"""Which stored files the database still refers to; removing the ones it does not.

Every column that holds a file-store digest says so in its ``info`` (``STORED_FILE``), and JSON columns
name the keys that do (``stored_file_keys(...)``), so the checks here consult every such table without a
hand-kept list (tests/test_architecture.py fails on a digest column that says nothing).

* ``release_after_commit(session, digests)``: files a transaction stopped referring to are removed once it
  commits (never before: a rollback must find its files), unless another row still refers to them.
* ``collect_garbage``: the `flask gc-files` sweep over the whole store; only files older than
  ``min_age`` are touched, because a file is written before the row that refers to it is committed.
"""
import logging
import time

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
STORED_FILE = {"stored_file": True}
NOT_A_STORED_FILE = {"stored_file": False}
_INFO_KEY = "bimtek_release_files"


def stored_file_keys(*keys):
    """``info`` for a JSON column whose top-level ``keys`` hold digests of stored files."""
    return {"stored_file_keys": tuple(keys)}


def _references(metadata):
    """[(column, JSON key or None)] of every place that holds a stored file's digest."""
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if column.info.get("stored_file"):
                found.append((column, None))
            for key in column.info.get("stored_file_keys", ()):
                found.append((column, key))
    return found


def _value(column, key):
    return column if key is None else column[key].as_string()


def referenced_digests(connection, metadata):
    """The set of every digest some row refers to."""
    digests = set()
    for column, key in _references(metadata):
        value = _value(column, key)
        digests.update(d for d in connection.execute(sa.select(value).where(value.is_not(None)).distinct())
                       .scalars() if d)
    return digests


def is_referenced(connection, metadata, digest):
    """True when any row refers to this digest."""
    for column, key in _references(metadata):
        value = _value(column, key)
        if connection.execute(sa.select(sa.literal(1)).where(value == digest).limit(1)).first():
            return True
    return False


def release_after_commit(session, storage, metadata, digests):
    """Remove these files after the session's transaction commits, if nothing refers to them then."""
    pending = session.info.setdefault(_INFO_KEY, [])
    pending.append((storage, metadata, set(digests), time.time()))


@event.listens_for(Session, "after_commit")
def _release_committed(session):
    pending = session.info.pop(_INFO_KEY, None)
    if not pending:
        return
    # The committed session cannot run SQL in this hook; a connection of its own can. The commit has
    # happened: a failure here only leaves a file for gc-files, it must not turn into an error page.
    try:
        with session.get_bind().connect() as connection:
            for storage, metadata, digests, since in pending:
                for digest in digests:
                    # A file written again after we started (someone uploads the same bytes now) stays.
                    if not is_referenced(connection, metadata, digest) and storage.modified_at(digest) < since:
                        storage.remove(digest)
    except Exception:  # noqa: BLE001
        log.exception("berkas yang tidak dirujuk lagi tidak dapat dihapus; jalankan gc-files")


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session):
    session.info.pop(_INFO_KEY, None)


def collect_garbage(storage, connection, metadata, min_age=3600, dry_run=False, now=None):
    """Remove (or with dry_run only list) stored files no row refers to; returns [(digest, size)].

    Leftover temporary files of interrupted writes older than ``min_age`` go too.
    """
    referenced = referenced_digests(connection, metadata)
    cutoff = (now or time.time()) - min_age
    removed = []
    for name, path, modified, size in storage.entries():
        if name in referenced or modified > cutoff:
            continue
        removed.append((name, size))
        if not dry_run:
            path.unlink(missing_ok=True)
    return removed


def release_files(digests):
    """Glue for services: the current app's store and tables; see release_after_commit."""
    from bimtek.core.storage import app_storage  # glue for services: the rest of this module
    from bimtek.extensions import db  # is used by backups and restore drills without an app

    digests = {d for d in digests if d}
    if digests:
        release_after_commit(db.session, app_storage(), db.metadata, digests)
