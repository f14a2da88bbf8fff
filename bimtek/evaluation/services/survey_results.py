"""Questionnaire results (read only, aggregates only) and reminders to those who have not answered.

Nothing here returns who gave an answer: open answers come back sorted by text, not in submission order.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.evaluation import likert
from bimtek.evaluation.models import SurveyAnswer, SurveyResponse
from bimtek.evaluation.services.settings import settings_for
from bimtek.evaluation.services.surveys import questions_of
from bimtek.extensions import db
from bimtek.mail import services as mail
from bimtek.registration.models import Registration, Status

if TYPE_CHECKING:
    from bimtek.trainings.models import Training


@dataclass(frozen=True)
class QuestionResult:
    question: object
    summary: likert.Summary | None  # Likert items
    texts: tuple  # open items


def question_results(training: Training) -> list[QuestionResult]:
    scale = settings_for(training).likert_scale
    values, texts = {}, {}
    # Likert values counted by the database (a few rows per question instead of one per answer: the summary
    # depends only on how often each value occurs); open answers as they are.
    for question_id, value, count in db.session.execute(sa.select(
            SurveyAnswer.question_id, SurveyAnswer.value, sa.func.count()).where(
            SurveyAnswer.training_id == training.id, SurveyAnswer.value.is_not(None))
            .group_by(SurveyAnswer.question_id, SurveyAnswer.value)):
        values.setdefault(question_id, []).extend([value] * count)
    for question_id, text in db.session.execute(sa.select(SurveyAnswer.question_id, SurveyAnswer.text).where(
            SurveyAnswer.training_id == training.id, SurveyAnswer.value.is_(None), SurveyAnswer.text != "")):
        texts.setdefault(question_id, []).append(text)
    out = []
    for q in questions_of(training):
        if q.kind == likert.LIKERT:
            out.append(QuestionResult(q, likert.summarize(values.get(q.id, []), scale), ()))
        else:
            out.append(QuestionResult(q, None, tuple(sorted(texts.get(q.id, []), key=str.casefold))))
    return out


def speaker_results(training: Training, results: list[QuestionResult] | None = None) -> list[tuple[str, float, int]]:
    """[(speaker, mean over their items, answer count)]."""
    results = question_results(training) if results is None else results
    return likert.means_from_distributions([(result.question.speaker, result.summary.distribution)
                                            for result in results if result.question.speaker and result.summary])


def section_means(results: Iterable[QuestionResult]) -> list[tuple[str, float]]:
    """[(section, mean of its Likert answers)] in questionnaire order."""
    means = likert.means_from_distributions([(result.question.section, result.summary.distribution)
                                             for result in results if result.summary], ordered=True)
    return [(section, mean) for section, mean, _count in means]


def non_respondents(training: Training) -> list[Registration]:
    """Registered participants who have not submitted the questionnaire, in registration order."""
    done = sa.select(SurveyResponse.registration_id).where(  # as respondent_ids, filtered by the database
        SurveyResponse.training_id == training.id, SurveyResponse.submitted_at.is_not(None))
    return list(db.session.scalars(sa.select(Registration).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value,
        Registration.anonymized_at.is_(None), Registration.id.not_in(done)).order_by(Registration.seq)))


def send_reminders(training: Training) -> int:
    """Queue a reminder to each non-respondent; returns how many."""
    people = non_respondents(training)
    for reg in people:
        mail.queue_mail(reg.email, f"Pengingat evaluasi — {training.name}", "evaluation_reminder",
                        registration=reg, training=training,
                        url=mail.absolute_url("registration.portal"))
    return len(people)


def results_table(training: Training) -> tuple[list[str], list[list[Any]]]:
    """(headers, rows) for the XLSX: one row per question, mean and distribution; open answers follow."""
    scale = settings_for(training).likert_scale
    headers = ["No", "Bagian", "Narasumber", "Pernyataan", "Jumlah Jawaban", "Rata-rata"] + [
        f"Skor {point}" for point in range(1, scale + 1)] + ["Jawaban Terbuka"]
    rows = []
    for number, result in enumerate(question_results(training), start=1):
        q = result.question
        if result.summary:
            rows.append([number, q.section, q.speaker, q.text, result.summary.count, result.summary.mean,
                         *result.summary.distribution, ""])
        else:
            rows.append([number, q.section, q.speaker, q.text, len(result.texts), None, *[None] * scale,
                         "\n".join(result.texts)])
    return headers, rows
