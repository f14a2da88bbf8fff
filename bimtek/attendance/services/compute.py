"""Computing a session from its applied files and the organizers' decisions (flush only).

Records are a function of (applied files, registrations, assignments, "Bukan peserta" marks): every log identity
of the session is decided on its own (see `matching`), each one that counts for a registration is stored as an
AttendanceIdentity, and the registration's AttendanceRecord is the union of all of them clipped to the window.
The rest waits in the review queue (UnmatchedName) with its own clipped spans, so the queue can say what
accepting a suggestion would change without recomputing.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bimtek.attendance import matching
from bimtek.attendance.engine import analyse_session
from bimtek.attendance.models import (
    FILE_APPLIED,
    AttendanceFile,
    AttendanceIdentity,
    AttendanceRecord,
    IgnoredName,
    NameAlias,
    SessionSummary,
    UnmatchedName,
)
from bimtek.attendance.segments import ROLE_HOST, ROLE_PANELIST
from bimtek.attendance.services import checkins
from bimtek.audit.services import record
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.core.storage import app_storage
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.attendance.engine import Identity, SessionResult
    from bimtek.trainings.models import Training, TrainingSession


@dataclass
class MatchContext:
    """Registrations, assignments, aliases and marks of one training, built once and reused for every session."""

    registrations: list
    index: matching.RegistrationIndex
    aliases: dict                                   # alias key or "email:<e-mail>" → registration number
    id_by_number: dict
    assignments: dict = field(default_factory=dict)  # session id → {identity key: registration number}
    alias_rows: dict = field(default_factory=dict)   # (session id, identity key) / alias key → NameAlias
    marks: list = field(default_factory=list)        # [(session id or None, mark key)]

    def blocked(self, session_id: int) -> set[str]:
        """Mark keys that apply in a session: e-mails everywhere, names only where they were marked."""
        return {key for sid, key in self.marks if sid in (None, session_id) or key.startswith("email:")}


def match_context(training: Training) -> MatchContext:
    """Build the MatchContext of a training (registered participants, assignments, aliases, marks)."""
    registrations = db.session.scalars(sa.select(Registration).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value)
        .order_by(Registration.seq)).all()
    index = matching.RegistrationIndex(
        [matching.Registration(r.number, r.nama_lengkap, r.email or "") for r in registrations])
    numbers = {r.id: r.number for r in registrations}
    context = MatchContext(list(registrations), index, {}, {r.number: r.id for r in registrations})
    aliases = db.session.scalars(sa.select(NameAlias).where(NameAlias.training_id == training.id)
                                 .order_by(NameAlias.id)).all()
    for alias in aliases:
        number = numbers.get(alias.registration_id)
        if number is None:  # the registration was cancelled: its assignments wait until it is registered again
            continue
        if alias.session_id is not None and alias.identity_key:
            context.assignments.setdefault(alias.session_id, {})[alias.identity_key] = number
            context.alias_rows[(alias.session_id, alias.identity_key)] = alias
        _remember(context, "email:" + alias.email if alias.email else matching.alias_key(alias.display), number,
                  alias)
    context.aliases = {key: number for key, number in context.aliases.items() if number}
    context.marks = list(db.session.execute(sa.select(IgnoredName.session_id, IgnoredName.key).where(
        IgnoredName.training_id == training.id)).all())
    return context


def _remember(context: MatchContext, key: str, number: str, alias: NameAlias) -> None:
    """An alias remembered for two registrants is dropped (None): the name is ambiguous."""
    if not key.strip():
        return
    known = context.aliases.get(key, number)
    context.aliases[key] = number if known == number else None
    context.alias_rows.setdefault(key, alias)


def analyse(session: TrainingSession, files: Iterable[AttendanceFile], context: MatchContext) -> SessionResult:
    """Run the engine over stored files with the training's decisions for this session."""
    storage = app_storage()
    blobs = [(f.filename, storage.get(f.sha256)) for f in files]

    def logged_numbers() -> set[str]:  # registrations with a log row, for check-ins that count only together with one
        return {p.registration for p in _engine(session, blobs, context).people if p.registration and p.rows} \
            if blobs else set()

    return _engine(session, blobs + checkins.session_log(session, logged_numbers), context)


def _engine(session: TrainingSession, blobs: list[tuple[str, bytes]], context: MatchContext) -> SessionResult:
    return analyse_session(blobs, session.starts_at, session.ends_at, session.training.timezone,
                           context.index, context.aliases, assignments=context.assignments.get(session.id, {}),
                           blocked=context.blocked(session.id))


