"""Attendance forms (labels in Bahasa Indonesia); every form carries a CSRF token."""
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from bimtek.attendance import rules
from bimtek.attendance.services import STATUS_LABELS
from bimtek.core.forms import choices
from bimtek.core.i18n import lazy_gettext as _l

REQUIRED = _l("Wajib diisi.")


class ActionForm(FlaskForm):
    """A button-only POST (apply, discard, delete, recompute): just the CSRF token."""


class UploadForm(FlaskForm):
    files = MultipleFileField(
        _l("Berkas log kehadiran"),
        description=_l("Laporan peserta Zoom, Teams atau Google Meet (CSV, XLSX atau JSON). Boleh beberapa berkas."))


class AssignForm(FlaskForm):
    registration_id = IntegerField(_l("Peserta"), validators=[InputRequired(_l("Pilih peserta."))])


class OverrideForm(FlaskForm):
    registration_id = IntegerField(_l("Peserta"), validators=[InputRequired(_l("Pilih peserta."))])
    status = SelectField(_l("Status"), choices=choices((s, _l(STATUS_LABELS[s])) for s in rules.STATUSES))
    reason = TextAreaField(_l("Alasan koreksi"), validators=[DataRequired(REQUIRED), Length(max=1000)],
                           description=_l("Wajib; tercatat di log audit (mis. hadir lewat telepon, surat tugas)."))
