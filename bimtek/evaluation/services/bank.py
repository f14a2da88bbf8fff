"""The training's question bank (flush only): list, replace from an XLSX upload, export."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa

from bimtek.audit.services import record
from bimtek.core.errors import InvalidTransition
from bimtek.core.messages import N_, Message
from bimtek.evaluation import question_bank
from bimtek.evaluation.models import TestAttempt, TestQuestion
from bimtek.extensions import db

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.trainings.models import Training


def questions_of(training: Training) -> Sequence[TestQuestion]:
    return db.session.scalars(sa.select(TestQuestion).where(TestQuestion.training_id == training.id)
                              .order_by(TestQuestion.position, TestQuestion.id)).all()


def answer_keys(training: Training) -> dict[int, int]:
    """{question id: correct original index}."""
    return {q.id: q.correct_index for q in questions_of(training)}


def has_attempts(training: Training) -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count(TestAttempt.id)).where(
        TestAttempt.training_id == training.id)))


def replace_bank(actor: User, training: Training, questions: Sequence[question_bank.QuestionData]) -> None:
    """Replace the bank with [QuestionData]; refused once someone started a test (scores must stay comparable)."""
    if has_attempts(training):
        raise InvalidTransition("Bank soal tidak dapat diganti karena peserta sudah mulai mengerjakan tes.")
    for old in questions_of(training):
        db.session.delete(old)
    db.session.flush()
    for position, q in enumerate(questions, start=1):
        db.session.add(TestQuestion(training_id=training.id, position=position, text=q.text,
                                    options=list(q.options), correct_index=q.correct, explanation=q.explanation))
    db.session.flush()
    record(actor, "evaluation.bank", None, training_id=training.id,
           summary=Message(N_("Bank soal diganti (%(count)s soal)"), count=len(questions)), count=len(questions))


def import_bank(actor: User, training: Training, filename: str, data: bytes) -> int:
    """Read an uploaded bank (checked by bytes, bounded) and replace the current one; returns the count."""
    questions = question_bank.read_bank(filename, data)
    replace_bank(actor, training, questions)
    return len(questions)


def export_bank(training: Training) -> bytes:
    """XLSX bytes of the bank (the same headers import accepts)."""
    return question_bank.write_bank([
        question_bank.QuestionData(q.text, tuple(q.options), q.correct_index, q.explanation)
        for q in questions_of(training)])