def recompute_session(session: TrainingSession, context: MatchContext | None = None) -> SessionResult | None:
    """Replace the session's records, identities and review queue from its applied files (overrides stay)."""
    context = context or match_context(session.training)
    for model in (AttendanceRecord, AttendanceIdentity, UnmatchedName):
        db.session.execute(sa.delete(model).where(model.session_id == session.id))
    files = db.session.scalars(AttendanceFile.of_session(session.id, FILE_APPLIED)).all()
    summary = db.session.get(SessionSummary, session.id)
    if not files and not checkins.has_pairs(session):
        if summary is not None:
            db.session.delete(summary)
        db.session.flush()
        return None
    result = analyse(session, files, context)
    _store_result(session, result, context)
    if summary is None:
        summary = SessionSummary(session_id=session.id, training_id=session.training_id)
        db.session.add(summary)
    summary.format, summary.warnings, summary.computed_at = result.format[:200], list(result.warnings), now_utc()
    db.session.flush()
    return result


def _store_result(session: TrainingSession, result: SessionResult, context: MatchContext) -> None:
    for person in result.people:
        if person.registration and person.rows:
            db.session.add(AttendanceRecord(
                training_id=session.training_id, session_id=session.id,
                registration_id=context.id_by_number[person.registration], attended_seconds=person.attended_seconds,
                rows=person.rows, match_method=person.match.method if person.match else "",
                match_confidence=person.match.confidence if person.match else 0.0,
                names=", ".join(dict.fromkeys(s.name for s in person.segments))[:500],
                first_join=person.first_join, last_leave=person.last_leave, flags=",".join(person.flags)[:200]))
    identities = {i.key: i for i in result.identities}
    for identity in result.identities:
        if identity.registration:
            db.session.add(_identity_row(session, identity, context))
    people = {p.key: p for p in result.people}
    for item in result.unmatched:
        person, identity = people[item.key], identities.get(item.key)
        names = list(dict.fromkeys(n for s in person.segments for n in (s.name, s.original_name) if n))
        db.session.add(UnmatchedName(
            training_id=session.training_id, session_id=session.id, name=item.name[:300], names=names[:10],
            email=item.email[:254], role=log_role(person.flags), reason=item.reason[:300],
            attended_seconds=person.attended_seconds, rows=person.rows, key=item.key[:300],
            spans=[list(span) for span in identity.coverage.spans] if identity else None,
            totals=identity.coverage.totals if identity else 0,
            suggestions=[{"registration": s.registration, "name": s.name, "score": s.score}
                         for s in item.suggestions]))


def _identity_row(session: TrainingSession, identity: Identity, context: MatchContext) -> AttendanceIdentity:
    alias = _alias_for(session, identity, context)
    return AttendanceIdentity(
        training_id=session.training_id, session_id=session.id,
        registration_id=context.id_by_number[identity.registration], key=identity.key[:300],
        name=(identity.names[0] if identity.names else identity.email or "?")[:300], names=list(identity.names[:10]),
        email=identity.email[:254], method=identity.match.method, confidence=identity.match.confidence,
        attended_seconds=identity.seconds, rows=identity.rows, spans=[list(s) for s in identity.coverage.spans],
        totals=identity.coverage.totals, alias_id=alias.id if alias is not None else None)


def _alias_for(session: TrainingSession, identity: Identity, context: MatchContext) -> NameAlias | None:
    """The NameAlias behind a manual match (the assignment itself, or the one remembered as an alias)."""
    method = identity.match.method
    if method == matching.METHOD_ASSIGNED:
        return context.alias_rows.get((session.id, identity.key))
    if method != matching.METHOD_ALIAS:
        return None
    keys = (["email:" + identity.email] if identity.email else []) + [matching.alias_key(n) for n in identity.names]
    return next((context.alias_rows[k] for k in keys if k in context.alias_rows), None)


def log_role(flags: Iterable[str]) -> str:
    """"host" or "panelist" when a log person's flags carry that role (host wins), else ""."""
    return next((role for role in (ROLE_HOST, ROLE_PANELIST) if role in flags), "")


def recompute_training(actor: User | None, training: Training) -> int:
    """Recompute every session that has files (after registrations or decisions changed); returns the count."""
    context = match_context(training)
    sessions = sessions_with_files(training)
    for session in sessions:
        recompute_session(session, context)
    if actor is not None:
        record(actor, "attendance.recompute", training, training_id=training.id,
               summary=Message(N_("Menghitung ulang kehadiran %(count)s sesi"), count=len(sessions)))
    return len(sessions)


def sessions_with_files(training: Training) -> list[TrainingSession]:
    """The training's sessions with at least one applied file (or a self check-in)."""
    ids = set(db.session.scalars(sa.select(AttendanceFile.session_id).where(
        AttendanceFile.training_id == training.id, AttendanceFile.status == FILE_APPLIED)))
    ids |= checkins.sessions_with_checkins(training.id)
    return [s for s in training.sessions if s.id in ids]
