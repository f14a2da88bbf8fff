"""Builders for evaluation tests: a training with a five-question bank, times before/after its schedule."""
from datetime import timedelta

from bimtek.evaluation import question_bank
from bimtek.evaluation.services import replace_bank
from bimtek.extensions import db

BANK = [question_bank.QuestionData(f"Soal {n}?", ("Benar", "Salah satu", "Salah dua", "Salah tiga"), 0,
                                   f"Pembahasan {n}") for n in range(1, 6)]


def with_bank(training, questions=BANK):
    replace_bank(None, training, questions)
    db.session.commit()
    return training


def before_start(training):
    return training.sessions[0].starts_at - timedelta(hours=1)


def after_last_start(training):
    return training.sessions[-1].starts_at + timedelta(minutes=5)


def answer_all(attempt, right_count, now):
    """Answer the first `right_count` questions (bank order) right and the rest wrong."""
    from bimtek.evaluation.services import questions_of, save_answer

    for index, question in enumerate(questions_of(attempt.registration.training)):
        save_answer(attempt, question.id, question.correct_index if index < right_count else 1, now)
    db.session.commit()
