"""`flask --app bimtek zoom-fetch MEETING_ID --start … --end … --tz … [--roster R.csv] [--json]`.

Reads ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET from the environment, pulls every instance and page
of the meeting inside the window and prints exactly what `python -m bimtek.attendance <report> … [--json]` prints
for the same report saved as a file (the report is handed to that CLI, so both always agree). Exit status 2 with
one Indonesian line on bad credentials, an unreachable API or bad input.
"""
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import current_app

from bimtek.attendance import __main__ as attendance_cli
from bimtek.core.commands import OneLineCommand
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.zoom import report
from bimtek.zoom.client import Credentials, ZoomClient, clean_meeting_id
from bimtek.zoom.errors import ZoomError
from bimtek.zoom.services import due_sessions, pull_session

EXIT_FAILURE = 2
ENV_NAMES = ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET")


def register(app):
    app.cli.add_command(zoom_fetch)
    app.cli.add_command(zoom_pull_due)


class FetchError(Exception):
    """One Indonesian line for stderr."""


class FetchCommand(OneLineCommand):
    """Usage mistakes as one Indonesian line and exit 2, like every other failure of the command; a missing
    argument or option is answered with the synopsis."""

    def describe(self, error):
        param = getattr(error, "param", None)
        if isinstance(error, click.MissingParameter):
            name = ("MEETING_ID" if isinstance(param, click.Argument) else param.opts[0]) if param else "Argumen"
            return (f"{name} wajib diisi (zoom-fetch MEETING_ID --start … --end … [--tz …] [--roster …] "
                    "[--json]).")
        return super().describe(error)


def _window(start, end, tz):
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise FetchError(f"--tz '{tz}' bukan zona waktu yang dikenal (mis. Asia/Jakarta)") from None
    moments = []
    for label, text in (("start", start), ("end", end)):
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise FetchError(f"--{label} '{text}' bukan tanggal-waktu ISO (mis. 2020-07-21T08:00)") from None
        moments.append(value.replace(tzinfo=zone) if value.tzinfo is None else value)
    if moments[1] <= moments[0]:
        raise FetchError("--end harus sesudah --start")
    return zone, moments[0], moments[1]


def _credentials():
    values = [os.environ.get(name, "").strip() for name in ENV_NAMES]
    missing = [name for name, value in zip(ENV_NAMES, values) if not value]
    if missing:
        raise FetchError(f"Variabel lingkungan {', '.join(missing)} belum diatur (kredensial aplikasi Zoom "
                         "Server-to-Server OAuth).")
    return Credentials(*values)


def _check_roster(roster):
    """The roster must be a readable file before Zoom is asked (its content is read by the attendance CLI)."""
    path = Path(roster)
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except FileNotFoundError:
        problem = "tidak ada"
    except IsADirectoryError:
        problem = "adalah folder, bukan berkas"
    except PermissionError:
        problem = "tidak boleh dibaca"
    except OSError as exc:
        problem = f"tidak dapat dibuka ({exc.strerror or type(exc).__name__})"
    else:
        return
    raise FetchError(f"--roster: {path.name or roster} {problem}.")


def fetch(meeting_id, start, end, tz, roster=None):
    """(file name, report bytes) of the meeting in the window; FetchError with one line on any failure."""
    zone, start_at, end_at = _window(start, end, tz)
    meeting_id = clean_meeting_id(meeting_id)
    if not meeting_id:
        raise FetchError("ID rapat Zoom (MEETING_ID) kosong.")
    if roster:
        _check_roster(roster)
    client = ZoomClient(_credentials(), current_app.config["ZOOM_API_URL"], current_app.config["ZOOM_OAUTH_URL"])
    try:
        pulled = report.pull(client, meeting_id, start_at, end_at, zone)
    except ZoomError as error:
        raise FetchError(" ".join(str(error).split())) from None
    return report.filename(meeting_id, start_at, zone), report.document(pulled)


@click.command("zoom-fetch", cls=FetchCommand)
@click.argument("meeting_id")
@click.option("--start", required=True, help="awal sesi, mis. 2020-07-21T08:00")
@click.option("--end", required=True, help="akhir sesi, mis. 2020-07-21T12:00")
@click.option("--tz", default="Asia/Jakarta", show_default=True, help="zona waktu untuk waktu tanpa zona")
@click.option("--roster", help="ekspor daftar peserta (CSV/XLSX)")
@click.option("--json", "as_json", is_flag=True, help="cetak satu objek JSON")
def zoom_fetch(meeting_id, start, end, tz, roster, as_json):
    """Pull a meeting's participants report from Zoom and compute attendance like python -m bimtek.attendance."""
    try:
        name, data = fetch(meeting_id, start, end, tz, roster)
    except FetchError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_FAILURE)
    with tempfile.TemporaryDirectory(prefix="bimtek-zoom-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        argv = [str(path), "--start", start, "--end", end, "--tz", tz]
        argv += ["--roster", roster] if roster else []
        argv += ["--json"] if as_json else []
        status = attendance_cli.main(argv)
    sys.exit(status)


@click.command("zoom-pull-due")
def zoom_pull_due():
    """Pull now the Zoom reports of sessions that are due (cron, when no server or worker watchdog runs)."""

    config = current_app.config
    for session in due_sessions(now_utc(), int(config["ZOOM_PULL_DELAY_MINUTES"])):
        link = pull_session(None, session, config)
        db.session.commit()
        click.echo(f"{session.training.code} {session.label}: {link.status} — {link.message}")
