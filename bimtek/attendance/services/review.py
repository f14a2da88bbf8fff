"""The review queue at scale (read only): who waits and why, what accepting a suggestion would change, filters,
and which items "accept every suggestion from N %" would take.

Effects come from the stored clipped spans of the queued identity and of the identities that already count for
the registration (`intervals.combined_seconds`), so a queue of hundreds needs no recomputation to explain itself.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.attendance import rules
from bimtek.attendance.intervals import Coverage, combined_seconds
from bimtek.attendance.matching import NO_MATCH
from bimtek.attendance.models import AttendanceIdentity, NameAlias, UnmatchedName
from bimtek.attendance.services.identities import EXCLUDED_IGNORED, exclusion_of, exclusions_for
from bimtek.attendance.services.policy import STATUS_LABELS, training_rule
from bimtek.core.messages import N_, Message
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status
from bimtek.trainings.models import TrainingSession

if TYPE_CHECKING:
    from bimtek.attendance.services.identities import Exclusions
    from bimtek.trainings.models import Training

WHY = {
    "tidak ada pendaftar yang cocok": N_("Tidak ada pendaftar dengan nomor, e-mail atau nama seperti ini."),
    "nama sama dengan beberapa pendaftar": N_("Nama ini sama persis dengan beberapa pendaftar; pilih yang benar."),
    "beberapa pendaftar bernama mirip": N_("Nama ini mirip beberapa pendaftar sekaligus; tidak dipilih otomatis."),
    "nama cocok sebagian dengan beberapa pendaftar":
        N_("Sebagian nama ini cocok dengan beberapa pendaftar; tidak dipilih otomatis."),
    "nama hanya mirip sebagian dengan pendaftar":
        N_("Nama ini mirip pendaftar, tetapi ada kata yang berbeda (mis. nama depan lain); tidak dipilih otomatis."),
    "ditandai bukan peserta": N_("Ditandai bukan peserta."),
}


@dataclass
class Review:
    """A session's unmatched identities: the review queue, and who is left out and why."""

    queue: list                                   # [UnmatchedName]
    not_counted: list                             # [(UnmatchedName, exclusion)] host/panelist or staff e-mail
    ignored: list                                 # [(UnmatchedName, IgnoredName)] marked "Bukan peserta"


def session_review(session: TrainingSession, exclusions: Exclusions | None = None) -> Review:
    """Split the session's unmatched identities into queue / host-staff / ignored, longest attendance first."""
    exclusions = exclusions or exclusions_for(session.training)
    items = db.session.scalars(sa.select(UnmatchedName).where(UnmatchedName.session_id == session.id)
                               .order_by(UnmatchedName.attended_seconds.desc(), UnmatchedName.id)).all()
    review = Review([], [], [])
    for item in items:
        reason = exclusion_of(item, exclusions)
        if reason == EXCLUDED_IGNORED:
            review.ignored.append((item, exclusions.mark([item.name, *(item.names or [])], item.email,
                                                         item.session_id)))
        elif reason:
            review.not_counted.append((item, reason))
        else:
            review.queue.append(item)
    return review


def session_queue(session: TrainingSession) -> list[UnmatchedName]:
    """The session's review queue (unmatched identities not excluded), longest attendance first."""
    return session_review(session).queue


def queue_counts(training: Training) -> dict[int, int]:
    """{session id: review-queue length} without the identities excluded from the queue (one query + exclusions)."""
    exclusions, counts = exclusions_for(training), {}
    rows = db.session.execute(sa.select(UnmatchedName.session_id, UnmatchedName.name, UnmatchedName.names,
                                        UnmatchedName.email, UnmatchedName.role)
                              .where(UnmatchedName.training_id == training.id)).all()
    for session_id, name, names, email, role in rows:
        if not exclusions.reason([name, *(names or [])], email, role, session_id):
            counts[session_id] = counts.get(session_id, 0) + 1
    return counts


# --- what accepting changes -------------------------------------------------------------------------------------

@dataclass
class Effect:
    """What assigning a queued identity to one registration changes in this session."""

    registration: object
    score: float
    before: int           # seconds
    after: int
    status_before: str
    status_after: str

    @property
    def text(self) -> str:
        """"Nurhayati: 240 → 240 menit (tidak berubah, interval sudah tercakup)" (a Message: pages show it |tr)."""
        before, after = self.before // 60, self.after // 60
        name = self.registration.nama_lengkap
        if after == before:
            return Message(N_("%(name)s: %(before)s → %(after)s menit (tidak berubah, interval sudah tercakup)"),
                           name=name, before=before, after=after)
        return Message(N_("%(name)s: %(before)s → %(after)s menit (+%(added)s menit)"),
                       name=name, before=before, after=after, added=after - before)

    @property
    def status_text(self) -> str:
        """"Tidak hadir → Hadir", or "" when the session status stays."""
        if self.status_before == self.status_after:
            return ""
        return Message(STATUS_LABELS[self.status_before]) + " → " + Message(STATUS_LABELS[self.status_after])


@dataclass
class QueueItem:
    """A queued identity as the review page shows it."""

    item: object
    why: str
    effects: list = field(default_factory=list)   # [Effect] per suggestion, best first

    @property
    def best(self) -> Effect | None:
        return self.effects[0] if self.effects else None


def _coverage(row: AttendanceIdentity | UnmatchedName) -> Coverage:
    return Coverage(tuple(tuple(span) for span in (row.spans or ())), row.totals or 0)


