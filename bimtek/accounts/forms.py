"""Account forms."""
from flask_wtf import FlaskForm

from bimtek.core.forms import choices
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from bimtek.accounts.models import DUTY_LABELS, ROLE_LABELS, Role
from bimtek.core.i18n import lazy_gettext as _l

REQUIRED = _l("Wajib diisi.")


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), Email(_l("Format email tidak valid."))])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(REQUIRED)])


class UserForm(FlaskForm):
    name = StringField(_l("Nama lengkap"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), Email(_l("Format email tidak valid."))])
    role = SelectField(_l("Jenis akun"),
                       choices=choices((r.value, _l(ROLE_LABELS[r])) for r in (Role.STAFF, Role.ADMIN)))
    password = PasswordField(_l("Kata sandi awal"),
                             validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Minimal 10 karakter."))])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Kata sandi sekarang"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Kata sandi baru"),
                             validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Minimal 10 karakter."))])


class DutyForm(FlaskForm):
    user_id = SelectField(_l("Staf"), coerce=int, validators=[DataRequired(REQUIRED)])
    duty = SelectField(_l("Tugas"), choices=choices((d.value, _l(label)) for d, label in DUTY_LABELS.items()))


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Bahasa"), choices=choices([("id", "Bahasa Indonesia"), ("en", "English")]),
                       validators=[Optional()])
