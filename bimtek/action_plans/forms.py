"""RTL forms (labels in Bahasa Indonesia). The plan rows themselves are a plain repeating form (plan_rows)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class SettingsForm(FlaskForm):
    required_for_certificate = BooleanField("RTL yang disetujui menjadi syarat sertifikat")
    strategies = TextAreaField("Strategi", description="Satu strategi per baris (TPBIS: tiga strategi).",
                               validators=[DataRequired("Isi minimal satu strategi."), Length(max=1200)])
    require_each_strategy = BooleanField("Wajib minimal satu kegiatan untuk setiap strategi")
    opens_at = DateTimeLocalField("Pengisian dibuka", format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                  description="Kosongkan bila bisa diisi kapan saja.")
    closes_at = DateTimeLocalField("Batas akhir pengajuan", format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                   description="Revisi yang diminta reviewer tetap bisa dikirim setelah batas ini.")
