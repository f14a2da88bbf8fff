"""The optional certificate gate: post-test done and/or questionnaire sent join attendance and RTL."""
from bimtek.certificates.services import eligibility_for, training_rows
from bimtek.certificates.services.eligibility import Eligibility
from bimtek.evaluation import services
from bimtek.evaluation.services import surveys
from bimtek.extensions import db
from tests.factories import make_registration, make_training
from tests.integration.evaluation_helpers import after_last_start, with_bank


def test_gate_is_off_by_default(db):
    training = with_bank(make_training())
    eligibility = eligibility_for(make_registration(training))
    assert eligibility.evaluation_missing == () and eligibility.evaluation_required == ()


def test_required_parts_are_named_until_done(db):
    training = with_bank(make_training(materi_jp=(3,)))
    services.save_settings(None, training, 4, None, None, True, True)
    reg = make_registration(training)
    db.session.commit()
    eligibility = eligibility_for(reg)
    assert eligibility.evaluation_required == ("post-test dikerjakan", "evaluasi penyelenggaraan diisi")
    assert "Post-test belum dikerjakan." in eligibility.missing
    assert "Evaluasi penyelenggaraan belum diisi." in eligibility.missing
    now = after_last_start(training)
    attempt = services.start_attempt(reg, "post", now)
    services.submit_attempt(None, attempt, now)
    surveys.submit(reg, {str(q.id): 3 for q in surveys.questions_of(training) if q.kind == "likert"}, now)
    db.session.commit()
    assert eligibility_for(reg).evaluation_missing == ()
    row = next(r for r in training_rows(training) if r.registration.id == reg.id)
    assert row.eligibility.evaluation_missing == ()


def test_evaluation_blocks_an_otherwise_eligible_participant():
    base = dict(registered=True, attendance_ok=True, attendance_reason="", rtl_ok=True, rtl_reason="")
    assert Eligibility(**base).ok
    blocked = Eligibility(**base, evaluation_missing=("Post-test belum dikerjakan",))
    assert not blocked.ok and blocked.missing == ["Post-test belum dikerjakan."]


def test_portal_explains_the_rule(client, login_as):
    from datetime import timedelta

    from bimtek.core.models import now_utc

    training = with_bank(make_training(start=(now_utc() - timedelta(days=10)).date()))
    services.save_settings(None, training, 5, None, None, True, False)
    db.session.commit()
    reg = make_registration(training)
    login_as(reg.user)
    page = client.get("/peserta").get_data(as_text=True)
    assert "post-test dikerjakan" in page and "Post-test belum dikerjakan" in page
