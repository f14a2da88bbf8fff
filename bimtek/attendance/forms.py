"""Attendance forms (labels in Bahasa Indonesia); every form carries a CSRF token."""
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from bimtek.attendance import rules
from bimtek.attendance.services import STATUS_LABELS
from bimtek.core.forms import choices

REQUIRED = "Wajib diisi."


class ActionForm(FlaskForm):
    """A button-only POST (apply, discard, delete, recompute): just the CSRF token."""


class UploadForm(FlaskForm):
    files = MultipleFileField(
        "Berkas log kehadiran",
        description="Laporan peserta Zoom, Teams atau Google Meet (CSV, XLSX atau JSON). Boleh beberapa berkas.")


class AssignForm(FlaskForm):
    registration_id = IntegerField("Peserta", validators=[InputRequired("Pilih peserta.")])


class OverrideForm(FlaskForm):
    registration_id = IntegerField("Peserta", validators=[InputRequired("Pilih peserta.")])
    status = SelectField("Status", choices=choices((s, STATUS_LABELS[s]) for s in rules.STATUSES))
    reason = TextAreaField("Alasan koreksi", validators=[DataRequired(REQUIRED), Length(max=1000)],
                           description="Wajib; tercatat di log audit (mis. hadir lewat telepon, surat tugas).")
