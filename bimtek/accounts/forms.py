"""Account forms."""
from flask_wtf import FlaskForm

from bimtek.core.forms import choices
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from bimtek.accounts.models import DUTY_LABELS, ROLE_LABELS, Role

REQUIRED = "Wajib diisi."


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Email("Format email tidak valid.")])
    password = PasswordField("Kata sandi", validators=[DataRequired(REQUIRED)])


class UserForm(FlaskForm):
    name = StringField("Nama lengkap", validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Email("Format email tidak valid.")])
    role = SelectField("Jenis akun", choices=choices((r.value, ROLE_LABELS[r]) for r in (Role.STAFF, Role.ADMIN)))
    password = PasswordField("Kata sandi awal",
                             validators=[DataRequired(REQUIRED), Length(min=10, message="Minimal 10 karakter.")])


class PasswordForm(FlaskForm):
    current = PasswordField("Kata sandi sekarang", validators=[DataRequired(REQUIRED)])
    password = PasswordField("Kata sandi baru",
                             validators=[DataRequired(REQUIRED), Length(min=10, message="Minimal 10 karakter.")])


class DutyForm(FlaskForm):
    user_id = SelectField("Staf", coerce=int, validators=[DataRequired(REQUIRED)])
    duty = SelectField("Tugas", choices=choices((d.value, label) for d, label in DUTY_LABELS.items()))


class LanguageForm(FlaskForm):
    lang = SelectField("Bahasa", choices=choices([("id", "Bahasa Indonesia"), ("en", "English")]),
                       validators=[Optional()])
