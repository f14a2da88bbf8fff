"""What pages show (read only): the session table, verdicts, the overview and heatmap, the portal, exports.

Everything reads the computed records (`compute`) and the overrides, so every page shows the same figures.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.attendance import rules
from bimtek.attendance.models import FILE_APPLIED, AttendanceFile, AttendanceOverride, AttendanceRecord, SessionSummary
from bimtek.attendance.services.policy import STATUS_LABELS, rule_is_frozen, session_jp, training_rule
from bimtek.attendance.services.review import queue_counts
from bimtek.attendance.services.verdicts import TrainingFigures, seconds_by_registration, verdicts_of
from bimtek.core.paging import PAGE_SIZE, Page
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status

if TYPE_CHECKING:
    from bimtek.attendance.services.verdicts import Standing
    from bimtek.trainings.models import Training, TrainingSession


@dataclass
class Cell:
    """One registration in one session as pages show it."""

    status: str
    attended_seconds: int
    percent: float
    overridden: bool = False
    has_data: bool = True

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def minutes(self) -> int:
        return self.attended_seconds // 60


def _cell(session: TrainingSession, record_: AttendanceRecord | None, override: AttendanceOverride | None,
          rule: rules.AttendanceRule, has_data: bool) -> Cell:
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


@dataclass
class SessionTable:
    """One page of the session table, and the session's figures over every registered participant."""

    rows: list
    page: Page
    present: int
    registered: int


def registered_people(training_id: int) -> Sequence[sa.Row[Any]]:
    """(id, number, nama_lengkap, instansi, kabupaten, nip) of the registered participants, in registration order."""
    return db.session.execute(sa.select(
        Registration.id, Registration.number, Registration.nama_lengkap, Registration.instansi,
        Registration.kabupaten, Registration.nip).where(Registration.training_id == training_id,
                                      Registration.status == Status.REGISTERED.value)
        .order_by(Registration.seq)).all()


def registered_count(training: Training) -> int:
    """How many participants of the training are registered."""
    return db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value))


def registration_id_by_number(training: Training, number: str | None) -> int | None:
    """Id of the training's registered participant with this registration number (any case), else None."""
    return db.session.scalar(sa.select(Registration.id).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value,
        Registration.number == " ".join(str(number or "").split()).upper()))


def matches_text(person: Any, text: str | None) -> bool:
    """True when the search text is in the participant's name or registration number (case-insensitive)."""
    text = (text or "").strip().casefold()
    return not text or text in person.nama_lengkap.casefold() or text in person.number.casefold()


def session_rows(session: TrainingSession, text: str = "", page: int | str | None = None,
                 page_size: int | None = PAGE_SIZE) -> SessionTable:
    """SessionTable: the page `page` of the registered participants (filtered by `text`) with their
    computed/overridden status in this session; `present` counts everyone. page_size=None: every row
    (the daftar hadir of the activity report)."""
    training = session.training
    rule = training_rule(training)
    people = registered_people(training.id)
    seconds = {rid: by_session.get(session.id, 0) for rid, by_session in
               seconds_by_registration(training.id, [session.id]).items()}
    overrides = {o.registration_id: o for o in db.session.scalars(sa.select(AttendanceOverride).where(
        AttendanceOverride.session_id == session.id))}
    present = sum(1 for p in people if (overrides[p.id].status if p.id in overrides else rules.session_status(
        seconds.get(p.id, 0), session.duration_seconds, rule)) == rules.HADIR)
    shown = [p for p in people if matches_text(p, text)]
    page = Page.of(page, len(shown), size=page_size or max(len(shown), 1))
    shown = page.slice(shown)
    records = {r.registration_id: r for r in db.session.scalars(sa.select(AttendanceRecord).where(
        AttendanceRecord.session_id == session.id, AttendanceRecord.registration_id.in_([p.id for p in shown])))}
    has_data = db.session.get(SessionSummary, session.id) is not None
    rows = [SessionRow(p, _cell(session, records.get(p.id), overrides.get(p.id), rule, has_data),
                       records.get(p.id), overrides.get(p.id)) for p in shown]
    return SessionTable(rows, page, present, len(people))


def attendance_verdict_for(registration: Registration) -> rules.Verdict:
    """Attendance verdict (rules.Verdict: passed, reason, sessions_attended, jp_attended, …) of one registration."""
    return verdicts_of(registration.training, [registration.id], narrow=True)[registration.id]


def verdicts_for(training: Training, registration_ids: Iterable[int]) -> dict[int, rules.Verdict]:
    """{registration id: rules.Verdict} for some registrations (bulk callers go id chunk by id chunk, so memory
    stays bounded whatever the size of the training: the queries are narrowed to these ids)."""
    return verdicts_of(training, list(registration_ids), narrow=True)


