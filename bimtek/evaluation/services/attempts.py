"""Taking the pre-/post-test (flush only): open a window-checked attempt, autosave each answer, submit once.

One attempt per test, unless the admin granted a retake. Two tabs or a double tap cannot make two attempts or
two scores: the attempt number is unique per (registration, test) and submission is a conditional UPDATE that
only one request can win.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bimtek.audit.services import record
from bimtek.core.errors import InvalidTransition, ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.evaluation import scoring, shuffling, windows
from bimtek.evaluation.models import TestAnswer, TestAttempt, TestQuestion, TestRetake
from bimtek.evaluation.services.bank import answer_keys, questions_of
from bimtek.evaluation.services.settings import minutes_for, settings_for
from bimtek.extensions import db
from bimtek.registration.models import Status

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.registration.models import Registration
    from bimtek.trainings.models import Training

GRACE = timedelta(seconds=60)  # a slow phone's last autosave still counts


def schedule_bounds(training: Training) -> tuple[datetime | None, datetime | None]:
    starts = [s.starts_at for s in training.sessions]
    return (min(starts), max(starts)) if starts else (None, None)


def window_of(training: Training, kind: str, now: datetime | None = None) -> str:
    first, last = schedule_bounds(training)
    return windows.test_window(kind, first, last, now or now_utc())


def attempts_of(registration: Registration, kind: str) -> Sequence[TestAttempt]:
    return db.session.scalars(sa.select(TestAttempt).where(
        TestAttempt.registration_id == registration.id, TestAttempt.kind == kind).order_by(TestAttempt.number)).all()


def allowed_attempts(registration: Registration, kind: str) -> int:
    retake = db.session.scalar(sa.select(TestRetake.id).where(
        TestRetake.registration_id == registration.id, TestRetake.kind == kind))
    return 2 if retake else 1


@dataclass
class TestState:
    """What the participant's portal shows for one test."""

    kind: str
    window: str
    attempt: TestAttempt | None  # the latest attempt
    can_start: bool
    message: str

    @property
    def label(self) -> str:
        return windows.KIND_LABELS[self.kind]

    @property
    def done(self) -> bool:
        return bool(self.attempt and self.attempt.submitted_at)


def state_of(registration: Registration, kind: str, now: datetime | None = None) -> TestState:
    close_overdue(registration.training, now, registration)
    attempts = attempts_of(registration, kind)
    latest = attempts[-1] if attempts else None
    window = window_of(registration.training, kind, now)
    in_progress = latest is not None and latest.submitted_at is None
    more = len(attempts) < allowed_attempts(registration, kind)
    has_bank = bool(answer_keys(registration.training))
    can = registration.status == Status.REGISTERED.value and window == windows.OPEN and has_bank and (
        in_progress or more)
    message = windows.window_message(kind, window) if window != windows.OPEN else (
        "" if has_bank else "Soal belum disiapkan panitia.")
    return TestState(kind, window, latest, can, message)


def check_can_take(registration: Registration, kind: str, now: datetime | None = None) -> None:
    if registration.status != Status.REGISTERED.value:
        raise InvalidTransition("Hanya peserta yang terdaftar dapat mengerjakan tes.")
    window = window_of(registration.training, kind, now)
    if window != windows.OPEN:
        raise InvalidTransition(windows.window_message(kind, window))
    if not answer_keys(registration.training):
        raise InvalidTransition("Soal belum disiapkan panitia.")


def start_attempt(registration: Registration, kind: str, now: datetime | None = None) -> TestAttempt:
    """The attempt in progress, or a new one when attempts remain; InvalidTransition otherwise."""
    check_can_take(registration, kind, now)
    close_overdue(registration.training, now, registration)
    attempts = attempts_of(registration, kind)
    if attempts and attempts[-1].submitted_at is None:
        return attempts[-1]
    if len(attempts) >= allowed_attempts(registration, kind):
        raise InvalidTransition(f"{windows.KIND_LABELS[kind]} sudah Anda kerjakan.")
    attempt = TestAttempt(training_id=registration.training_id, registration_id=registration.id, kind=kind,
                          number=len(attempts) + 1, started_at=now or now_utc())
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:  # another tab opened the same attempt a moment earlier
        return attempts_of(registration, kind)[-1]
    return attempt


def seconds_left(attempt: TestAttempt, now: datetime | None = None) -> int | None:
    minutes = minutes_for(settings_for(attempt.registration.training), attempt.kind)
    return windows.seconds_left(attempt.started_at, minutes, now or now_utc())


def _check_open(attempt: TestAttempt, now: datetime) -> None:
    if attempt.submitted_at is not None:
        raise InvalidTransition("Jawaban tes ini sudah dikirim.")
    minutes = minutes_for(settings_for(attempt.registration.training), attempt.kind)
    if minutes and (now or now_utc()) > attempt.started_at + timedelta(minutes=minutes) + GRACE:
        raise InvalidTransition("Waktu pengerjaan sudah habis; jawaban yang tersimpan tetap dinilai.")


