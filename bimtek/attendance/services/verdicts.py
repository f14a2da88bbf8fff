"""Verdicts of many registrations at once (read only), over plain tuples instead of ORM objects.

One query reads (registration, session, seconds) for the whole training, one the overrides; the rule is then
applied in memory. Work is shared between people with the same figures: a session outcome is built once per
(session, seconds, override) and the training-level result (passed, reason, JP) once per combination of session
statuses, from `rules.evaluate` itself, so every verdict equals what `rules.evaluate` gives for that person.
"""
from collections import defaultdict
from dataclasses import replace

import sqlalchemy as sa

from bimtek.attendance import rules
from bimtek.attendance.models import AttendanceOverride, AttendanceRecord, SessionSummary
from bimtek.attendance.services.policy import session_jp, training_rule
from bimtek.extensions import db


def seconds_by_registration(training_id, session_ids=None, registration_ids=None):
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


def overrides_by_registration(training_id, registration_ids=None):
    """{registration id: {session id: rules.Override}}."""
    query = sa.select(AttendanceOverride.registration_id, AttendanceOverride.session_id, AttendanceOverride.status,
                      AttendanceOverride.reason).where(AttendanceOverride.training_id == training_id)
    if registration_ids is not None:
        query = query.where(AttendanceOverride.registration_id.in_(registration_ids))
    found = defaultdict(dict)
    for registration_id, session_id, status, reason in db.session.execute(query):
        found[registration_id][session_id] = rules.Override(status, reason)
    return found


class Evaluator:
    """The training's rule applied to one person after another, sharing work between equal figures."""

    def __init__(self, training):
        jp = session_jp(training)
        self.sessions = [(s.id, rules.SessionInput(str(s.id), s.duration_seconds, 0, jp[s.id]))
                         for s in training.sessions]
        self.rule = training_rule(training)
        with_data = set(db.session.scalars(sa.select(SessionSummary.session_id).where(
            SessionSummary.training_id == training.id)))
        missing = sum(1 for s in training.sessions if s.id not in with_data)
        self.note = f"; {missing} sesi belum ada data kehadiran" if missing else ""
        self._outcomes, self._totals = {}, {}

    def verdict(self, seconds, overrides):
        """rules.Verdict of one person from {session id: seconds} and {session id: Override}."""
        outcomes = tuple(self._outcome(index, seconds.get(sid, 0), overrides.get(sid))
                         for index, (sid, _) in enumerate(self.sessions))
        key = tuple(o.status for o in outcomes)
        totals = self._totals.get(key)
        if totals is None:
            inputs = [replace(base, attended_seconds=seconds.get(sid, 0)) for sid, base in self.sessions]
            manual = {str(sid): override for sid, override in overrides.items()}
            totals = self._totals[key] = rules.evaluate(inputs, self.rule, manual)
        return replace(totals, reason=totals.reason + self.note, outcomes=outcomes)

    def _outcome(self, index, seconds, override):
        key = (index, seconds, override)
        outcome = self._outcomes.get(key)
        if outcome is None:
            base = self.sessions[index][1]
            outcome = self._outcomes[key] = rules.session_outcome(
                replace(base, attended_seconds=seconds), self.rule, override)
        return outcome


def verdicts_of(training, registration_ids, narrow=False):
    """{registration id: rules.Verdict}; `narrow` filters the queries by id (one or a few registrations)."""
    ids = list(registration_ids) if narrow else None
    seconds = seconds_by_registration(training.id, registration_ids=ids)
    overrides = overrides_by_registration(training.id, ids)
    evaluator, nothing = Evaluator(training), {}
    return {rid: evaluator.verdict(seconds.get(rid, nothing), overrides.get(rid, nothing))
            for rid in registration_ids}
