"""Registration, participant sign-in and roster forms (labels in Bahasa Indonesia).

Field syntax is checked here; NIP, pangkat, phone and e-mail rules live in the pure modules and
are applied by services.clean_registration_data, whose errors the view attaches to these fields.
"""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from bimtek.core.forms import choices
from bimtek.registration.nip import PANGKAT_CHOICES

REQUIRED = "Wajib diisi."
GENDER_CHOICES = [("", "— pilih —"), ("L", "Laki-laki"), ("P", "Perempuan")]


class ParticipantDataForm(FlaskForm):
    nama_lengkap = StringField("Nama lengkap dan gelar",
                               description="Tulis seperti pada sertifikat, mis. Siti Aminah, S.IP.",
                               validators=[DataRequired(REQUIRED), Length(max=200)])
    jenis_kelamin = SelectField("Jenis kelamin", choices=choices(GENDER_CHOICES),
                                validators=[DataRequired("Pilih jenis kelamin.")])
    nip = StringField("NIP", description="18 digit, boleh dengan spasi. Kosongkan bila bukan PNS.",
                      validators=[Optional(), Length(max=30)])
    pangkat = SelectField("Pangkat/golongan", choices=choices([("", "— tidak ada —")] + list(PANGKAT_CHOICES)),
                          validators=[Optional()])
    jabatan = StringField("Jabatan", validators=[DataRequired(REQUIRED), Length(max=200)])
    instansi = StringField("Instansi/unit kerja", validators=[DataRequired(REQUIRED), Length(max=300)])
    kabupaten = StringField("Kabupaten/kota", validators=[DataRequired(REQUIRED), Length(max=100)])
    provinsi = StringField("Provinsi", validators=[DataRequired(REQUIRED), Length(max=100)])
    phone = StringField("No. HP/WhatsApp", description="Mis. 081234567890",
                        validators=[DataRequired(REQUIRED), Length(max=30)])


class RegistrationForm(ParticipantDataForm):
    email = StringField("Email", description="Tautan masuk dan informasi pelatihan dikirim ke alamat ini.",
                        validators=[DataRequired(REQUIRED), Length(max=254)])
    consent = BooleanField("Saya telah membaca pemberitahuan privasi dan menyetujui pemrosesan data pribadi saya "
                           "untuk penyelenggaraan pelatihan ini.",
                           validators=[DataRequired("Persetujuan wajib dicentang untuk mendaftar.")])


class LinkRequestForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])


class NumberLoginForm(FlaskForm):
    number = StringField("Nomor registrasi", description="Mis. SPP2020-0042",
                         validators=[DataRequired(REQUIRED), Length(max=40)])
    email = StringField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])


class ConfirmLoginForm(FlaskForm):
    """The e-mailed link opens a page with this button, so link scanners cannot use up the token."""

    token = HiddenField(validators=[DataRequired()])


class StatusForm(FlaskForm):
    action = SelectField("Tindakan", choices=choices([("approve", "Setujui"), ("reject", "Tolak"),
                                                      ("withdraw", "Batalkan pendaftaran")]))
    reason = TextAreaField("Alasan", description="Wajib untuk penolakan; dikirim ke peserta.",
                           validators=[Optional(), Length(max=1000)])


class ImportForm(FlaskForm):
    file = FileField("Berkas daftar peserta (CSV atau XLSX)",
                     validators=[FileRequired("Pilih berkas."),
                                 FileAllowed(["csv", "xlsx"], "Hanya berkas .csv atau .xlsx.")])
