"""Verdicts of many registrations at once (read only), over plain tuples instead of ORM objects.

One query reads (registration, session, seconds) for the whole training, one the overrides; the rule is then
applied in memory. Work is shared between people with the same figures: a session outcome is built once per
(session, seconds, override) and the training-level result (passed, reason, JP) once per combination of session
statuses, from `rules.evaluate` itself, so every verdict equals what `rules.evaluate` gives for that person.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

import sqlalchemy as sa

from bimtek.attendance import rules
from bimtek.attendance.models import AttendanceOverride, AttendanceRecord, SessionSummary
from bimtek.attendance.services.policy import session_jp, training_rule
from bimtek.core.messages import Message, N_plural
from bimtek.extensions import db

_NO_DATA = N_plural("; %(num)s sesi belum ada data kehadiran", "; %(num)s sesi belum ada data kehadiran")

if TYPE_CHECKING:
    from bimtek.trainings.models import Training


def seconds_by_registration(training_id: int, session_ids: Iterable[int] | None = None,
                            registration_ids: Iterable[int] | None = None) -> dict[int, dict[int, int]]:
    """{registration id: {session id: attended seconds}} (only registrations with log data)."""
    query = sa.select(AttendanceRecord.registration_id, AttendanceRecord.session_id,
                      AttendanceRecord.attended_seconds).where(AttendanceRecord.training_id == training_id)
    if session_ids is not None:
        query = query.where(AttendanceRecord.session_id.in_(session_ids))
    if registration_ids is not None:
        query = query.where(AttendanceRecord.registration_id.in_(registration_ids))
    found = defaultdict(dict)
    for registration_id, session_id, seconds in db.session.execute(query):
        found[registration_id][session_id] = seconds
    return found


def overrides_by_registration(training_id: int,
                              registration_ids: Iterable[int] | None = None) -> dict[int, dict[int, rules.Override]]:
    """{registration id: {session id: rules.Override}}."""
    query = sa.select(AttendanceOverride.registration_id, AttendanceOverride.session_id, AttendanceOverride.status,
                      AttendanceOverride.reason).where(AttendanceOverride.training_id == training_id)
    if registration_ids is not None:
        query = query.where(AttendanceOverride.registration_id.in_(registration_ids))
    found = defaultdict(dict)
    for registration_id, session_id, status, reason in db.session.execute(query):
        found[registration_id][session_id] = rules.Override(status, reason)
    return found


def seconds_per_session(training: Training,
                        registration_ids: Iterable[int] | None = None) -> dict[int, tuple[int, ...]]:
    """{registration id: (seconds in session 1, …, session n)}, summed per registration in SQL (one row each)."""
    columns = [sa.func.sum(sa.case((AttendanceRecord.session_id == s.id, AttendanceRecord.attended_seconds),
                                   else_=0)) for s in training.sessions]
    query = sa.select(AttendanceRecord.registration_id, *columns).where(
        AttendanceRecord.training_id == training.id).group_by(AttendanceRecord.registration_id)
    if registration_ids is not None:
        query = query.where(AttendanceRecord.registration_id.in_(registration_ids))
    return {row[0]: tuple(int(value or 0) for value in row[1:]) for row in db.session.execute(query)}


class Standing(NamedTuple):
    """What counts and filters need of a person: passed or not, and the status per session (no objects)."""

    passed: bool
    statuses: tuple


class Evaluator:
    """The training's rule applied to one person after another, sharing work between equal figures."""

    def __init__(self, training: Training) -> None:
        jp = session_jp(training)
        self.sessions = [(s.id, str(s.id), s.duration_seconds, jp[s.id]) for s in training.sessions]
        self.rule = training_rule(training)
        self.needed = [rules.seconds_needed(s.duration_seconds, self.rule) for s in training.sessions]
        with_data = set(db.session.scalars(sa.select(SessionSummary.session_id).where(
            SessionSummary.training_id == training.id)))
        missing = sum(1 for s in training.sessions if s.id not in with_data)
        self.note = Message.counted(*_NO_DATA, missing) if missing else ""
        self._verdicts, self._outcomes, self._totals = {}, {}, {}

    def standing(self, seconds: tuple[int, ...], overrides: Mapping[int, rules.Override]) -> Standing:
        """Standing of one person from (seconds per session) and {session id: Override}."""
        if overrides:
            statuses = tuple(overrides[sid].status if sid in overrides else rules.status_for(spent, needed)
                             for (sid, *_), spent, needed in zip(self.sessions, seconds, self.needed))
        else:
            statuses = tuple(map(rules.status_for, seconds, self.needed))
        return Standing(self._total(statuses, seconds, overrides).passed, statuses)

    def verdict(self, seconds: tuple[int, ...], overrides: Mapping[int, rules.Override]) -> rules.Verdict:
        """rules.Verdict of one person (people with equal figures share one frozen Verdict)."""
        key = (seconds, tuple(sorted(overrides.items())) if overrides else ())
        verdict = self._verdicts.get(key)
        if verdict is None:
            outcomes = tuple(self._outcome(index, seconds[index], overrides.get(self.sessions[index][0]))
                             for index in range(len(self.sessions)))
            totals = self._total(tuple(o.status for o in outcomes), seconds, overrides)
            verdict = self._verdicts[key] = rules.Verdict(
                totals.passed, totals.reason + self.note, totals.sessions_attended, totals.sessions_total,
                totals.jp_attended, totals.jp_total, outcomes)
        return verdict

    def _total(self, statuses: tuple[str, ...], seconds: tuple[int, ...],
               overrides: Mapping[int, rules.Override]) -> rules.Verdict:
        """The training-level part of the verdict, which depends only on the statuses: `rules.evaluate` once
        per combination of statuses."""
        totals = self._totals.get(statuses)
        if totals is None:
            inputs = [rules.SessionInput(name, length, seconds[i], jp)
                      for i, (_, name, length, jp) in enumerate(self.sessions)]
            manual = {str(sid): override for sid, override in overrides.items()}
            totals = self._totals[statuses] = rules.evaluate(inputs, self.rule, manual)
        return totals

    def _outcome(self, index: int, seconds: int, override: rules.Override | None) -> rules.SessionOutcome:
        key = (index, seconds, override)
        outcome = self._outcomes.get(key)
        if outcome is None:
            _, name, length, jp = self.sessions[index]
            outcome = self._outcomes[key] = rules.session_outcome(
                rules.SessionInput(name, length, seconds, jp), self.rule, override)
        return outcome


class TrainingFigures:
    """Seconds and overrides of a training's registrations (two queries), read as standings or full verdicts."""

    def __init__(self, training: Training, registration_ids: Iterable[int] | None = None) -> None:
        ids = list(registration_ids) if registration_ids is not None else None
        self.seconds = seconds_per_session(training, ids)
        self.overrides = overrides_by_registration(training.id, ids)
        self.evaluator = Evaluator(training)
        self._absent = (0,) * len(training.sessions)

    def standing(self, registration_id: int) -> Standing:
        return self.evaluator.standing(self.seconds.get(registration_id, self._absent),
                                       self.overrides.get(registration_id, _NONE))

    def verdict(self, registration_id: int) -> rules.Verdict:
        return self.evaluator.verdict(self.seconds.get(registration_id, self._absent),
                                      self.overrides.get(registration_id, _NONE))


_NONE = {}


def verdicts_of(training: Training, registration_ids: Iterable[int], narrow: bool = False) -> dict[int, rules.Verdict]:
    """{registration id: rules.Verdict}; `narrow` filters the queries by id (one or a few registrations)."""
    figures = TrainingFigures(training, registration_ids if narrow else None)
    return {rid: figures.verdict(rid) for rid in registration_ids}
