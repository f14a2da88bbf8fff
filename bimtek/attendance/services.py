"""Attendance services: upload → preview → apply → compute → review → override → verdicts (flush only).

Uploads are staged as *pending* files (stored by SHA-256) and only count after `apply_pending`. Every change
(apply, delete, assignment, mark, registration changes via `recompute_training`) recomputes the affected sessions
from the stored bytes (`compute`), so computed records are always a function of (files, registrations, the
organizers' decisions about identities). Overrides live in their own table and are never touched by a
recomputation. Decisions about identities live in `identities`, the review queue in `review`.

Not everyone in a log is a participant. Unmatched identities whose log role is host/panelist or whose e-mail is a
staff account of the training are kept out of the review queue when it is read (`Exclusions`), so adding staff
needs no recomputation.

JP per session: the training's total JP (sum of materi) is distributed over its sessions in proportion to
session length, so the JP of all sessions adds up to the training's JP; without materi a session is worth
length / minutes_per_jp.
"""
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from bimtek.attendance import matching, rules
from bimtek.attendance.compute import (  # noqa: F401  (re-exported: the computation's public API)
    MatchContext, analyse, log_role, match_context, recompute_session, recompute_training,
)
from bimtek.attendance.identities import (  # noqa: F401  (re-exported: decisions about identities)
    EXCLUDED_HOST, EXCLUDED_IGNORED, EXCLUDED_STAFF, EXCLUSION_LABELS, Exclusions, assign_many, assign_name,
    delete_alias, exclusions_for, ignore_key, ignore_name, own_registration, staff_emails, unignore_name,
)
from bimtek.attendance.models import (
    FILE_APPLIED, FILE_PENDING, AttendanceFile, AttendanceOverride, AttendanceRecord, AttendanceSettings,
    SessionSummary,
)
from bimtek.attendance.parsers import parse_file
from bimtek.attendance.review import Review, queue_counts, session_queue, session_review  # noqa: F401
from bimtek.audit.services import record
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.models import now_utc
from bimtek.core.storage import app_storage, sha256_hex
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status
from bimtek.trainings.models import TrainingSession

STATUS_LABELS = {rules.HADIR: "Hadir", rules.SEBAGIAN: "Hadir sebagian", rules.TIDAK_HADIR: "Tidak hadir"}
METHOD_LABELS = {
    matching.METHOD_NUMBER: "Nomor registrasi", matching.METHOD_EMAIL: "E-mail",
    matching.METHOD_ALIAS: "Alias dari panitia", matching.METHOD_EXACT: "Nama sama",
    matching.METHOD_FUZZY: "Nama mirip", matching.METHOD_ASSIGNED: "Ditetapkan panitia",
    matching.METHOD_RULE: "Nama tidak lengkap/urutan lain",
}
ALLOWED_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".json")
RULE_FROZEN_MESSAGE = ("Aturan kehadiran sudah dibekukan karena sertifikat telah diterbitkan; "
                       "aturan tidak dapat diubah lagi.")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


# --- rule, JP, freeze -------------------------------------------------------------------------------------------

def training_rule(training):
    """The training's stored pass rule as a rules.AttendanceRule."""
    return rules.AttendanceRule(mode=training.pass_rule or rules.MODE_SESSIONS,
                                min_session_share=float(training.min_session_share),
                                min_sessions_share=float(training.min_sessions_share),
                                min_jp=float(training.min_jp or 0))


def session_jp(training):
    """{session id: JP}: total JP spread over sessions by length (length / minutes_per_jp without materi)."""
    sessions = list(training.sessions)
    total_seconds = sum(s.duration_seconds for s in sessions)
    total_jp = training.total_jp
    if total_jp and total_seconds:
        return {s.id: total_jp * s.duration_seconds / total_seconds for s in sessions}
    per_jp = 60 * (training.minutes_per_jp or 45)
    return {s.id: s.duration_seconds / per_jp for s in sessions}


