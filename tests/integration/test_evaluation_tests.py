"""Pre-/post-test: windows, one attempt (also under concurrent double submission), retake, scores and N-gain."""
import pytest
import sqlalchemy as sa

from bimtek.core.errors import InvalidTransition, ValidationError
from bimtek.evaluation import services
from bimtek.evaluation.models import TestAttempt
from bimtek.registration.models import Registration
from tests.concurrency import run_at_once
from tests.factories import make_registration, make_training
from tests.integration.evaluation_helpers import after_last_start, answer_all, before_start, with_bank


def test_windows_follow_the_schedule(db):
    training = with_bank(make_training())
    reg = make_registration(training)
    early, late = before_start(training), after_last_start(training)
    assert services.start_attempt(reg, "pre", early).number == 1
    with pytest.raises(InvalidTransition, match="sesi pertama"):
        services.start_attempt(reg, "pre", late)
    with pytest.raises(InvalidTransition, match="belum dibuka"):
        services.start_attempt(reg, "post", early)
    assert services.start_attempt(reg, "post", late).kind == "post"


def test_no_bank_no_test_and_waiting_list_cannot_take(db):
    training = make_training()
    with pytest.raises(InvalidTransition, match="Soal belum"):
        services.start_attempt(make_registration(training), "post", after_last_start(training))
    with_bank(training)
    with pytest.raises(InvalidTransition, match="terdaftar"):
        services.start_attempt(make_registration(training, status="waiting"), "post", after_last_start(training))


def test_score_one_attempt_then_retake(db):
    training = with_bank(make_training())
    reg = make_registration(training)
    now = after_last_start(training)
    attempt = services.start_attempt(reg, "post", now)
    assert services.start_attempt(reg, "post", now).id == attempt.id  # reopening continues the same attempt
    answer_all(attempt, 3, now)
    services.submit_attempt(None, attempt, now)
    assert (attempt.correct_count, attempt.question_count, attempt.score) == (3, 5, 60.0)
    with pytest.raises(InvalidTransition, match="sudah dikirim"):
        services.save_answer(attempt, services.questions_of(training)[0].id, 0, now)
    with pytest.raises(InvalidTransition, match="sudah Anda kerjakan"):
        services.start_attempt(reg, "post", now)
    services.grant_retake(None, reg, "post")
    second = services.start_attempt(reg, "post", now)
    assert second.number == 2
    answer_all(second, 5, now)
    services.submit_attempt(None, second, now)
    assert [row.post for row in services.score_rows(training)] == [100.0]


def test_bad_answers_are_refused(db):
    training = with_bank(make_training())
    other = with_bank(make_training())
    attempt = services.start_attempt(make_registration(training), "post", after_last_start(training))
    with pytest.raises(ValidationError):
        services.save_answer(attempt, services.questions_of(other)[0].id, 0)
    with pytest.raises(ValidationError):
        services.save_answer(attempt, services.questions_of(training)[0].id, 7)


def test_time_limit_stops_autosave_but_keeps_saved_answers(db):
    from datetime import timedelta

    training = with_bank(make_training())
    services.save_settings(None, training, 5, None, 10, False, False)
    attempt = services.start_attempt(make_registration(training), "post", after_last_start(training))
    answer_all(attempt, 2, attempt.started_at)
    late = attempt.started_at + timedelta(minutes=12)
    with pytest.raises(InvalidTransition, match="Waktu pengerjaan"):
        services.save_answer(attempt, services.questions_of(training)[4].id, 0, late)
    assert services.submit_attempt(None, attempt, late).score == 40.0


def test_class_summary_and_n_gain_with_perfect_pre(db):
    training = with_bank(make_training())
    early, late = before_start(training), after_last_start(training)
    for pre_right, post_right in ((2, 4), (5, 5), (1, 1)):
        reg = make_registration(training)
        for kind, right, now in (("pre", pre_right, early), ("post", post_right, late)):
            attempt = services.start_attempt(reg, kind, now)
            answer_all(attempt, right, now)
            services.submit_attempt(None, attempt, now)
    db.session.commit()
    rows = services.score_rows(training)
    assert [(r.pre, r.post, r.gain) for r in rows] == [(40.0, 80.0, 0.67), (100.0, 100.0, None), (20.0, 20.0, 0.0)]
    assert rows[1].gain_text == "tidak terdefinisi (nilai pre-test 100)"
    summary = services.class_summary(training)
    assert (summary.pre_average, summary.post_average) == (53.33, 66.67)
    assert summary.gain == 0.29 and summary.category == "rendah"
    items = services.item_rows(training)
    assert [(pre, post) for _, pre, post in items] == [
        (100.0, 100.0), (66.7, 66.7), (33.3, 66.7), (33.3, 66.7), (33.3, 33.3)]


def test_paper_is_shuffled_per_participant_but_stable(db):
    training = with_bank(make_training())
    now = after_last_start(training)
    papers = []
    for _ in range(6):
        attempt = services.start_attempt(make_registration(training), "post", now)
        db.session.commit()
        paper = services.paper_of(attempt)
        assert paper == services.paper_of(attempt)
        papers.append(tuple((q.id, tuple(options)) for q, options in paper))
    assert len(set(papers)) > 1


def test_concurrent_starts_make_one_attempt(app, db):
    training = with_bank(make_training())
    reg_id, now = make_registration(training).id, after_last_start(training)
    _, errors = run_at_once(app, db, lambda: services.start_attempt(db.session.get(Registration, reg_id), "post", now))
    assert errors == []
    assert db.session.scalar(sa.select(sa.func.count(TestAttempt.id))) == 1


def test_concurrent_double_submission_scores_once(app, db):
    training = with_bank(make_training())
    reg = make_registration(training)
    now = after_last_start(training)
    attempt = services.start_attempt(reg, "post", now)
    db.session.commit()
    answer_all(attempt, 4, now)
    attempt_id = attempt.id

    def submit():
        return services.submit_attempt(None, db.session.get(TestAttempt, attempt_id), now).score

    results, errors = run_at_once(app, db, submit)
    assert results == [80.0]
    assert len(errors) == 7 and all(isinstance(e, InvalidTransition) for e in errors)
