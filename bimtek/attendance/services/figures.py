"""What pages show (read only): the session table, verdicts, the overview and heatmap, the portal, exports.

Everything reads the computed records (`compute`) and the overrides, so every page shows the same figures.
"""
from dataclasses import dataclass, replace

import sqlalchemy as sa

from bimtek.attendance import rules
from bimtek.attendance.models import FILE_APPLIED, AttendanceFile, AttendanceOverride, AttendanceRecord, SessionSummary
from bimtek.attendance.services.policy import STATUS_LABELS, rule_is_frozen, session_jp, training_rule
from bimtek.attendance.services.review import queue_counts
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status


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


def verdicts_for(training, registration_ids):
    """{registration id: rules.Verdict} for some registrations (bulk callers go id chunk by id chunk, so memory
    stays bounded whatever the size of the training)."""
    return _verdicts(training, list(registration_ids))


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
