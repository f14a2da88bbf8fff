"""200 simultaneous submissions for 100 seats, with real threads against the real database."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from bimtek.registration.models import Registration
from tests.integration.registration_helpers import form, open_training

SEATS, PEOPLE = 100, 200


@pytest.mark.slow
def test_capacity_and_numbers_hold_under_concurrency(app, db):
    training = open_training(code="RACE", capacity=SEATS)
    training_id = training.id
    barrier = threading.Barrier(PEOPLE)

    def submit(i):
        client = app.test_client()
        barrier.wait()
        return client.post(f"/pelatihan/{training_id}/daftar", data=form(email=f"p{i}@example.id")).status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(PEOPLE) as pool:
        codes = list(pool.map(submit, range(PEOPLE)))
    elapsed = time.perf_counter() - started
    print(f"\n{PEOPLE} concurrent registrations on {db.engine.dialect.name}: {elapsed:.2f}s")
    assert codes == [302] * PEOPLE
    db.session.expire_all()
    regs = db.session.scalars(sa.select(Registration).where(Registration.training_id == training_id)).all()
    statuses = [r.status for r in regs]
    assert statuses.count("registered") == SEATS and statuses.count("waiting") == PEOPLE - SEATS
    assert sorted(r.seq for r in regs) == list(range(1, PEOPLE + 1))
    assert len({r.number for r in regs}) == PEOPLE
    # the waiting list is in arrival order: everyone registered got a lower sequence than anyone waiting
    assert max(r.seq for r in regs if r.status == "registered") < min(r.seq for r in regs if r.status == "waiting")


@pytest.mark.slow
def test_same_email_twice_concurrently_gives_one_registration(app, db):
    training = open_training(code="DUPE")
    training_id = training.id
    barrier = threading.Barrier(20)

    def submit(_):
        client = app.test_client()
        barrier.wait()
        return client.post(f"/pelatihan/{training_id}/daftar", data=form(email="same@example.id")).status_code

    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(submit, range(20)))
    assert codes == [302] * 20  # every answer looks the same: a repeat must not reveal a registered address
    count = db.session.scalar(sa.select(sa.func.count(Registration.id)).where(Registration.training_id == training_id))
    assert count == 1
