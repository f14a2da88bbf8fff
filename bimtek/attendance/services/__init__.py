"""Attendance services: upload → preview → apply → compute → review → override → verdicts (flush only).

Uploads are staged as *pending* files (stored by SHA-256) and only count after `apply_pending`. Every change
(apply, delete, assignment, mark, registration changes via `recompute_training`) recomputes the affected sessions
from the stored bytes (`compute`), so computed records are always a function of (files, registrations, the
organizers' decisions about identities). Overrides live in their own table and are never touched by a
recomputation. Decisions about identities live in `identities`, the review queue in `review`.

Not everyone in a log is a participant. Unmatched identities whose log role is host/panelist or whose e-mail is a
staff account of the training are kept out of the review queue when it is read (`Exclusions`), so adding staff
needs no recomputation.

The rule, JP and freeze live in `policy`, what pages read in `figures`; both are re-exported here.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bimtek.attendance import matching, rules
from bimtek.attendance.models import FILE_APPLIED, FILE_PENDING, AttendanceFile, AttendanceOverride, SessionSummary  # noqa: F401  (SessionSummary: re-exported for the views)
from bimtek.attendance.parsers import parse_file
from bimtek.attendance.services.compute import (  # noqa: F401  (re-exported: the computation's public API)
    MatchContext,
    analyse,
    log_role,
    match_context,
    recompute_session,
    recompute_training,
)
from bimtek.attendance.services.figures import (  # noqa: F401  (re-exported: what pages and certificates read)
    Cell,
    Overview,
    OverviewFilter,
    ParticipantRow,
    SessionInfo,
    SessionRow,
    SessionTable,
    attendance_verdict_for,
    export_table,
    group_summary,
    portal_attendance,
    registered_count,
    registered_people,
    registration_id_by_number,
    session_rows,
    training_overview,
    verdicts_for,
    verdicts_for_training,
)
from bimtek.attendance.services.identities import (  # noqa: F401  (re-exported: decisions about identities)
    EXCLUDED_HOST,
    EXCLUDED_IGNORED,
    EXCLUDED_STAFF,
    EXCLUSION_LABELS,
    Exclusions,
    assign_many,
    assign_name,
    delete_alias,
    exclusions_for,
    ignore_key,
    ignore_name,
    own_registration,
    staff_emails,
    unignore_name,
)
from bimtek.attendance.services.policy import (  # noqa: F401  (re-exported: rule, JP and freeze)
    RULE_FROZEN_MESSAGE,
    STATUS_LABELS,
    check_rule_change,
    freeze_rule,
    rule_is_frozen,
    rule_lock_reason,
    session_jp,
    training_rule,
)
from bimtek.attendance.services.portal import portal_section  # noqa: F401
from bimtek.attendance.services.review import Review, queue_counts, session_queue, session_review  # noqa: F401
from bimtek.attendance.services.verdicts import Standing, TrainingFigures  # noqa: F401  (re-exported)
from bimtek.audit.services import record
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.filerefs import release_files
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.core.storage import app_storage, sha256_hex
from bimtek.extensions import db
from bimtek.registration.models import Registration
from bimtek.trainings.models import TrainingSession

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.attendance.engine import SessionResult
    from bimtek.attendance.matching import Unmatched

METHOD_LABELS = {
    matching.METHOD_NUMBER: "Nomor registrasi", matching.METHOD_EMAIL: "E-mail",
    matching.METHOD_ALIAS: "Alias dari panitia", matching.METHOD_EXACT: "Nama sama",
    matching.METHOD_FUZZY: "Nama mirip", matching.METHOD_ASSIGNED: "Ditetapkan panitia",
    matching.METHOD_RULE: "Nama tidak lengkap/urutan lain",
}
ALLOWED_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".json")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


# --- uploads ----------------------------------------------------------------------------------------------------

def clean_filename(filename: str | None) -> str:
    """The last path component of an uploaded file name, trimmed to 200 characters."""
    name = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return " ".join(name.split())[:200] or "berkas"


def check_upload(filename: str, data: bytes, max_bytes: int) -> None:
    """Raise DomainError (Indonesian) unless the upload is a non-empty log file by name and by content."""
    ext = filename[filename.rfind("."):].lower() if "." in filename else ""
    if ext not in ALLOWED_EXTENSIONS:
        raise DomainError(f"Jenis berkas '{filename}' tidak didukung. Unggah laporan kehadiran Zoom, Teams atau "
                          "Google Meet berformat CSV, XLSX atau JSON.")
    if not data:
        raise DomainError(f"Berkas '{filename}' kosong.")
    if len(data) > max_bytes:
        raise DomainError(f"Berkas '{filename}' terlalu besar ({len(data) / 2**20:.1f} MB); "
                          f"batasnya {max_bytes / 2**20:.0f} MB per berkas.")
    if ext == ".xlsx" and not data.startswith(_ZIP):
        raise DomainError(f"Berkas '{filename}' bernama .xlsx tetapi isinya bukan berkas Excel.")
    if ext != ".xlsx" and data.startswith((_ZIP, _OLE)):
        raise DomainError(f"Berkas '{filename}' berisi data Excel/arsip tetapi bernama {ext}. "
                          "Simpan ulang sebagai .xlsx atau CSV lalu unggah lagi.")


def stage_uploads(actor: User | None, session: TrainingSession, uploads: Iterable[tuple[str, bytes]],
                  max_bytes: int) -> tuple[list[AttendanceFile], list[str]]:
    """Validate and parse every (filename, bytes); store them as pending files. All or nothing.

    Returns (staged files, names skipped because the same bytes were already uploaded for this session)."""
    checked, skipped, seen = [], [], set()
    for raw_name, data in uploads:
        filename = clean_filename(raw_name)
        check_upload(filename, data, max_bytes)
        parsed = parse_file(filename, data, session.training.timezone, session.starts_at, session.ends_at)
        if not parsed.segments:
            raise DomainError(f"Berkas '{filename}' tidak berisi satu pun baris peserta.")
        digest = sha256_hex(data)
        if digest in seen or _file_exists(session, digest):
            skipped.append(filename)
            continue
        seen.add(digest)
        checked.append((filename, data, digest, parsed))
    storage = app_storage()
    staged = []
    for filename, data, digest, parsed in checked:
        storage.put(data)
        staged.append(AttendanceFile(training_id=session.training_id, session_id=session.id, filename=filename,
                                     sha256=digest, size=len(data), format=parsed.format, rows=len(parsed.segments),
                                     status=FILE_PENDING, uploaded_by_id=getattr(actor, "id", None)))
    db.session.add_all(staged)
    db.session.flush()
    return staged, skipped


def _file_exists(session: TrainingSession, digest: str) -> bool:
    return db.session.scalar(sa.select(AttendanceFile.id).where(
        AttendanceFile.session_id == session.id, AttendanceFile.sha256 == digest)) is not None


@dataclass
class Preview:
    """What applying the pending files would give: the engine result plus counts for the page."""

    pending: list
    applied: list
    result: object
    matched: int = 0
    absent: int = 0
    methods: dict = field(default_factory=dict)
    queue: list = field(default_factory=list)         # engine Unmatched items that go to the review queue
    not_counted: list = field(default_factory=list)   # [(Unmatched, exclusion)] kept out of it


def preview_pending(session: TrainingSession) -> Preview | None:
    """Analyse applied + pending files of a session without changing anything; None if nothing is pending."""
    pending = db.session.scalars(AttendanceFile.of_session(session.id, FILE_PENDING)).all()
    if not pending:
        return None
    applied = db.session.scalars(AttendanceFile.of_session(session.id, FILE_APPLIED)).all()
    result = analyse(session, list(applied) + list(pending), match_context(session.training))
    matched = [p for p in result.people if p.registration and p.rows]
    methods = {}
    for person in matched:
        label = METHOD_LABELS.get(person.match.method, person.match.method) if person.match else "—"
        methods[label] = methods.get(label, 0) + 1
    absent = sum(1 for p in result.people if p.registration and not p.rows)
    queue, not_counted = _split_preview_queue(session, result)
    return Preview(pending, applied, result, len(matched), absent, methods, queue, not_counted)


def _split_preview_queue(session: TrainingSession,
                         result: SessionResult) -> tuple[list[Unmatched], list[tuple[Unmatched, str]]]:
    exclusions, people = exclusions_for(session.training), {p.key: p for p in result.people}
    queue, not_counted = [], []
    for item in result.unmatched:
        person = people[item.key]
        names = [item.name] + [n for s in person.segments for n in (s.name, s.original_name) if n]
        reason = exclusions.reason(names, item.email, log_role(person.flags), session.id)
        if reason:
            not_counted.append((item, reason))
        else:
            queue.append(item)
    return queue, not_counted


def apply_pending(actor: User, session: TrainingSession) -> int:
    """Count the session's pending files and recompute it; returns how many files were applied."""
    pending = db.session.scalars(AttendanceFile.of_session(session.id, FILE_PENDING)).all()
    for item in pending:
        item.status, item.applied_at = FILE_APPLIED, now_utc()
    db.session.flush()
    if pending:
        recompute_session(session)
        record(actor, "attendance.apply", session, training_id=session.training_id,
               summary=Message(N_("Menerapkan %(count)s berkas kehadiran %(session)s"), count=len(pending),
                               session=session.label),
               files=[f.filename for f in pending], sha256=[f.sha256 for f in pending])
    return len(pending)


