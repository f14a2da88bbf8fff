"""Attendance rules: per-session status and the training-level verdict with an Indonesian reason (pure).

The rule is a plain dataclass so the app can stamp it on a Training (columns or JSON) when the training
is created; later setting changes never re-decide past trainings.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Mapping, Sequence

from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message, N_plural

HADIR = "hadir"
SEBAGIAN = "sebagian"
TIDAK_HADIR = "tidak_hadir"
STATUSES = (HADIR, SEBAGIAN, TIDAK_HADIR)
MODE_SESSIONS = "sessions"
MODE_JP = "jp"
_ATTENDED_SESSIONS = N_plural("Hadir %(attended)s dari %(num)s sesi (%(share)s%%), minimal %(minimum)s%%",
                              "Hadir %(attended)s dari %(num)s sesi (%(share)s%%), minimal %(minimum)s%%")


@dataclass(frozen=True)
class AttendanceRule:
    """Pass rule: a session counts when attended ≥ min_session_share of it; the training passes when
    the share of counted sessions ≥ min_sessions_share (mode "sessions") or counted JP ≥ min_jp (mode "jp")."""

    mode: str = MODE_SESSIONS
    min_session_share: float = 0.75
    min_sessions_share: float = 1.0
    min_jp: float = 0.0

    def __post_init__(self):
        if self.mode not in (MODE_SESSIONS, MODE_JP):
            raise ValidationError(f"Mode aturan '{self.mode}' tidak dikenal (sessions atau jp).", field="mode")
        for name in ("min_session_share", "min_sessions_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValidationError("Batas kehadiran harus antara 0 dan 1.", field=name)
        if self.min_jp < 0:
            raise ValidationError("Minimal JP tidak boleh negatif.", field="min_jp")

    def to_dict(self) -> dict:
        """Plain dict for JSON/column storage."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> "AttendanceRule":
        """Rebuild from `to_dict` output; unknown keys are ignored, missing keys take defaults."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass(frozen=True)
class SessionInput:
    """One scheduled session for one person: its length, the attended seconds and its JP."""

    session_id: str
    session_seconds: int
    attended_seconds: int
    jp: float = 0.0


@dataclass(frozen=True)
class Override:
    """A manual status decided by an organizer; it wins over the computed one."""

    status: str
    reason: str = ""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValidationError(f"Status '{self.status}' tidak dikenal.", field="status")


@dataclass(frozen=True)
class SessionOutcome:
    """Status of one session for one person and where it came from."""

    session_id: str
    status: str
    attended_seconds: int
    session_seconds: int
    jp: float
    overridden: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    """Training-level result for one person."""

    passed: bool
    reason: str  # a core.messages.Message: Indonesian as str, translated on pages with |tr
    sessions_attended: int
    sessions_total: int
    jp_attended: float
    jp_total: float
    outcomes: tuple[SessionOutcome, ...]


def session_status(attended_seconds: int, session_seconds: int, rule: AttendanceRule) -> str:
    """"hadir" at/above the rule's share, "sebagian" above zero, else "tidak_hadir" (compared in seconds)."""
    return status_for(attended_seconds, seconds_needed(session_seconds, rule))


def seconds_needed(session_seconds: int, rule: AttendanceRule) -> float:
    """Seconds a session must be attended to count as "hadir" (infinite for a session without length)."""
    return math.ceil(rule.min_session_share * session_seconds - 1e-9) if session_seconds > 0 else math.inf


def status_for(attended_seconds: int, needed: float) -> str:
    """session_status with the threshold computed once (`seconds_needed`): for many people at once."""
    if attended_seconds >= needed:
        return HADIR
    return SEBAGIAN if attended_seconds > 0 else TIDAK_HADIR


def session_outcome(session: SessionInput, rule: AttendanceRule, override: Override | None = None) -> SessionOutcome:
    """Computed status of one session, replaced by the manual override when there is one."""
    if override is not None:
        return SessionOutcome(session.session_id, override.status, session.attended_seconds,
                              session.session_seconds, session.jp, True, override.reason)
    status = session_status(session.attended_seconds, session.session_seconds, rule)
    return SessionOutcome(session.session_id, status, session.attended_seconds, session.session_seconds, session.jp)


def evaluate(sessions: Sequence[SessionInput], rule: AttendanceRule,
             overrides: Mapping[str, Override] | None = None) -> Verdict:
    """Verdict for one person over all sessions of a training (overrides keyed by session id)."""
    overrides = overrides or {}
    outcomes = tuple(session_outcome(s, rule, overrides.get(s.session_id)) for s in sessions)
    attended = sum(o.status == HADIR for o in outcomes)
    jp_attended = sum(o.jp for o in outcomes if o.status == HADIR)
    jp_total = sum(o.jp for o in outcomes)
    if rule.mode == MODE_JP:
        passed = jp_attended + 1e-9 >= rule.min_jp
        reason = Message(N_("Hadir %(jp)s JP dari %(total)s JP, minimal %(minimum)s JP"),
                         jp=_fmt(jp_attended), total=_fmt(jp_total), minimum=_fmt(rule.min_jp))
    else:
        total = len(outcomes)
        passed = total > 0 and attended + 1e-9 >= rule.min_sessions_share * total
        share = math.floor(100 * attended / total) if total else 0
        reason = Message.counted(*_ATTENDED_SESSIONS, total, attended=attended, share=share,
                                 minimum=_fmt(rule.min_sessions_share * 100))
    return Verdict(passed, reason, attended, len(outcomes), jp_attended, jp_total, outcomes)


def evaluate_all(per_person: Mapping[str, Sequence[SessionInput]], rule: AttendanceRule,
                 overrides: Mapping[tuple[str, str], Override] | None = None) -> dict[str, Verdict]:
    """Verdicts for many people; overrides are keyed by (person, session id)."""
    by_person: dict[str, dict[str, Override]] = {}
    for (who, session), override in (overrides or {}).items():
        by_person.setdefault(who, {})[session] = override
    return {person: evaluate(sessions, rule, by_person.get(person)) for person, sessions in per_person.items()}


def _fmt(number: float) -> str:
    """25.0 → "25", 22.5 → "22,5" (Indonesian decimal comma)."""
    rounded = round(number, 2)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:g}".replace(".", ",")
