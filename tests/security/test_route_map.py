"""Security baseline generated from the app's URL map, so every new route is covered automatically.

- Every state-changing route (POST/PUT/PATCH/DELETE) rejects a request without a CSRF token.
- Every organizer route (under /kelola) rejects participants and staff of another training.
"""
import re

import pytest

from bimtek import create_app
from bimtek.accounts.models import Duty, Role
from tests.factories import make_registration, make_staff, make_training, make_user, sign_in

# Routes that are deliberately public or participant-facing (checked by their own tests).
ORGANIZER_PREFIX = "/kelola"
# Organizer routes that any staff member may open regardless of training (none are per-training).
STAFF_GLOBAL = {"/kelola", "/kelola/pelatihan/baru"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _rules():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def _fill(rule, ids):
    """Build a concrete URL for a rule, using real ids where the argument names say what they are."""
    values = {}
    for arg in rule.arguments:
        if arg in ids:
            values[arg] = ids[arg]
        elif rule._converters[arg].__class__.__name__ == "IntegerConverter":
            values[arg] = ids.get("fallback_int", 1)
        elif rule._converters[arg].__class__.__name__ == "AnyConverter":  # one of the values it accepts
            values[arg] = sorted(rule._converters[arg].items)[0]
        else:
            values[arg] = ids.get(arg, "x")
    url = rule.rule
    for arg, value in values.items():
        url = re.sub(r"<(?:[^:<>]+:)?" + arg + r">", str(value), url)
    return url


@pytest.fixture
def world(db):
    training = make_training()
    other = make_training()
    registration = make_registration(training)
    return {
        "training": training, "other": other, "registration": registration,
        "ids": {"training_id": training.id, "session_id": training.sessions[0].id, "registration_id": registration.id,
                "fallback_int": 1, "materi_id": training.materi[0].id, "lang": "id", "action": "hapus",
                "kind": "post"},
    }


UNSAFE_RULES = [r for r in _rules() if r.methods & UNSAFE]
SIGNED_INSTEAD_OF_CSRF = {"/webhooks/zoom": 401}  # the only CSRF-exempt routes (x-zm-signature, issue 16)
ORGANIZER_RULES = [r for r in _rules() if r.rule.startswith(ORGANIZER_PREFIX) and r.rule not in STAFF_GLOBAL]


@pytest.mark.parametrize("rule", UNSAFE_RULES, ids=lambda r: f"{sorted(r.methods & UNSAFE)[0]} {r.rule}")
def test_state_changing_route_rejects_missing_csrf(csrf_app, world, rule):
    client = csrf_app.test_client()
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    method = sorted(rule.methods & UNSAFE)[0]
    response = client.open(_fill(rule, world["ids"]), method=method, data={"x": "1"})
    # Outside callers (Zoom) sign their requests instead of carrying a CSRF token: unsigned is refused with 401.
    expected = SIGNED_INSTEAD_OF_CSRF.get(rule.rule, 400)
    assert response.status_code == expected, f"{rule.rule} accepted a request without CSRF token"


@pytest.mark.parametrize("rule", ORGANIZER_RULES, ids=lambda r: r.rule)
def test_organizer_route_rejects_participant(client, login_as, world, rule):
    login_as(world["registration"].user)
    method = "GET" if "GET" in rule.methods else sorted(rule.methods & UNSAFE)[0]
    response = client.open(_fill(rule, world["ids"]), method=method)
    assert response.status_code in (403, 404), f"{rule.rule} answered {response.status_code} to a participant"


@pytest.mark.parametrize("rule", [r for r in ORGANIZER_RULES if "training_id" in r.arguments], ids=lambda r: r.rule)
def test_organizer_route_rejects_staff_of_another_training(client, login_as, world, rule):
    outsider = make_staff(world["other"], Duty.PANITIA)
    for duty in (Duty.REVIEWER, Duty.PENANDATANGAN):
        from bimtek.accounts.services import assign_duty

        assign_duty(world["other"], outsider, duty)
    login_as(outsider)
    method = "GET" if "GET" in rule.methods else sorted(rule.methods & UNSAFE)[0]
    response = client.open(_fill(rule, world["ids"]), method=method)
    assert response.status_code in (403, 404), \
        f"{rule.rule} answered {response.status_code} to another training's staff"
