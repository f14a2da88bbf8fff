"""The questionnaire: default set, autosave, one submission (also concurrent), anonymity, results, reminders."""
import pytest
import sqlalchemy as sa

from bimtek.core.errors import InvalidTransition, ValidationError
from bimtek.evaluation.models import SurveyAnswer, SurveyResponse
from bimtek.evaluation.services import survey_results, surveys
from bimtek.registration.models import Registration
from tests.concurrency import run_at_once
from tests.factories import make_registration, make_training
from tests.integration.evaluation_helpers import after_last_start, before_start


def full_answers(training, value=4, text="Sangat bermanfaat"):
    return {str(q.id): (value if q.kind == "likert" else text) for q in surveys.questions_of(training)}


def test_default_questionnaire_has_every_section_and_speaker(db):
    training = make_training(materi_jp=(3, 2))
    questions = surveys.questions_of(training)
    assert {q.section for q in questions} >= {"Materi", "Narasumber", "Waktu", "Sarana daring", "Panitia"}
    assert {q.speaker for q in questions if q.speaker} == {"Pemateri 1", "Pemateri 2"}
    assert len(surveys.questions_of(training)) == len(questions)  # created once


def test_concurrent_first_visits_create_one_questionnaire(app, db):
    from bimtek.evaluation.models import SurveyQuestion
    from bimtek.trainings.models import Training

    training_id = make_training(materi_jp=(3,)).id
    _, errors = run_at_once(app, db, lambda: len(surveys.questions_of(db.session.get(Training, training_id))))
    assert errors == []
    assert db.session.scalar(sa.select(sa.func.count(SurveyQuestion.id))) == 13


def test_autosave_then_submit_once_and_erase_the_draft(db):
    training = make_training(materi_jp=(3,))
    reg = make_registration(training)
    now = after_last_start(training)
    with pytest.raises(InvalidTransition):
        surveys.save_draft(reg, {}, before_start(training))
    answers = full_answers(training)
    first_key = next(iter(answers))
    surveys.save_draft(reg, {first_key: "5", "999999": "4"}, now)
    assert surveys.response_of(reg).draft == {first_key: 5}
    with pytest.raises(ValidationError, match="belum dinilai"):
        surveys.submit(reg, {}, now)
    surveys.submit(reg, answers, now)
    db.session.commit()
    response = surveys.response_of(reg)
    assert response.draft == {} and response.submitted_at.hour == 0
    assert response.updated_at == response.submitted_at  # no exact time that could be matched to answers
    with pytest.raises(InvalidTransition, match="sudah Anda kirim"):
        surveys.save_draft(reg, answers, now)


def test_answers_cannot_be_traced_to_a_participant(db):
    training = make_training(materi_jp=(3,))
    now = after_last_start(training)
    for value in (1, 4):
        surveys.submit(make_registration(training), full_answers(training, value, f"teks {value}"), now)
    db.session.commit()
    columns = set(SurveyAnswer.__table__.columns.keys())
    assert not columns & {"registration_id", "user_id", "response_id", "created_at", "submitted_at"}
    keys = set(db.session.scalars(sa.select(SurveyAnswer.submission_key)))
    assert len(keys) == 2
    results = survey_results.question_results(training)
    likert_result = next(r for r in results if r.summary)
    assert likert_result.summary.distribution == (1, 0, 0, 1, 0) and likert_result.summary.mean == 2.5
    assert next(r for r in results if r.texts).texts == ("teks 1", "teks 4")
    assert survey_results.speaker_results(training, results) == [("Pemateri 1", 2.5, 6)]


def test_non_respondents_get_a_reminder(db):
    from bimtek.mail.models import OutboxMessage

    training = make_training(materi_jp=(3,))
    done, pending = make_registration(training), make_registration(training)
    make_registration(training, status="waiting")
    surveys.submit(done, full_answers(training), after_last_start(training))
    assert [r.id for r in survey_results.non_respondents(training)] == [pending.id]
    assert survey_results.send_reminders(training) == 1
    db.session.commit()
    assert db.session.scalars(sa.select(OutboxMessage.recipient)).all() == [pending.email]


def test_concurrent_double_submission_stores_one_set(app, db):
    training = make_training(materi_jp=(3,))
    reg_id = make_registration(training).id
    answers, now = full_answers(training), after_last_start(training)
    db.session.commit()
    _, errors = run_at_once(app, db, lambda: surveys.submit(db.session.get(Registration, reg_id), answers, now))
    assert len(errors) == 7
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(SurveyAnswer.submission_key)))) == 1
    assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1
