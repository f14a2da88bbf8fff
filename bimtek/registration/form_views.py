"""The public registration form's markup (a template global, see register_template_context).

A blank form is the same for every visitor of a training except its CSRF token, and rendering its eleven fields
(labels, hints, attributes; WTForms and the `field` macro) was the largest part of the form page's CPU. It is
rendered once per app, training, organizer unit (the privacy notice names it), locale, DPO contact and script
root, and then served with only the visitor's token put in. A submitted form (values, errors) is rendered in
full every time. templates/registration/_register_form.html lists what the markup may depend on.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from flask_wtf import FlaskForm

    from bimtek.trainings.models import Training

TEMPLATE = "registration/_register_form.html"
_MAX_ENTRIES = 256  # trainings x locales; the cache starts over when full


def registration_form(form: FlaskForm, training: Training) -> Markup:
    """The form's markup: from the cache for a blank form, rendered in full for a submitted one."""
    token_field = getattr(form, "csrf_token", None)  # none when CSRF is switched off (some tests)
    if token_field is None or form.is_submitted() or any(field.errors for field in form):
        return Markup(render_template(TEMPLATE, form=form, training=training))  # nosec B704  # autoescaped
    token = str(escape(token_field.current_token))
    cache = current_app.extensions.setdefault("bimtek.registration_form", {})
    key = (training.id, training.organizer_unit, str(get_locale()), current_app.config.get("DPO_CONTACT"),
           request.script_root)
    parts = cache.get(key)
    if parts is None:
        html = render_template(TEMPLATE, form=form, training=training)
        if html.count(token) == 1:  # the token cannot be told apart from the rest otherwise: do not cache
            if len(cache) >= _MAX_ENTRIES:
                cache.clear()
            prefix, _, suffix = html.partition(token)
            cache[key] = (prefix, suffix)
        return Markup(html)  # nosec B704  # autoescaped template
    return Markup(parts[0] + token + parts[1])  # nosec B704  # the cached autoescaped markup and an escaped token
