"""The bulk RTL status used by the certificate page agrees with the per-registration gate."""
from bimtek.action_plans import workflow
from bimtek.action_plans.models import ActionPlan, ActionPlanSettings
from bimtek.action_plans.services import rtl_status_for, rtl_statuses_for_training
from tests.factories import make_registration, make_training


def test_bulk_statuses_match_single_lookups(db):
    training = make_training()
    regs = [make_registration(training) for _ in range(4)]
    for reg, status in zip(regs[1:], (workflow.DRAFT, workflow.PERLU_REVISI, workflow.DISETUJUI)):
        db.session.add(ActionPlan(registration_id=reg.id, training_id=training.id, status=status, rows=[]))
    db.session.commit()
    bulk = rtl_statuses_for_training(training)
    assert bulk == {reg.id: rtl_status_for(reg) for reg in regs}
    assert [bulk[r.id][0] for r in regs] == [False, False, False, True]


def test_bulk_statuses_when_rtl_not_required(db):
    training = make_training()
    reg = make_registration(training)
    db.session.add(ActionPlanSettings(training_id=training.id, required_for_certificate=False))
    db.session.commit()
    assert rtl_statuses_for_training(training) == {reg.id: (True, "RTL tidak diwajibkan untuk pelatihan ini")}