def rule_is_frozen(training):
    """True once certificates were issued (certificates call `freeze_rule`); the rule may not change after."""
    settings = db.session.get(AttendanceSettings, training.id)
    return bool(settings and settings.rule_frozen_at)


def freeze_rule(training, now=None):
    """Freeze the training's attendance rule (idempotent; the certificates service calls this when issuing)."""
    settings = db.session.get(AttendanceSettings, training.id)
    if settings is None:
        settings = AttendanceSettings(training_id=training.id)
        db.session.add(settings)
    if settings.rule_frozen_at is None:
        settings.rule_frozen_at = now or now_utc()
    db.session.flush()
    return settings


def check_rule_change(training, data):
    """Raise ValidationError if `data` (training form values, shares in %) changes a frozen rule."""
    if not rule_is_frozen(training):
        return
    wanted = (data.get("pass_rule", training.pass_rule),
              round(float(data.get("min_session_share") or 75) / 100, 6),
              round(float(data.get("min_sessions_share") or 100) / 100, 6),
              data.get("min_jp", training.min_jp) or None)
    current = (training.pass_rule, round(training.min_session_share, 6), round(training.min_sessions_share, 6),
               training.min_jp or None)
    if wanted != current:
        raise ValidationError(RULE_FROZEN_MESSAGE, field="pass_rule")


# --- uploads ----------------------------------------------------------------------------------------------------

def clean_filename(filename):
    """The last path component of an uploaded file name, trimmed to 200 characters."""
    name = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return " ".join(name.split())[:200] or "berkas"


def check_upload(filename, data, max_bytes):
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


def stage_uploads(actor, session, uploads, max_bytes):
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


def _file_exists(session, digest):
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


def preview_pending(session):
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


def _split_preview_queue(session, result):
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


def apply_pending(actor, session):
    """Count the session's pending files and recompute it; returns how many files were applied."""
    pending = db.session.scalars(AttendanceFile.of_session(session.id, FILE_PENDING)).all()
    for item in pending:
        item.status, item.applied_at = FILE_APPLIED, now_utc()
    db.session.flush()
    if pending:
        recompute_session(session)
        record(actor, "attendance.apply", session, training_id=session.training_id,
               summary=f"Menerapkan {len(pending)} berkas kehadiran {session.label}",
               files=[f.filename for f in pending], sha256=[f.sha256 for f in pending])
    return len(pending)


def discard_pending(actor, session):
    """Drop the session's pending files (nothing was counted from them)."""
    count = db.session.execute(sa.delete(AttendanceFile).where(
        AttendanceFile.session_id == session.id, AttendanceFile.status == FILE_PENDING)).rowcount
    db.session.flush()
    return count


def delete_file(actor, item):
    """Delete one uploaded file; recompute its session if it was counted."""
    session, was_applied = db.session.get(TrainingSession, item.session_id), item.status == FILE_APPLIED
    db.session.delete(item)
    db.session.flush()
    if was_applied:
        recompute_session(session)
        record(actor, "attendance.delete_file", session, training_id=session.training_id,
               summary=f"Menghapus berkas kehadiran {item.filename} dari {session.label}", sha256=item.sha256)


# --- overrides ---------------------------------------------------------------------------------------------

def set_override(actor, session, registration_id, status, reason):
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
           summary=f"Koreksi kehadiran {registration.number} {session.label}: {STATUS_LABELS[status]} — {reason}",
           session_id=session.id, registration=registration.number, status=status, previous=previous, reason=reason)
    return override


def clear_override(actor, override):
    """Remove a manual status; the computed one applies again (audited)."""
    registration = db.session.get(Registration, override.registration_id)
    session = db.session.get(TrainingSession, override.session_id)
    record(actor, "attendance.override_delete", override, training_id=override.training_id,
           summary=f"Menghapus koreksi kehadiran {registration.number} {session.label}",
           session_id=session.id, registration=registration.number, previous=override.status)
    db.session.delete(override)
    db.session.flush()