def verdicts_for_training(training: Training) -> dict[int, rules.Verdict]:
    """{registration id: rules.Verdict} for every registered participant of a training (two queries over tuples)."""
    ids = list(db.session.scalars(sa.select(Registration.id).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value)))
    return verdicts_of(training, ids)


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
    rows: list            # ParticipantRow of the page shown (every filtered row when not paged)
    rule: object
    frozen: bool
    registered: int = 0   # figures over every registered participant, whatever the filter
    passed: int = 0
    page: object = None
    matching: int = 0     # rows the filter keeps


@dataclass(frozen=True)
class OverviewFilter:
    """Search (name or number), kabupaten (heatmap drill-down) and result (lulus/tidak) of the overview."""

    text: str = ""
    kabupaten: str = ""
    result: str = ""

    @property
    def active(self) -> bool:
        return bool(self.text or self.kabupaten or self.result)

    def keep(self, person: Any, standing: Any) -> bool:
        """`standing`: anything with `passed` (verdicts.Standing, rules.Verdict)."""
        if self.kabupaten and person.kabupaten != self.kabupaten:
            return False
        if self.result and standing.passed != (self.result == "lulus"):
            return False
        return matches_text(person, self.text)


def training_overview(training: Training, filters: OverviewFilter = OverviewFilter(), page: int | str | None = None,
                      paged: bool = False) -> Overview:
    """Everything the overview page, the heatmap and the exports show: standings of everyone (counts, filters),
    full verdicts and rows (ParticipantRow) for the page shown, or for every filtered participant when not
    `paged`."""
    people = registered_people(training.id)
    figures = TrainingFigures(training)
    standings = {p.id: figures.standing(p.id) for p in people}
    shown = [p for p in people if filters.keep(p, standings[p.id])]
    page = Page.of(page, len(shown)) if paged else None
    rows = []
    for person in (page.slice(shown) if page else shown):
        verdict = figures.verdict(person.id)
        rows.append(ParticipantRow(person, [_outcome_cell(o) for o in verdict.outcomes], verdict))
    return Overview(_session_infos(training, standings.values()), rows, training_rule(training),
                    rule_is_frozen(training), len(people), sum(1 for s in standings.values() if s.passed),
                    page, len(shown))


def group_summary(training: Training) -> list[tuple[str, int, list[float], float]]:
    """Heatmap of a large training: per kabupaten, the share present in each session and the share passed."""
    figures = TrainingFigures(training)
    groups = {}
    for person in registered_people(training.id):
        groups.setdefault(person.kabupaten or "—", []).append(figures.standing(person.id))
    summary = []
    for name in sorted(groups):
        members = groups[name]
        present = [100 * sum(1 for m in members if m.statuses[i] == rules.HADIR) / len(members)
                   for i in range(len(training.sessions))]
        summary.append((name, len(members), present, 100 * sum(1 for m in members if m.passed) / len(members)))
    return summary


def _outcome_cell(outcome: rules.SessionOutcome) -> Cell:
    percent = round(100 * outcome.attended_seconds / outcome.session_seconds, 1) if outcome.session_seconds else 0.0
    return Cell(outcome.status, outcome.attended_seconds, percent, outcome.overridden)


def _session_infos(training: Training, standings: Iterable[Standing]) -> list[SessionInfo]:
    files = dict(db.session.execute(sa.select(AttendanceFile.session_id, sa.func.count(AttendanceFile.id)).where(
        AttendanceFile.training_id == training.id, AttendanceFile.status == FILE_APPLIED)
        .group_by(AttendanceFile.session_id)).all())
    queue = queue_counts(training)
    jp = session_jp(training)
    present = [0] * len(training.sessions)
    for standing in standings:
        for i, status in enumerate(standing.statuses):
            present[i] += status == rules.HADIR
    return [SessionInfo(session, jp[session.id], files.get(session.id, 0), session.id in files, present[i],
                        queue.get(session.id, 0)) for i, session in enumerate(training.sessions)]


def portal_attendance(registration: Registration) -> dict[str, Any] | None:
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


def export_table(training: Training) -> tuple[list[str], list[list[Any]]]:
    """(headers, rows) of the overview for core.spreadsheet (names are neutralised there): every registered
    participant, straight from the verdicts (no page objects)."""
    headers = ["Nomor registrasi", "Nama", "Instansi"]
    for session in training.sessions:
        headers += [f"{session.label} (menit)", f"{session.label} (status)"]
    headers += ["Sesi hadir", "JP hadir", "Lulus", "Keterangan"]
    figures, rows = TrainingFigures(training), []
    for person in registered_people(training.id):
        verdict = figures.verdict(person.id)
        values = [person.number, person.nama_lengkap, person.instansi]
        for outcome in verdict.outcomes:
            values += [outcome.attended_seconds // 60,
                       STATUS_LABELS[outcome.status] + (" (koreksi)" if outcome.overridden else "")]
        values += [f"{verdict.sessions_attended}/{verdict.sessions_total}", round(verdict.jp_attended, 2),
                   "Ya" if verdict.passed else "Tidak", verdict.reason]
        rows.append(values)
    return headers, rows
