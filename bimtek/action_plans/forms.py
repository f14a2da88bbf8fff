"""RTL forms (labels in Bahasa Indonesia). The plan rows themselves are a plain repeating form (plan_rows)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from bimtek.core.i18n import lazy_gettext as _l


class SettingsForm(FlaskForm):
    required_for_certificate = BooleanField(_l("RTL yang disetujui menjadi syarat sertifikat"))
    strategies = TextAreaField(_l("Strategi"), description=_l("Satu strategi per baris (TPBIS: tiga strategi)."),
                               validators=[DataRequired(_l("Isi minimal satu strategi.")), Length(max=1200)])
    require_each_strategy = BooleanField(_l("Wajib minimal satu kegiatan untuk setiap strategi"))
    opens_at = DateTimeLocalField(_l("Pengisian dibuka"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                  description=_l("Kosongkan bila bisa diisi kapan saja."))
    closes_at = DateTimeLocalField(_l("Batas akhir pengajuan"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                   description=_l("Revisi yang diminta reviewer tetap bisa dikirim setelah batas ini."))