# --- reading: session table, verdicts, overview, portal, export -------------------------------------------------

@dataclass
class Cell:
    """One registration in one session as pages show it."""

    status: str
    attended_seconds: int
    percent: float
    overridden: bool = False
    has_data: bool = True

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def minutes(self):
        return self.attended_seconds // 60


def _records_by_key(training_id, session_ids=None, registration_ids=None):
    query = sa.select(AttendanceRecord).where(AttendanceRecord.training_id == training_id)
    if session_ids is not None:
        query = query.where(AttendanceRecord.session_id.in_(session_ids))
    if registration_ids is not None:
        query = query.where(AttendanceRecord.registration_id.in_(registration_ids))
    return {(r.session_id, r.registration_id): r for r in db.session.scalars(query)}


def _overrides_by_key(training_id, registration_ids=None):
    query = sa.select(AttendanceOverride).where(AttendanceOverride.training_id == training_id)
    if registration_ids is not None:
        query = query.where(AttendanceOverride.registration_id.in_(registration_ids))
    return {(o.session_id, o.registration_id): o for o in db.session.scalars(query)}


def _cell(session, record_, override, rule, has_data):
    seconds = record_.attended_seconds if record_ else 0
    percent = round(100 * seconds / session.duration_seconds, 1) if session.duration_seconds else 0.0
    if override is not None:
        return Cell(override.status, seconds, percent, True, has_data)
    return Cell(rules.session_status(seconds, session.duration_seconds, rule), seconds, percent, False, has_data)


@dataclass
class SessionRow:
    """A registration's line in the session table."""

    registration: object
    cell: Cell
    record: object
    override: object


def session_rows(session):
    """Every registered participant with their computed/overridden status in this session."""
    training = session.training
    rule = training_rule(training)
    registrations = db.session.scalars(sa.select(Registration).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value)
        .order_by(Registration.seq)).all()
    records = _records_by_key(training.id, [session.id])
    overrides = _overrides_by_key(training.id)
    has_data = db.session.get(SessionSummary, session.id) is not None
    rows = []
    for registration in registrations:
        key = (session.id, registration.id)
        rows.append(SessionRow(registration, _cell(session, records.get(key), overrides.get(key), rule, has_data),
                               records.get(key), overrides.get(key)))
    return rows


def _verdicts(training, registration_ids):
    """{registration id: rules.Verdict} for the given registrations (two queries, then pure evaluation)."""
    sessions = list(training.sessions)
    jp = session_jp(training)
    records = _records_by_key(training.id, registration_ids=registration_ids)
    overrides = _overrides_by_key(training.id, registration_ids)
    with_data = set(db.session.scalars(sa.select(SessionSummary.session_id).where(
        SessionSummary.training_id == training.id)))
    missing = sum(1 for s in sessions if s.id not in with_data)
    rule = training_rule(training)
    verdicts = {}
    for rid in registration_ids:
        inputs = [rules.SessionInput(str(s.id), s.duration_seconds,
                                     records[(s.id, rid)].attended_seconds if (s.id, rid) in records else 0, jp[s.id])
                  for s in sessions]
        manual = {str(sid): rules.Override(o.status, o.reason) for (sid, r), o in overrides.items() if r == rid}
        verdict = rules.evaluate(inputs, rule, manual)
        if missing:
            verdict = replace(verdict, reason=f"{verdict.reason}; {missing} sesi belum ada data kehadiran")
        verdicts[rid] = verdict
    return verdicts


def attendance_verdict_for(registration):
    """Attendance verdict (rules.Verdict: passed, reason, sessions_attended, jp_attended, …) of one registration."""
    return _verdicts(registration.training, [registration.id])[registration.id]


def verdicts_for_training(training):
    """{registration id: rules.Verdict} for every registered participant of a training (bulk, few queries)."""
    ids = list(db.session.scalars(sa.select(Registration.id).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value)))
    return _verdicts(training, ids)