class _Figures:
    """Coverages of the identities of the registrations in question (those suggested, or `registration_ids`) in
    one session, and the session's rule (three queries, whatever the size of the training)."""

    def __init__(self, session: TrainingSession, numbers: Iterable[str] = (),
                 registration_ids: Iterable[int] = ()) -> None:
        self.session, self.rule = session, training_rule(session.training)
        self.window = session.duration_seconds
        registrations = db.session.scalars(sa.select(Registration).where(
            Registration.training_id == session.training_id, Registration.status == Status.REGISTERED.value,
            sa.or_(Registration.number.in_(list(numbers)), Registration.id.in_(list(registration_ids))))).all()
        self.by_number = {r.number: r for r in registrations}
        self.coverages = {}
        for identity in db.session.scalars(sa.select(AttendanceIdentity).where(
                AttendanceIdentity.session_id == session.id,
                AttendanceIdentity.registration_id.in_([r.id for r in registrations]))):
            self.coverages.setdefault(identity.registration_id, []).append(_coverage(identity))

    def effect(self, item: UnmatchedName, registration: Registration, score: float = 0.0) -> Effect:
        current = self.coverages.get(registration.id, [])
        before = combined_seconds(current, self.window)
        after = combined_seconds(current + [_coverage(item)], self.window)
        status = rules.session_status
        return Effect(registration, score, before, after, status(before, self.window, self.rule),
                      status(after, self.window, self.rule))


def why(item: UnmatchedName) -> str:
    """Why the identity waits in the queue, in plain Indonesian (a Message: pages show it |tr)."""
    text = Message(WHY[item.reason]) if item.reason in WHY else Message(
        item.reason[:1].upper() + item.reason[1:] + ".")
    suggestions = item.suggestions or []
    if item.reason == NO_MATCH and suggestions:
        best = suggestions[0]
        text = Message(N_("Tidak ada pendaftar yang cukup mirip untuk dipilih otomatis; yang terdekat %(name)s "
                          "(%(score)s%%)."), name=best["name"], score=round(best["score"]))
    if not item.email:
        text = text + " " + Message(N_("Log tidak mencantumkan e-mail."))
    return text


def queue_items(session: TrainingSession, queue: list[UnmatchedName] | None = None) -> list[QueueItem]:
    """[QueueItem] of the session's queue: why each waits and what each suggestion would change."""
    queue = session_queue(session) if queue is None else queue
    figures = _Figures(session, {s.get("registration") for item in queue for s in (item.suggestions or [])})
    items = []
    for item in queue:
        effects = [figures.effect(item, figures.by_number[s["registration"]], s["score"])
                   for s in (item.suggestions or []) if s.get("registration") in figures.by_number]
        items.append(QueueItem(item, why(item), effects))
    return items


def effect_of(item: UnmatchedName, registration: Registration) -> Effect:
    """Effect of assigning one queued identity to one registration (any registrant, not only suggestions)."""
    session = db.session.get(TrainingSession, item.session_id)
    return _Figures(session, registration_ids=[registration.id]).effect(item, registration)


def identities_by_registration(session: TrainingSession,
                               registration_ids: Iterable[int] | None = None) -> dict[int, list[AttendanceIdentity]]:
    """{registration id: [AttendanceIdentity]} of a session (only of `registration_ids` when given: the page
    shown), with the assignment (who, when) loaded."""
    grouped, query = {}, sa.select(AttendanceIdentity).where(AttendanceIdentity.session_id == session.id)
    if registration_ids is not None:
        query = query.where(AttendanceIdentity.registration_id.in_(registration_ids))
    for identity in db.session.scalars(query.options(
            orm.selectinload(AttendanceIdentity.alias).selectinload(NameAlias.created_by))
            .order_by(AttendanceIdentity.attended_seconds.desc(), AttendanceIdentity.id)):
        grouped.setdefault(identity.registration_id, []).append(identity)
    return grouped


# --- filters and bulk acceptance --------------------------------------------------------------------------------

@dataclass
class QueueFilter:
    """Filters of the review page: name/e-mail text, minimum best-suggestion score, with/without suggestions."""

    text: str = ""
    min_score: float = 0.0
    suggestions: str = ""   # "" all, "ada" with suggestions, "tanpa" without

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> QueueFilter:
        try:
            score = min(100.0, max(0.0, float(args.get("min", 0) or 0)))
        except ValueError:
            score = 0.0
        kind = args.get("saran", "")
        return cls(" ".join(str(args.get("q", "")).split())[:100], score, kind if kind in ("ada", "tanpa") else "")

    @property
    def active(self) -> bool:
        return bool(self.text or self.min_score or self.suggestions)

    def keep(self, entry: QueueItem) -> bool:
        item, best = entry.item, entry.best
        haystack = " ".join([item.name, item.email or "", *(item.names or [])]).casefold()
        if self.text and self.text.casefold() not in haystack:
            return False
        if self.suggestions == "ada" and best is None or self.suggestions == "tanpa" and best is not None:
            return False
        return not self.min_score or (best is not None and best.score >= self.min_score)


def filtered(items: Iterable[QueueItem], queue_filter: QueueFilter) -> list[QueueItem]:
    """The QueueItems the filter keeps."""
    return [entry for entry in items if queue_filter.keep(entry)]


def bulk_candidates(items: Iterable[QueueItem], min_score: float) -> list[QueueItem]:
    """QueueItems whose best suggestion scores ≥ min_score and clearly beats the second (no tie): what "accept
    every suggestion from N %" takes, each with its Effect."""
    chosen = []
    for entry in items:
        best = entry.best
        runner_up = entry.effects[1].score if len(entry.effects) > 1 else -1.0
        if best is not None and best.score >= min_score and best.score > runner_up:
            chosen.append(entry)
    return chosen