def discard_pending(actor: User, session: TrainingSession) -> int:
    """Drop the session's pending files (nothing was counted from them); stored files nothing else uses go too."""
    pending = (AttendanceFile.session_id == session.id, AttendanceFile.status == FILE_PENDING)
    release_files(db.session.scalars(sa.select(AttendanceFile.sha256).where(*pending)))
    count = db.session.execute(sa.delete(AttendanceFile).where(*pending)).rowcount
    db.session.flush()
    return count


def delete_file(actor: User | None, item: AttendanceFile) -> None:
    """Delete one uploaded file; recompute its session if it was counted."""
    session, was_applied = db.session.get(TrainingSession, item.session_id), item.status == FILE_APPLIED
    db.session.delete(item)
    db.session.flush()
    release_files([item.sha256])
    if was_applied:
        recompute_session(session)
        record(actor, "attendance.delete_file", session, training_id=session.training_id,
               summary=Message(N_("Menghapus berkas kehadiran %(file)s dari %(session)s"), file=item.filename,
                               session=session.label), sha256=item.sha256)


# --- overrides ---------------------------------------------------------------------------------------------

def set_override(actor: User, session: TrainingSession, registration_id: int | str | None, status: str,
                 reason: str | None) -> AttendanceOverride:
    """Create or change the manual status of one registration in one session (reason required, audited)."""
    registration = own_registration(session.training, registration_id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Alasan koreksi wajib diisi.", field="reason")
    rules.Override(status, reason)  # validates the status
    actor_id = getattr(actor, "id", None)  # read before adding a row: loading an expired actor autoflushes
    override = db.session.scalar(sa.select(AttendanceOverride).where(
        AttendanceOverride.session_id == session.id, AttendanceOverride.registration_id == registration.id))
    previous = override.status if override else None
    if override is None:
        override = AttendanceOverride(training_id=session.training_id, session_id=session.id,
                                      registration_id=registration.id, status=status, reason=reason[:1000])
        db.session.add(override)
    override.status, override.reason, override.created_by_id = status, reason[:1000], actor_id
    db.session.flush()
    record(actor, "attendance.override", override, training_id=session.training_id,
           summary=Message(N_("Koreksi kehadiran %(number)s %(session)s: %(status)s — %(reason)s"),
                           number=registration.number, session=session.label,
                           status=Message(STATUS_LABELS[status]), reason=reason),
           session_id=session.id, registration=registration.number, status=status, previous=previous, reason=reason)
    return override


def clear_override(actor: User, override: AttendanceOverride) -> None:
    """Remove a manual status; the computed one applies again (audited)."""
    registration = db.session.get(Registration, override.registration_id)
    session = db.session.get(TrainingSession, override.session_id)
    record(actor, "attendance.override_delete", override, training_id=override.training_id,
           summary=Message(N_("Menghapus koreksi kehadiran %(number)s %(session)s"), number=registration.number,
                           session=session.label),
           session_id=session.id, registration=registration.number, previous=override.status)
    db.session.delete(override)
    db.session.flush()
