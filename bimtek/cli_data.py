"""CLI commands that look after the data: backup, restore and the file-store garbage collector."""
from pathlib import Path

import click
from flask import current_app

from bimtek.core.backup import BackupError, create_backup, missing_files, restore_backup
from bimtek.core.commands import OneLineCommand
from bimtek.core.filerefs import collect_garbage
from bimtek.core.storage import app_storage
from bimtek.extensions import db


def register(app):
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(gc_files)


@click.command("backup", cls=OneLineCommand)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup(directory):
    """Write a consistent backup of the database and the file store into a new, empty DIRECTORY."""
    try:
        manifest = create_backup(db.engine, current_app.config["DATA_DIR"], directory)
    except BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Cadangan selesai: {directory} (basis data {manifest['database']}, revisi {manifest['revision']}, "
               f"{manifest['files']} berkas).")


@click.command("restore", cls=OneLineCommand)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Timpa basis data dan folder data yang tidak kosong.")
def restore(directory, force):
    """Bring a backup made by `backup` back into the configured database and DATA_DIR."""
    try:
        manifest = restore_backup(db.engine, current_app.config["DATA_DIR"], directory, force=force)
    except BackupError as error:
        raise click.ClickException(error.message) from None
    with db.engine.connect() as connection:
        missing = missing_files(connection, db.metadata, app_storage())
    click.echo(f"Pemulihan selesai dari {directory} (cadangan {manifest['created_at']}, revisi "
               f"{manifest['revision']}). Jalankan `flask --app bimtek db upgrade` bila aplikasinya lebih baru.")
    if missing:
        for digest in missing[:20]:
            click.echo(f"  berkas hilang: {digest}", err=True)
        raise click.ClickException(f"{len(missing)} berkas yang dirujuk basis data tidak ada di cadangan.")


@click.command("gc-files", cls=OneLineCommand)
@click.option("--dry-run", is_flag=True, help="Hanya tampilkan berkas yang akan dihapus.")
@click.option("--min-age", default=3600, show_default=True, type=click.IntRange(min=0),
              help="Berkas yang lebih muda dari sekian detik tidak disentuh (mungkin baru diunggah).")
def gc_files(dry_run, min_age):
    """Remove stored files that no row of any table refers to."""
    with db.engine.connect() as connection:
        removed = collect_garbage(app_storage(), connection, db.metadata, min_age=min_age, dry_run=dry_run)
    verb = "akan dihapus" if dry_run else "dihapus"
    for name, size in removed:
        click.echo(f"{verb}: {name} ({size} bita)")
    total = sum(size for _, size in removed)
    click.echo(f"{len(removed)} berkas tanpa rujukan {verb} ({total} bita).")
