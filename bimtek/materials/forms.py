"""Forms for adding a handout or a link."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, URLField
from wtforms.validators import DataRequired, Length

from bimtek.core.forms import choices
from bimtek.core.i18n import lazy_gettext as _l

VISIBILITY = [("participants", _l("Hanya peserta")), ("public", _l("Publik"))]


class _MaterialForm(FlaskForm):
    title = StringField(_l("Judul"), validators=[DataRequired(_l("Wajib diisi.")), Length(max=200)])
    materi_id = SelectField(_l("Materi"), choices=[], validate_choice=False)
    session_id = SelectField(_l("Sesi"), choices=[], validate_choice=False)
    visibility = SelectField(_l("Dapat dibuka oleh"), choices=choices(VISIBILITY))

    def place(self):
        return {"materi_id": int(self.materi_id.data) if (self.materi_id.data or "").isdigit() else None,
                "session_id": int(self.session_id.data) if (self.session_id.data or "").isdigit() else None}


class UploadForm(_MaterialForm):
    file = FileField(_l("Berkas (PDF, PPTX, DOCX, XLSX)"), validators=[FileRequired(_l("Pilih berkas."))])


class LinkForm(_MaterialForm):
    url = URLField(_l("Tautan (rekaman, salindia daring)"),
                   validators=[DataRequired(_l("Wajib diisi.")), Length(max=500)])
