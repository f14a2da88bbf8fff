"""Test results: each participant's final scores and N-gain, the class summary, item analysis. Read only, except
that attempts whose time ran out are closed (scored) first, so every reader sees them.

The pages, the XLSX and the activity report all read these functions, so every figure has one source.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa

from bimtek.evaluation import scoring
from bimtek.evaluation.models import TestAnswer, TestAttempt
from bimtek.evaluation.services.attempts import close_overdue
from bimtek.evaluation.services.bank import answer_keys, questions_of
from bimtek.extensions import db
from bimtek.registration.models import Registration, Status

if TYPE_CHECKING:
    from bimtek.evaluation.models import TestQuestion
    from bimtek.trainings.models import Training


def final_attempts(training: Training) -> dict[tuple[int, str], FinalAttempt]:
    """{(registration id, kind): (id, score) of the latest submitted attempt}, read as plain tuples (thousands of
    attempts at a large training); attempts whose time ran out are closed first."""
    close_overdue(training)
    found = {}
    for registration_id, kind, attempt_id, score in db.session.execute(sa.select(
            TestAttempt.registration_id, TestAttempt.kind, TestAttempt.id, TestAttempt.score).where(
            TestAttempt.training_id == training.id, TestAttempt.submitted_at.is_not(None))
            .order_by(TestAttempt.number)):
        found[(registration_id, kind)] = FinalAttempt(attempt_id, score)
    return found


class FinalAttempt(NamedTuple):
    id: int
    score: float | None


@dataclass(frozen=True)
class ScoreRow:
    registration: Any  # the registration's id, number, nama_lengkap, instansi and kabupaten (a plain row)
    pre: float | None
    post: float | None

    @property
    def gain(self) -> float | None:
        return scoring.n_gain(self.pre, self.post)

    @property
    def category(self) -> str | None:
        return scoring.gain_category(self.gain)

    @property
    def gain_text(self) -> str:
        if self.pre is None or self.post is None:
            return "–"
        return scoring.gain_text(self.gain)


def score_rows(training: Training, attempts: dict[tuple[int, str], FinalAttempt] | None = None) -> list[ScoreRow]:
    """One row per registered participant, in registration order (`attempts`: final_attempts, if already read)."""
    attempts = final_attempts(training) if attempts is None else attempts
    registrations = db.session.execute(sa.select(
        Registration.id, Registration.number, Registration.nama_lengkap, Registration.instansi,
        Registration.kabupaten).where(
        Registration.training_id == training.id, Registration.status == Status.REGISTERED.value)
        .order_by(Registration.seq)).all()

    def value(reg: Any, kind: str) -> float | None:
        attempt = attempts.get((reg.id, kind))
        return attempt.score if attempt else None

    return [ScoreRow(reg, value(reg, "pre"), value(reg, "post")) for reg in registrations]


def class_summary(training: Training, rows: list[ScoreRow] | None = None) -> scoring.ClassSummary:
    rows = score_rows(training) if rows is None else rows
    return scoring.class_summary([(row.pre, row.post) for row in rows])


def item_rows(training: Training, attempts: dict[tuple[int, str], FinalAttempt] | None = None,
              ) -> list[tuple[TestQuestion, float | None, float | None]]:
    """[(question, % correct pre, % correct post)] over the final submitted attempts (`attempts`: final_attempts,
    if already read)."""
    questions = questions_of(training)
    attempts = final_attempts(training) if attempts is None else attempts
    keys, counts = answer_keys(training), {"pre": 0, "post": 0}
    for _registration_id, kind in attempts:
        counts[kind] += 1
    correct = {"pre": {}, "post": {}}
    if attempts:  # right answers per test and question, counted by the database
        ids = [a.id for a in attempts.values()]
        for kind, question_id, choice, count in db.session.execute(sa.select(
                TestAttempt.kind, TestAnswer.question_id, TestAnswer.choice, sa.func.count()).join(
                TestAttempt, TestAttempt.id == TestAnswer.attempt_id).where(TestAnswer.attempt_id.in_(ids))
                .group_by(TestAttempt.kind, TestAnswer.question_id, TestAnswer.choice)):
            if keys.get(question_id) == choice:
                correct[kind][question_id] = correct[kind].get(question_id, 0) + count
    shares = scoring.item_analysis_from_counts([q.id for q in questions], correct["pre"], counts["pre"],
                                               correct["post"], counts["post"])
    by_id = {q.id: q for q in questions}
    return [(by_id[qid], pre, post) for qid, pre, post in shares]


def posttest_done_ids(training: Training) -> set[int]:
    """Registration ids with a submitted post-test (for the certificate gate)."""
    close_overdue(training)
    return set(db.session.scalars(sa.select(TestAttempt.registration_id).where(
        TestAttempt.training_id == training.id, TestAttempt.kind == "post",
        TestAttempt.submitted_at.is_not(None))))


SCORE_HEADERS = ("No", "Nomor Registrasi", "Nama", "Instansi", "Kabupaten/Kota", "Nilai Pre-test", "Nilai Post-test",
                 "N-gain", "Kategori")


def score_table(training: Training) -> tuple[list[str], list[list[Any]]]:
    """(headers, rows) for the XLSX export of the scores."""
    rows = []
    for number, row in enumerate(score_rows(training), start=1):
        reg = row.registration
        rows.append([number, reg.number, reg.nama_lengkap, reg.instansi, reg.kabupaten, row.pre, row.post,
                     row.gain, row.category or ("tidak terdefinisi" if row.pre == 100 and row.post is not None
                                                else "")])
    return list(SCORE_HEADERS), rows
