"""Evaluation forms (labels in Bahasa Indonesia)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from bimtek.core.forms import choices
from bimtek.core.i18n import lazy_gettext as _l


class SettingsForm(FlaskForm):
    likert_scale = SelectField(_l("Skala Likert"), choices=choices([(5, "1–5"), (4, "1–4")]), coerce=int)
    pretest_minutes = IntegerField(_l("Batas waktu pre-test (menit)"), validators=[Optional(), NumberRange(1, 600)],
                                   description=_l("Kosongkan bila tanpa batas waktu."))
    posttest_minutes = IntegerField(_l("Batas waktu post-test (menit)"), validators=[Optional(), NumberRange(1, 600)],
                                    description=_l("Kosongkan bila tanpa batas waktu."))
    require_posttest = BooleanField(_l("Post-test dikerjakan menjadi syarat sertifikat"))
    require_evaluation = BooleanField(_l("Evaluasi penyelenggaraan diisi menjadi syarat sertifikat"))


class BankForm(FlaskForm):
    file = FileField(_l("Berkas bank soal (XLSX atau CSV)"),
                     validators=[FileRequired(_l("Pilih berkas.")),
                                 FileAllowed(["xlsx", "csv"], _l("Hanya berkas .xlsx atau .csv."))])
