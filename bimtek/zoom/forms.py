"""Zoom forms (labels in Bahasa Indonesia); secrets are password fields that are never filled back in."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length, Optional

from bimtek.core.i18n import lazy_gettext as _l


class ConnectionForm(FlaskForm):
    account_id = StringField(_l("Account ID"), validators=[Length(max=100)])
    client_id = StringField(_l("Client ID"), validators=[Length(max=100)])
    client_secret = PasswordField(
        _l("Client Secret"), validators=[Optional(), Length(max=200)],
        description=_l("Disimpan terenkripsi dan tidak pernah ditampilkan lagi. Kosongkan untuk tetap memakai yang "
                       "tersimpan."))
    recurring_meeting_id = StringField(
        _l("ID rapat berulang (opsional)"), validators=[Length(max=40)],
        description=_l("Satu rapat Zoom untuk semua sesi; sesi dengan ID rapat sendiri memakai ID itu."))
    webhook_token = PasswordField(
        _l("Secret token webhook (opsional)"), validators=[Optional(), Length(max=200)],
        description=_l("Dari halaman Feature → Event Subscriptions aplikasi Zoom; disimpan terenkripsi."))


class ActionForm(FlaskForm):
    """A button-only POST (test, pull, delete): just the CSRF token."""
