"""Time limits and windows end an attempt without losing it: answers saved in time are scored even when the
participant never presses "Kirim" (dropped connection, closed phone, the pre-test window closing mid-test)."""
from datetime import timedelta

from bimtek.core.models import now_utc
from bimtek.evaluation import services
from bimtek.evaluation.services import results
from bimtek.evaluation.services.attempts import close_overdue
from bimtek.extensions import db
from tests.factories import make_registration, make_training
from tests.integration.evaluation_helpers import answer_all, with_bank


def ongoing_training():
    return make_training(start=(now_utc() - timedelta(days=3)).date())


def test_submit_after_the_time_limit_scores_the_answers_saved_in_time(client, login_as):
    training = with_bank(ongoing_training())
    services.save_settings(None, training, 5, None, 10, False, False)
    reg = make_registration(training)
    db.session.commit()
    login_as(reg.user)
    url = f"/peserta/evaluasi/{reg.id}/tes/post"
    client.post(url, data={"action": "start"})
    attempt = services.attempts_of(reg, "post")[0]
    answer_all(attempt, 3, now_utc())
    attempt.started_at = now_utc() - timedelta(minutes=30)
    db.session.commit()
    late = {f"q{q.id}": str(q.correct_index) for q in services.questions_of(training)}  # all right, but late
    page = client.post(url, data={**late, "action": "submit"}, follow_redirects=True).get_data(as_text=True)
    assert "Waktu pengerjaan sudah habis" in page and "60" in page
    db.session.expire_all()
    attempt = services.attempts_of(reg, "post")[0]
    assert attempt.submitted_at == attempt.started_at + timedelta(minutes=10) and attempt.score == 60.0
    answer = client.post(url + "/jawaban", json={"question": services.questions_of(training)[4].id, "choice": 0})
    assert answer.status_code == 409


def test_an_abandoned_attempt_counts_in_the_results_once_its_time_is_over(db):
    training = with_bank(ongoing_training())
    services.save_settings(None, training, 5, None, 10, False, False)
    reg = make_registration(training)
    attempt = services.start_attempt(reg, "post")
    answer_all(attempt, 4, attempt.started_at)
    assert results.score_rows(training)[0].post is None  # still within the time limit
    attempt.started_at -= timedelta(minutes=11)
    db.session.commit()
    assert results.score_rows(training)[0].post == 80.0
    assert reg.id in results.posttest_done_ids(training)
    assert close_overdue(training) == 0  # closed once


def test_a_pretest_open_when_the_first_session_starts_is_scored(db):
    training = with_bank(make_training(start=(now_utc() + timedelta(days=1)).date()))
    reg = make_registration(training)
    first = training.sessions[0].starts_at
    attempt = services.start_attempt(reg, "pre", first - timedelta(minutes=20))
    answer_all(attempt, 2, first - timedelta(minutes=10))
    assert close_overdue(training, first - timedelta(minutes=1)) == 0
    assert close_overdue(training, first + timedelta(minutes=1)) == 1
    db.session.refresh(attempt)
    assert attempt.score == 40.0 and attempt.submitted_at == first
    state = services.state_of(reg, "pre", first + timedelta(minutes=2))
    assert state.done and not state.can_start


def test_participant_n_gain_follows_the_readers_locale(client, login_as):
    from tests.factories import make_user

    training = with_bank(ongoing_training())
    reg = make_registration(training)
    for kind, right, at in (("pre", 1, training.sessions[0].starts_at - timedelta(hours=1)), ("post", 4, None)):
        attempt = services.start_attempt(reg, kind, at)
        answer_all(attempt, right, at or now_utc())
        services.submit_attempt(None, attempt, at)
    db.session.commit()
    login_as(make_user("admin"))
    url = f"/kelola/pelatihan/{training.id}/evaluasi"
    assert "0,75 (tinggi)" in client.get(url).get_data(as_text=True)
    assert "0.75 (high)" in client.get(url + "?lang=en").get_data(as_text=True)
