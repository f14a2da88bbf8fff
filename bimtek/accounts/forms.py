"""Account forms."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from bimtek.accounts.models import DUTY_LABELS, ROLE_LABELS, Role
from bimtek.core.forms import choices
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
    password = PasswordField(_l("Kata sandi awal"), description=_l("Minimal 10 karakter dan tidak mudah ditebak."),
                             validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Minimal 10 karakter."))],
                             render_kw={"autocomplete": "new-password"})


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("Kata sandi baru"),
                             description=_l("Minimal 10 karakter. Beberapa kata acak lebih kuat dan mudah diingat."),
                             validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Minimal 10 karakter."))],
                             render_kw={"autocomplete": "new-password"})


class PasswordForm(NewPasswordForm):
    current = PasswordField(_l("Kata sandi sekarang"), validators=[DataRequired(REQUIRED)],
                            render_kw={"autocomplete": "current-password"})


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email akun staf"),
                       validators=[DataRequired(REQUIRED), Length(max=254, message=_l("Maksimal 254 karakter.")),
                                   Email(_l("Format email tidak valid."), check_deliverability=False)],
                       render_kw={"autocomplete": "email"})


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Kode dari aplikasi autentikator"),
                       description=_l("6 digit, atau salah satu kode pemulihan."),
                       validators=[DataRequired(REQUIRED), Length(max=20)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Kata sandi Anda"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class PolicyForm(FlaskForm):
    require_two_factor = BooleanField(_l("Wajibkan verifikasi dua langkah untuk admin dan penandatangan"))


class DutyForm(FlaskForm):
    user_id = SelectField(_l("Staf"), coerce=int, validators=[DataRequired(REQUIRED)])
    duty = SelectField(_l("Tugas"), choices=choices((d.value, _l(label)) for d, label in DUTY_LABELS.items()))


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Bahasa"), choices=choices([("id", "Bahasa Indonesia"), ("en", "English")]),
                       validators=[Optional()])
