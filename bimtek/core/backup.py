"""Backup and restore: a consistent snapshot of the database and the file store in one folder.

Layout of a backup folder::

    manifest.json        what, when, which engine and schema revision
    database.sqlite3     SQLite: made with the online backup API (consistent while the app runs)
    database.dump        PostgreSQL: pg_dump --format=custom of the app's schema
    files/ outbox/       the content-addressed file store and the mail outbox copies

The database is copied first, the files after: a stored file is written before the row that refers to
it is committed and is never changed, so every file the database snapshot refers to is already there.
The backup is written to a temporary sibling folder and renamed at the end (no half-written backups).
"""
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump / pg_restore with fixed arguments, no shell
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from bimtek.core.errors import DomainError
from bimtek.core.filerefs import referenced_digests

FORMAT = 1
FOLDERS = ("files", "outbox")
SQLITE_NAME, PG_NAME, MANIFEST = "database.sqlite3", "database.dump", "manifest.json"


class BackupError(DomainError):
    """A backup or restore that cannot go on; the message says why, in Indonesian."""


def _is_empty_dir(path):
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _sqlite_path(url):
    path = url.database
    if not path or path == ":memory:":
        raise BackupError("Basis data SQLite di memori tidak dapat dicadangkan atau dipulihkan.")
    return Path(path)


def _libpq_url(url):
    """The SQLAlchemy URL as a libpq URI for pg_dump/pg_restore (driver name dropped)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command, what):
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=6 * 3600)  # nosec B603
    except FileNotFoundError:
        raise BackupError(f"{command[0]} tidak ditemukan; pasang paket postgresql-client.") from None
    if done.returncode != 0:
        raise BackupError(f"{what} gagal: {done.stderr.strip()[-1500:]}")


def _revision(connection):
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def create_backup(engine, data_dir, target):
    """Write a backup of the database behind `engine` and of `data_dir` into the new folder `target`."""
    target = Path(target)
    if not _is_empty_dir(target):
        raise BackupError(f"Folder cadangan {target} sudah berisi berkas; pilih folder yang kosong atau baru.")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        manifest = _dump_database(engine, work)
        manifest["files"] = _copy_folders(Path(data_dir), work)
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(work, target)  # an empty target folder is replaced atomically
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _dump_database(engine, work):
    url = engine.url
    with engine.connect() as connection:
        revision = _revision(connection)
        schema = connection.execute(sa.text("SELECT current_schema()")).scalar() if url.get_backend_name() \
            == "postgresql" else None
    manifest = {"format": FORMAT, "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "database": url.get_backend_name(), "revision": revision}
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{_sqlite_path(url)}?mode=ro", uri=True)
        copy = sqlite3.connect(work / SQLITE_NAME)
        try:
            with copy:
                source.backup(copy)  # the online backup API: a consistent snapshot while others write
        finally:
            copy.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        manifest["schema"] = schema
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--schema={schema}",
              f"--file={work / PG_NAME}", _libpq_url(url)], "pg_dump")
    else:
        raise BackupError(f"Basis data {url.get_backend_name()} belum didukung untuk pencadangan.")
    return manifest


def _copy_folders(data_dir, work):
    count = 0
    for name in FOLDERS:
        source = data_dir / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns(".tmp-*"))
            count += sum(1 for p in (work / name).rglob("*") if p.is_file())
    return count


def read_manifest(source):
    source = Path(source)
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"Folder {source} bukan cadangan bimtek (berkas {MANIFEST} tidak ada).")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"Berkas {path} rusak: bukan JSON yang sah.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format cadangan {manifest.get('format')!r} tidak dikenal (diharapkan {FORMAT}).")
    return manifest


def database_rows(engine):
    """How many tables of the target database hold rows (alembic_version not counted)."""
    inspector = sa.inspect(engine)
    filled = 0
    with engine.connect() as connection:
        for name in inspector.get_table_names():
            if name != "alembic_version" and connection.execute(
                    sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)).first():
                filled += 1
    return filled


def restore_backup(engine, data_dir, source, force=False):
    """Bring a backup back into the database behind `engine` and into `data_dir`; returns the manifest.

    Refuses a target database with data or a non-empty file store unless `force`.
    """
    source, data_dir = Path(source), Path(data_dir)
    manifest = read_manifest(source)
    backend = engine.url.get_backend_name()
    if manifest["database"] != backend:
        raise BackupError(f"Cadangan ini dari {manifest['database']}, sedangkan basis data tujuan {backend}; "
                          "pulihkan ke jenis basis data yang sama.")
    if not force:
        _check_empty_target(engine, data_dir)
    engine.dispose()
    if backend == "sqlite":
        _restore_sqlite(source / SQLITE_NAME, _sqlite_path(engine.url))
    else:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists", "--exit-on-error",
              "--single-transaction", f"--dbname={_libpq_url(engine.url)}", str(source / PG_NAME)], "pg_restore")
    for name in FOLDERS:
        if (source / name).is_dir():
            shutil.copytree(source / name, data_dir / name, dirs_exist_ok=True)
    engine.dispose()
    return manifest


def _check_empty_target(engine, data_dir):
    filled = database_rows(engine)
    if filled:
        raise BackupError(f"Basis data tujuan tidak kosong ({filled} tabel berisi data). Pulihkan ke basis data "
                          "kosong, atau tambahkan --force untuk menimpanya.")
    for name in FOLDERS:
        if not _is_empty_dir(data_dir / name):
            raise BackupError(f"Folder {data_dir / name} tidak kosong. Pulihkan ke folder data kosong, atau "
                              "tambahkan --force untuk menimpanya.")


def _restore_sqlite(backup_file, target):
    if not backup_file.is_file():
        raise BackupError(f"Berkas basis data {backup_file} tidak ada di cadangan.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()


def missing_files(connection, metadata, storage):
    """Digests the database refers to that the file store lacks (a restore drill's check)."""
    missing = []
    for digest in referenced_digests(connection, metadata):
        try:
            if not storage.exists(digest):
                missing.append(digest)
        except ValueError:  # not a digest at all: cannot be in the store
            missing.append(digest)
    return sorted(missing)