def save_answer(attempt: TestAttempt, question_id: int, choice: Any, now: datetime | None = None) -> None:
    """Store one answer (original option index) as the participant picks it."""
    _check_open(attempt, now)
    question = db.session.get(TestQuestion, question_id)
    if question is None or question.training_id != attempt.training_id:
        raise ValidationError("Soal tidak dikenal.")
    if not isinstance(choice, int) or not 0 <= choice < len(question.options):
        raise ValidationError("Pilihan jawaban tidak dikenal.")
    existing = db.session.scalar(sa.select(TestAnswer).where(
        TestAnswer.attempt_id == attempt.id, TestAnswer.question_id == question_id))
    if existing is not None:
        existing.choice = choice
        db.session.flush()
        return
    try:
        with db.session.begin_nested():
            db.session.add(TestAnswer(attempt_id=attempt.id, question_id=question_id, choice=choice))
    except IntegrityError:  # the same answer saved by a parallel autosave: update it
        db.session.execute(sa.update(TestAnswer).where(
            TestAnswer.attempt_id == attempt.id, TestAnswer.question_id == question_id).values(choice=choice))


def saved_answers(attempt: TestAttempt) -> dict[int, int]:
    """{question id: chosen original index}."""
    return dict(db.session.execute(sa.select(TestAnswer.question_id, TestAnswer.choice).where(
        TestAnswer.attempt_id == attempt.id)).all())


def submit_attempt(actor: User | None, attempt: TestAttempt, now: datetime | None = None) -> TestAttempt:
    """Score the saved answers and close the attempt; a second submission (any tab) is refused."""
    if attempt.submitted_at is not None or not _close(attempt, now or now_utc()):
        raise InvalidTransition("Jawaban tes ini sudah dikirim.")
    record(actor, "evaluation.submit", attempt,
           summary=Message(N_("%(test)s dikirim"), test=windows.KIND_LABELS[attempt.kind]),
           score=attempt.score)
    return attempt


def _close(attempt: TestAttempt, at: datetime, keys: dict[int, int] | None = None) -> bool:
    """Score the saved answers and stamp submitted_at=at, unless another request closed it first."""
    result = scoring.score(answer_keys(attempt.registration.training) if keys is None else keys,
                           saved_answers(attempt))
    won = db.session.execute(sa.update(TestAttempt).where(
        TestAttempt.id == attempt.id, TestAttempt.submitted_at.is_(None)).values(
        submitted_at=at, correct_count=result.correct, question_count=result.total,
        score=result.value)).rowcount
    db.session.refresh(attempt)
    return bool(won)


def overdue_at(attempt: TestAttempt, minutes: int | None, first_start: datetime | None,
               now: datetime) -> datetime | None:
    """When an unsubmitted attempt ended by itself (time limit plus grace, or the pre-test window closing), if
    it has; the time stamped is the limit itself (or the first session's start)."""
    ends = []
    if minutes:
        limit = attempt.started_at + timedelta(minutes=minutes)
        if now > limit + GRACE:
            ends.append(limit)
    if attempt.kind == windows.PRE and first_start is not None and now >= first_start:
        ends.append(first_start)
    return min(ends) if ends else None


def close_overdue(training: Training, now: datetime | None = None,
                  registration: Registration | None = None) -> int:
    """Submit (score) the attempts nobody submitted whose time ran out or whose window closed, so answers
    saved in time are never lost; only one participant's when `registration` is given. Returns how many."""
    now = now or now_utc()
    query = sa.select(TestAttempt).where(TestAttempt.training_id == training.id,
                                         TestAttempt.submitted_at.is_(None))
    if registration is not None:
        query = query.where(TestAttempt.registration_id == registration.id)
    open_attempts = db.session.scalars(query).all()
    if not open_attempts:
        return 0
    settings, first_start = settings_for(training), schedule_bounds(training)[0]
    keys, closed = answer_keys(training), 0
    for attempt in open_attempts:
        at = overdue_at(attempt, minutes_for(settings, attempt.kind), first_start, now)
        if at is not None and _close(attempt, at, keys):
            closed += 1
            record(None, "evaluation.submit", attempt, summary=Message(
                N_("%(test)s ditutup otomatis (waktu habis)"), test=windows.KIND_LABELS[attempt.kind]),
                score=attempt.score)
    return closed


def paper_of(attempt: TestAttempt) -> list[tuple[TestQuestion, list[int]]]:
    """[(question, [original option index in display order])] in this participant's order."""
    questions = {q.id: q for q in questions_of(attempt.registration.training)}
    seed = shuffling.participant_seed(attempt.training_id, attempt.registration_id, attempt.kind)
    order = shuffling.paper([(qid, len(q.options)) for qid, q in questions.items()], seed)
    return [(questions[qid], options) for qid, options in order]


def grant_retake(actor: User, registration: Registration, kind: str) -> None:
    """Allow one more attempt (idempotent)."""
    if db.session.scalar(sa.select(TestRetake.id).where(
            TestRetake.registration_id == registration.id, TestRetake.kind == kind)):
        return
    db.session.add(TestRetake(registration_id=registration.id, kind=kind, granted_by_id=getattr(actor, "id", None)))
    db.session.flush()
    record(actor, "evaluation.retake", registration,
           summary=Message(N_("%(test)s boleh diulang"), test=windows.KIND_LABELS[kind]))