@dataclass
class SessionInfo:
    """A session on the overview: its JP and what was uploaded."""

    session: object
    jp: float
    files: int
    has_data: bool
    present: int
    queue: int


@dataclass
class ParticipantRow:
    """A participant on the overview: per-session cells and the verdict."""

    registration: object
    cells: list
    verdict: object


@dataclass
class Overview:
    sessions: list
    rows: list
    rule: object
    frozen: bool

    @property
    def passed(self):
        return sum(1 for r in self.rows if r.verdict.passed)


def training_overview(training):
    """Everything the overview page, the heatmap and the exports show (bulk queries, no lazy loads)."""
    registrations = db.session.scalars(sa.select(Registration).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value)
        .order_by(Registration.seq)).all()
    verdicts = _verdicts(training, [r.id for r in registrations])
    rows = []
    for registration in registrations:
        verdict = verdicts[registration.id]
        cells = [_outcome_cell(o) for o in verdict.outcomes]
        rows.append(ParticipantRow(registration, cells, verdict))
    return Overview(_session_infos(training, rows), rows, training_rule(training), rule_is_frozen(training))


def _outcome_cell(outcome):
    percent = round(100 * outcome.attended_seconds / outcome.session_seconds, 1) if outcome.session_seconds else 0.0
    return Cell(outcome.status, outcome.attended_seconds, percent, outcome.overridden)


def _session_infos(training, rows):
    files = dict(db.session.execute(sa.select(AttendanceFile.session_id, sa.func.count(AttendanceFile.id)).where(
        AttendanceFile.training_id == training.id, AttendanceFile.status == FILE_APPLIED)
        .group_by(AttendanceFile.session_id)).all())
    queue = queue_counts(training)
    jp = session_jp(training)
    infos = []
    for i, session in enumerate(training.sessions):
        present = sum(1 for r in rows if r.cells[i].status == rules.HADIR)
        infos.append(SessionInfo(session, jp[session.id], files.get(session.id, 0), session.id in files,
                                 present, queue.get(session.id, 0)))
    return infos


def portal_attendance(registration):
    """A participant's own attendance: [(session, Cell)] and the verdict; None before any log was applied."""
    training = registration.training
    if registration.status != Status.REGISTERED.value or not training.sessions:
        return None
    has_any = db.session.scalar(sa.select(SessionSummary.session_id).where(
        SessionSummary.training_id == training.id).limit(1))
    if has_any is None:
        return None
    verdict = attendance_verdict_for(registration)
    with_data = set(db.session.scalars(sa.select(SessionSummary.session_id).where(
        SessionSummary.training_id == training.id)))
    cells = []
    for session, outcome in zip(training.sessions, verdict.outcomes):
        cell = _outcome_cell(outcome)
        cell.has_data = session.id in with_data or outcome.overridden
        cells.append((session, cell))
    return {"cells": cells, "verdict": verdict}


def export_table(training, overview=None):
    """(headers, rows) of the overview for core.spreadsheet (names are neutralised there)."""
    overview = overview or training_overview(training)
    headers = ["Nomor registrasi", "Nama", "Instansi"]
    for info in overview.sessions:
        headers += [f"{info.session.label} (menit)", f"{info.session.label} (status)"]
    headers += ["Sesi hadir", "JP hadir", "Lulus", "Keterangan"]
    rows = []
    for row in overview.rows:
        values = [row.registration.number, row.registration.nama_lengkap, row.registration.instansi]
        for cell in row.cells:
            values += [cell.minutes, cell.label + (" (koreksi)" if cell.overridden else "")]
        verdict = row.verdict
        values += [f"{verdict.sessions_attended}/{verdict.sessions_total}", round(verdict.jp_attended, 2),
                   "Ya" if verdict.passed else "Tidak", verdict.reason]
        rows.append(values)
    return headers, rows
