"""Report forms: the training's chapter texts and the unit's letterhead (labels in Bahasa Indonesia)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from bimtek.core.i18n import lazy_gettext as _l


class FieldsForm(FlaskForm):
    dasar = TextAreaField(_l("Dasar"), validators=[Length(max=5000)],
                          description=_l("Kosongkan untuk memakai teks baku."))
    maksud_tujuan = TextAreaField(_l("Maksud dan tujuan"), validators=[Length(max=5000)])
    penutup = TextAreaField(_l("Penutup"), validators=[Length(max=5000)])
    place = StringField(_l("Tempat penandatanganan"), validators=[Length(max=100)])
    signer_jabatan = StringField(_l("Jabatan penandatangan"), validators=[Length(max=200)])
    signer_name = StringField(_l("Nama penandatangan"), validators=[Length(max=200)])
    signer_nip = StringField(_l("NIP penandatangan"), validators=[Length(max=30)])


class LetterheadForm(FlaskForm):
    parent_line = StringField(_l("Baris atas kop (mis. PEMERINTAH PROVINSI …)"), validators=[Length(max=300)])
    unit_name = StringField(_l("Nama unit"), validators=[DataRequired(_l("Nama unit wajib diisi.")),
                                                         Length(max=300)])
    address = StringField(_l("Alamat, telepon, laman"), validators=[Length(max=500)])
    logo = FileField(_l("Logo (PNG atau JPEG, maks. 512 KB)"),
                     validators=[Optional(), FileAllowed(["png", "jpg", "jpeg"], _l("Hanya PNG atau JPEG."))])
