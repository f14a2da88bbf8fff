"""CLI commands (thin: they call services and commit at the edge)."""
import click
from flask import current_app

from bimtek.core.commands import OneLineCommand
from bimtek.extensions import db


def register(app):
    """Attach the commands to `flask --app bimtek …`."""
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(send_mail)
    app.cli.add_command(purge_registrations)
    app.cli.add_command(run_worker)
    app.cli.add_command(purge_sessions)
    app.cli.add_command(send_reminders)
    from bimtek import cli_data
    from bimtek.certificates import cli as certificate_cli
    from bimtek.reports.cli import laporan
    from bimtek.zoom import cli as zoom_cli

    cli_data.register(app)
    app.cli.add_command(laporan)
    zoom_cli.register(app)
    app.cli.add_command(certificate_cli.sign_certificates)


@click.command("create-admin", cls=OneLineCommand)
@click.option("--email", prompt="Email")
@click.option("--name", prompt="Nama lengkap")
@click.password_option("--password", prompt="Kata sandi (min. 10 karakter)")
def create_admin(email, name, password):
    """Create the first Dinas admin account."""
    from bimtek.accounts import services
    from bimtek.accounts.models import Role
    from bimtek.core.errors import DomainError

    try:
        user = services.create_user(email, name, Role.ADMIN, password)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Admin {user.email} dibuat.")


@click.command("seed-demo", cls=OneLineCommand)
@click.option("--password", default="demo-bimtek-2020", show_default=True,
              help="Password for the demo staff accounts (demo only; never seed production).")
def seed_demo(password):
    """Load the demo training (Bimtek SPP & TIK, DKPUS Babel, 21–23 Juli 2020). Idempotent."""
    from bimtek import demo

    summary = demo.seed(password)
    db.session.commit()
    base = current_app.config["BASE_URL"]
    click.echo(f"Data demo siap: {summary}")
    click.echo(f"Buka {base}/  — masuk staf di {base}/akun/masuk")
    for email, role in demo.STAFF:
        click.echo(f"  {role:<14} {email:<32} kata sandi: {password}")
    click.echo(f"  peserta        masuk di {base}/peserta/masuk dengan email, mis. {demo.participant_email(0)}; "
               f"tanpa MAIL_SERVER, tautan dan kode masuk ada di berkas .eml pada {current_app.config['DATA_DIR']}"
               f"/outbox/")


@click.command("run-worker", cls=OneLineCommand)
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def run_worker(burst):
    """Serve background jobs from the RQ queue on REDIS_URL (scale-out mode)."""
    from bimtek.jobs.worker import run_worker as serve

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL belum diatur; tanpa Redis pekerjaan berjalan di dalam proses aplikasi.")
    serve(current_app._get_current_object(), burst=burst)


@click.command("send-mail", cls=OneLineCommand)
def send_mail():
    """Deliver due messages from the mail outbox (SMTP, or .eml files without MAIL_SERVER)."""
    from bimtek.mail import services as mail

    sent, failed = mail.deliver_due()
    click.echo(f"{sent} email terkirim, {failed} gagal (dicoba lagi nanti).")


@click.command("purge-registrations", cls=OneLineCommand)
def purge_registrations():
    """Anonymise registrations of trainings that ended more than RETENTION_DAYS ago (UU PDP)."""
    from bimtek.registration import services

    count = services.purge_expired(current_app.config["RETENTION_DAYS"])
    db.session.commit()
    click.echo(f"{count} pendaftaran dianonimkan.")


@click.command("purge-sessions", cls=OneLineCommand)
def purge_sessions():
    """Delete expired sign-in sessions, sign-in/reset tokens and rate-limit counters (housekeeping, daily cron)."""
    from bimtek.accounts import sessions, tokens
    from bimtek.core.ratelimit import purge_expired_counters

    ended, used = sessions.purge_expired(), tokens.purge_expired()
    counters = purge_expired_counters(db.session)
    db.session.commit()
    click.echo(f"{ended} sesi, {used} token dan {counters} penghitung batas kedaluwarsa dihapus.")


@click.command("send-reminders", cls=OneLineCommand)
def send_reminders():
    """Queue due session reminders (H-1, before the start) and schedule updates; run from cron every 5 minutes."""
    from sqlalchemy.exc import IntegrityError

    from bimtek.announcements import reminder_services

    result = reminder_services.scan()
    try:
        db.session.commit()
    except IntegrityError:  # another scan queued the same reminders first; its commit holds them all
        db.session.rollback()
        click.echo("Pemindaian lain baru saja mengantrekan pengingat yang sama; tidak ada yang dikirim dua kali.")
        return
    click.echo(f"{result.reminders} pengingat dan {result.updates} pemberitahuan perubahan jadwal masuk antrean.")
