"""Evaluation: per-training settings, the question bank, test attempts with per-question answers, the
questionnaire, who responded (for reminders) and the anonymous answers (no link back to a participant).
"""
import sqlalchemy as sa
from sqlalchemy import orm

from bimtek.core.models import TimestampMixin, UTCDateTime, now_utc
from bimtek.extensions import db


class EvaluationSettings(TimestampMixin, db.Model):
    """How a training evaluates (absent row = defaults: Likert 1–5, no time limit, no certificate gate)."""

    __tablename__ = "evaluation_settings"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False,
                            unique=True)
    likert_scale = sa.Column(sa.Integer, nullable=False, default=5)
    pretest_minutes = sa.Column(sa.Integer)
    posttest_minutes = sa.Column(sa.Integer)
    require_posttest = sa.Column(sa.Boolean, nullable=False, default=False)
    require_evaluation = sa.Column(sa.Boolean, nullable=False, default=False)


class TestQuestion(db.Model):
    """One multiple-choice question of the training's bank (used by both the pre-test and the post-test)."""

    __tablename__ = "evaluation_test_questions"
    __test__ = False  # not a pytest class

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    position = sa.Column(sa.Integer, nullable=False, default=0)
    text = sa.Column(sa.Text, nullable=False)
    options = sa.Column(sa.JSON, nullable=False)  # option texts in the author's order
    correct_index = sa.Column(sa.Integer, nullable=False)
    explanation = sa.Column(sa.Text, nullable=False, default="")


class TestAttempt(TimestampMixin, db.Model):
    """One attempt of one participant at the pre- or post-test; the unique key makes the attempt count race-free."""

    __tablename__ = "evaluation_test_attempts"
    __test__ = False
    __table_args__ = (sa.UniqueConstraint("registration_id", "kind", "number",
                                          name="uq_evaluation_test_attempts_registration_kind_number"),)

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"),
                                nullable=False, index=True)
    kind = sa.Column(sa.String(4), nullable=False)  # pre | post
    number = sa.Column(sa.Integer, nullable=False, default=1)
    started_at = sa.Column(UTCDateTime, nullable=False, default=now_utc)
    submitted_at = sa.Column(UTCDateTime)
    correct_count = sa.Column(sa.Integer)
    question_count = sa.Column(sa.Integer)
    score = sa.Column(sa.Float)

    registration = orm.relationship("Registration")
    answers = orm.relationship("TestAnswer", cascade="all, delete-orphan", back_populates="attempt")


class TestAnswer(db.Model):
    """The option (original index) a participant chose for one question; saved as they go (autosave)."""

    __tablename__ = "evaluation_test_answers"
    __test__ = False
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id",
                                          name="uq_evaluation_test_answers_attempt_question"),)

    id = sa.Column(sa.Integer, primary_key=True)
    attempt_id = sa.Column(sa.Integer, sa.ForeignKey("evaluation_test_attempts.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    question_id = sa.Column(sa.Integer, sa.ForeignKey("evaluation_test_questions.id", ondelete="CASCADE"),
                            nullable=False)
    choice = sa.Column(sa.Integer, nullable=False)

    attempt = orm.relationship("TestAttempt", back_populates="answers")


class TestRetake(TimestampMixin, db.Model):
    """The admin allowed one more attempt at a test for one registration."""

    __tablename__ = "evaluation_test_retakes"
    __test__ = False
    __table_args__ = (sa.UniqueConstraint("registration_id", "kind",
                                          name="uq_evaluation_test_retakes_registration_kind"),)

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False)
    kind = sa.Column(sa.String(4), nullable=False)
    granted_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))


class SurveyQuestion(db.Model):
    """One item of the questionnaire: Likert or open, optionally about one materi and its speaker."""

    __tablename__ = "evaluation_survey_questions"
    __table_args__ = (sa.UniqueConstraint("training_id", "position",
                                          name="uq_evaluation_survey_questions_training_position"),)

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    position = sa.Column(sa.Integer, nullable=False, default=0)
    section = sa.Column(sa.String(40), nullable=False)
    kind = sa.Column(sa.String(10), nullable=False)  # likert | open
    text = sa.Column(sa.Text, nullable=False)
    materi_id = sa.Column(sa.Integer, sa.ForeignKey("materi.id", ondelete="SET NULL"))
    speaker = sa.Column(sa.String(200), nullable=False, default="")


class SurveyResponse(TimestampMixin, db.Model):
    """Who has (or has not yet) answered, with their working draft; the draft is erased on submission."""

    __tablename__ = "evaluation_survey_responses"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"),
                                nullable=False, unique=True)
    draft = sa.Column(sa.JSON, nullable=False, default=dict)  # {question id: value or text} until submission
    submitted_at = sa.Column(UTCDateTime)


class SurveyAnswer(db.Model):
    """One anonymous answer: no registration, no user, no time — only a random key grouping one submission."""

    __tablename__ = "evaluation_survey_answers"

    id = sa.Column(sa.Integer, primary_key=True)
    training_id = sa.Column(sa.Integer, sa.ForeignKey("trainings.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    question_id = sa.Column(sa.Integer, sa.ForeignKey("evaluation_survey_questions.id", ondelete="CASCADE"),
                            nullable=False, index=True)
    submission_key = sa.Column(sa.String(32), nullable=False)
    value = sa.Column(sa.Integer)
    text = sa.Column(sa.Text, nullable=False, default="")
