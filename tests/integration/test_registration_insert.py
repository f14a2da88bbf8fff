"""services.register writes the row with one INSERT … SELECT under the training lock: the number, the status and the
duplicate check come from SQL, and must match the Python rules (numbering.format_registration_number, seats)."""
import pytest

from bimtek.core.errors import ValidationError
from bimtek.registration import services
from bimtek.registration.numbering import MAX_SEQUENCE, format_registration_number
from tests.factories import make_registration
from tests.integration.registration_helpers import form, open_training


def _withdrawn_with_sequence(training, seq):
    registration = make_registration(training, status="withdrawn")
    registration.seq, registration.number = seq, f"{training.code}-{seq}"


def _values(email):
    values, _warnings = services.clean_registration_data(form(email=email))
    return values


@pytest.mark.parametrize("last", [0, 8, 9, 98, 99, 998, 999, 9_998, 9_999, 123_455, MAX_SEQUENCE - 1])
def test_the_number_is_the_code_and_the_padded_sequence(db, last):
    training = open_training(code="spp2030")
    if last:
        _withdrawn_with_sequence(training, last)
        db.session.commit()
    registration = services.register(training, _values("baru@example.id"), mail=False)
    db.session.commit()
    assert (registration.seq, registration.number) == (last + 1, format_registration_number("SPP2030", last + 1))


def test_no_number_is_left_after_the_last_sequence(db):
    training = open_training(code="PENUH")
    _withdrawn_with_sequence(training, MAX_SEQUENCE)
    db.session.commit()
    with pytest.raises(ValidationError):
        services.register(training, _values("baru@example.id"), mail=False)


def test_seats_then_the_waiting_list_and_an_active_address_only_once(db):
    training = open_training(capacity=2)
    make_registration(training, status="withdrawn", email="lagi@example.id")  # inactive: may register again
    make_registration(training, status="rejected")
    db.session.commit()
    made = [services.register(training, _values(f"p{i}@example.id"), mail=False) for i in range(3)]
    again = services.register(training, _values("LAGI@example.id"), mail=False)
    db.session.commit()
    assert [r.status for r in made + [again]] == ["registered", "registered", "waiting", "waiting"]
    assert [r.waitlist_at is not None for r in made + [again]] == [False, False, True, True]
    assert [r.seq for r in made + [again]] == [3, 4, 5, 6] and again.email == "lagi@example.id"
    assert all(r.consent_at is not None and r.user_id is not None and r.training is training for r in made)
    with pytest.raises(services.DuplicateRegistration) as duplicate:
        services.register(training, _values("p2@example.id"), mail=False)
    assert duplicate.value.registration.id == made[2].id


def test_moderated_training_registrations_wait_for_approval_while_seats_remain(db):
    training = open_training(capacity=1, requires_approval=True)
    db.session.commit()
    first = services.register(training, _values("a@example.id"), mail=False)
    second = services.register(training, _values("b@example.id"), mail=False)
    db.session.commit()
    assert (first.status, second.status) == ("pending", "waiting")


def test_without_capacity_everyone_gets_a_seat(db):
    training = open_training(capacity=None)
    db.session.commit()
    statuses = {services.register(training, _values(f"x{i}@example.id"), mail=False).status for i in range(5)}
    assert statuses == {"registered"}
