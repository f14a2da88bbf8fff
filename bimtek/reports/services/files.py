"""The stored report files: one current DOCX and one PDF per training, built by a background job and replaced on
rebuild (the file is written before its row; the replaced file is removed once the new row is committed)."""
from __future__ import annotations

import sqlalchemy as sa

from bimtek.attendance.services import registered_count
from bimtek.core.database import lock_training_row
from bimtek.core.filerefs import release_files
from bimtek.core.models import now_utc
from bimtek.core.storage import app_storage
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.reports.models import ReportFile
from bimtek.trainings.models import Training

FORMATS = ("docx", "pdf")
JOB_KINDS = {"docx": "reports.docx", "pdf": "reports.pdf"}  # one kind per format: both may be built at once


def current_file(training: Training, fmt: str) -> ReportFile | None:
    """The training's stored report in this format, if one was built."""
    return db.session.scalar(sa.select(ReportFile).where(ReportFile.training_id == training.id,
                                                         ReportFile.fmt == fmt))


def current_files(training: Training) -> dict[str, ReportFile]:
    """{fmt: stored report} of the formats built so far."""
    rows = db.session.scalars(sa.select(ReportFile).where(ReportFile.training_id == training.id))
    return {row.fmt: row for row in rows}


def sheet_rows(training: Training) -> int:
    """How many daftar hadir rows the report holds (registered participants × sessions): its size, cheaply."""
    return registered_count(training) * len(training.sessions)


def fits_in_request(training: Training, max_rows: int) -> bool:
    """True when the report is small enough to be built inside the request that asks for it."""
    return sheet_rows(training) <= max_rows


class ErasedDuringBuild(Exception):
    """A participant's data was erased while the report was built: the file may hold it, so it is not stored."""


def erased_registrations(training_id: int) -> frozenset[int]:
    """Ids of the training's registrations whose personal data has been erased (a set that only ever grows)."""
    return frozenset(db.session.scalars(sa.select(Registration.id).where(
        Registration.training_id == training_id, Registration.anonymized_at.is_not(None))))


def store_file(training: Training, fmt: str, data: bytes, fingerprint: str, built_by_id: int | None,
               job_id: int | None, erased_before: frozenset[int]) -> ReportFile:
    """Write the file to the store (synced), then point the training's row for `fmt` at it (flush only).

    `erased_before`: `erased_registrations` as read before the build began. Checked again under the training's
    lock, which `drop_training_files` takes too: an erasure committed since raises ErasedDuringBuild (the file
    may hold the data), one still in progress deletes this row when it commits."""
    lock_training_row(db.session, Training, training.id)
    if erased_registrations(training.id) != erased_before:
        raise ErasedDuringBuild()
    digest = app_storage().put(data)
    row = current_file(training, fmt)
    if row is None:
        row = ReportFile(training_id=training.id, fmt=fmt)
        db.session.add(row)
    elif row.sha256 != digest:
        release_files([row.sha256])  # removed after the commit, unless another row still refers to it
    row.sha256, row.size, row.fingerprint = digest, len(data), fingerprint
    row.built_at, row.built_by_id, row.job_id = now_utc(), built_by_id, job_id
    db.session.flush()
    return row


def drop_training_files(training_id: int) -> None:
    """Forget the training's stored reports (flush only; the files go after the commit): they hold names and NIPs
    of participants whose data has just been erased (registration.services.privacy calls this)."""
    lock_training_row(db.session, Training, training_id)  # a report job storing its file waits, then sees the erasure
    rows = db.session.scalars(sa.select(ReportFile).where(ReportFile.training_id == training_id)).all()
    for row in rows:
        db.session.delete(row)
    if rows:
        db.session.flush()
        release_files([row.sha256 for row in rows])


def read_file(row: ReportFile) -> bytes:
    """The stored bytes of a report (FileNotFoundError when the store lost them)."""
    return app_storage().get(row.sha256)
