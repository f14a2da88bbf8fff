"""Every form of the app answers bad input in Bahasa Indonesia (no WTForms English), all fields at once."""
import importlib
import re

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

FORM_MODULES = ("bimtek.accounts.forms", "bimtek.action_plans.forms", "bimtek.attendance.forms",
                "bimtek.certificates.forms", "bimtek.certificates.verify_views", "bimtek.registration.forms",
                "bimtek.trainings.forms")
ENGLISH = re.compile(r"\b(field|must|not a|invalid|required|characters?|cannot|longer|number|value|choice|"
                     r"file|between|least|most)\b", re.I)
HOSTILE = ("x" * 6000, "2,5", "bukan-tanggal", "-1", "")


def _all_forms():
    for name in FORM_MODULES:
        importlib.import_module(name)
    found, todo = set(), list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls not in found and cls.__module__.startswith("bimtek."):
            found.add(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def _errors(form):
    for messages in form.errors.values():
        for message in messages:
            yield from (_errors_of(message) if isinstance(message, dict) else [str(message)])


def _errors_of(nested):
    for value in nested.values():
        yield from (str(v) for v in (value if isinstance(value, list) else [value]))


@pytest.mark.parametrize("form_class", _all_forms(), ids=lambda c: f"{c.__module__.split('.')[1]}.{c.__name__}")
@pytest.mark.parametrize("value", HOSTILE, ids=["long", "comma-decimal", "text", "negative", "empty"])
def test_every_form_error_is_indonesian(app, form_class, value):
    with app.test_request_context("/", method="POST"):
        app.preprocess_request()  # as a real request: locale and the form-message hook
        probe = form_class(meta={"csrf": False})
        data = MultiDict({f.name: value for f in probe if f.type not in ("CSRFTokenField",)})
        form = form_class(formdata=data, meta={"csrf": False})
        for f in form:
            if f.type in ("SelectField", "SelectMultipleField", "RadioField") and f.choices is None:
                f.choices = []
        form.validate()
        english = [m for m in _errors(form) if ENGLISH.search(m)]
        assert not english, english


def test_the_form_list_is_complete():
    names = {c.__name__ for c in _all_forms()}
    assert {"RegistrationForm", "TrainingForm", "MateriForm", "LookupForm", "RevokeForm"} <= names


@pytest.mark.parametrize("form_class", _all_forms(), ids=lambda c: f"{c.__module__.split('.')[1]}.{c.__name__}")
def test_email_and_phone_fields_bring_up_the_right_keyboard(app, form_class):
    with app.test_request_context("/"):
        form = form_class(meta={"csrf": False})
        for f in form:
            html = str(f())
            if "email" in f.name:
                assert 'type="email"' in html, (f.name, html)
            if f.name in ("phone", "no_hp", "telepon"):
                assert 'inputmode="tel"' in html and 'autocomplete="tel"' in html, html
