"""Demo attendance: Zoom "participants" CSVs for the six SPP2020 sessions, uploaded and applied (idempotent).

Realistic on purpose: people drop and rejoin, one participant misses a session, one joins from a phone named
"HP Samsung A12" (waits in the review queue of session 2), one types her registration number before her name,
one leaves early (Hadir sebagian). The meeting host ("Panitia DKPUS", the panitia's own e-mail) is in every
log and is kept out of the review queue automatically (staff e-mail). The CSV bytes are deterministic, so running
the seed again uploads the same files, which the SHA-256 check skips.
"""
import csv
import io
import random
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bimtek.attendance import services
from bimtek.extensions import db
from bimtek.registration.models import Registration

HEADER = ("Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Duration (Minutes)", "Participants")
ROWS_HEADER = ("Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest")
MEETING_ID = "930 1234 5678"
HOST = ("Panitia DKPUS", "panitia@dkpus.example.id")  # the panitia account's e-mail: auto-excluded


def _stamp(value):
    return value.strftime("%m/%d/%Y %I:%M:%S %p")


def _display(index, registration, session_no):
    """(display name, e-mail) one demo participant shows up with in one session."""
    first = registration.nama_lengkap.split(",")[0]
    if index == 1 and session_no == 2:
        return "HP Samsung A12", ""
    if index == 2:
        return f"{registration.number} {first.split()[0]}", ""
    if index in (0, 4, 7):
        return first, ""
    return registration.nama_lengkap, registration.email


def _spans(index, session_no, start, end, rng):
    """Join/leave pairs (local naive times) of one participant in one session; [] when absent."""
    if index == 4 and session_no == 3:
        return []
    join = start - timedelta(minutes=rng.randint(2, 12))
    leave = end + timedelta(minutes=rng.randint(0, 6))
    if index == 6 and session_no == 5:
        return [(join, start + timedelta(minutes=95))]
    if index in (3, 8) or rng.random() < 0.25:  # dropped connection, rejoined a few minutes later
        drop = start + timedelta(minutes=rng.randint(40, 150))
        return [(join, drop), (drop + timedelta(minutes=rng.randint(1, 6)), leave)]
    return [(join, leave)]


def session_csv(training, session, session_no, registrations):
    """The Zoom participants export (with meeting header) of one demo session, as bytes."""
    rng = random.Random(f"{training.code}-{session_no}")  # nosec B311  # reproducible demo data, not security
    local = session.starts_at.astimezone(ZoneInfo(training.timezone))
    start, end = local.replace(tzinfo=None), session.ends_at.astimezone(local.tzinfo).replace(tzinfo=None)
    rows = [(HOST[0], HOST[1], start - timedelta(minutes=20), end + timedelta(minutes=10))]
    for index, registration in enumerate(registrations):
        name, email = _display(index, registration, session_no)
        rows.extend((name, email, join, leave) for join, leave in _spans(index, session_no, start, end, rng))
    rows.sort(key=lambda row: row[2])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    first, last = min(r[2] for r in rows), max(r[3] for r in rows)
    writer.writerow(HEADER)
    writer.writerow([MEETING_ID, training.name[:80], _stamp(first), _stamp(last), HOST[1],
                     int((last - first).total_seconds() // 60), len(rows)])
    writer.writerow([])
    writer.writerow(ROWS_HEADER)
    for name, email, join, leave in rows:
        minutes = -(-int((leave - join).total_seconds()) // 60)
        writer.writerow([name, email, _stamp(join), _stamp(leave), minutes, "No" if email else "Yes"])
    return out.getvalue().encode("utf-8")


def seed(training, actor=None, max_bytes=10 * 1024 * 1024):
    """Upload and apply one demo log per session (skips files already uploaded); returns files applied."""
    registrations = db.session.scalars(sa.select(Registration).where(
        Registration.training_id == training.id, Registration.status == "registered")
        .order_by(Registration.seq).limit(10)).all()
    if not registrations:
        return 0
    applied = 0
    for number, session in enumerate(training.sessions, start=1):
        data = session_csv(training, session, number, registrations)
        filename = f"zoom_participants_{training.code}_sesi{number}.csv"
        staged, _ = services.stage_uploads(actor, session, [(filename, data)], max_bytes)
        if staged:
            applied += services.apply_pending(actor, session)
    return applied
