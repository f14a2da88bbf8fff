"""Registration, participant sign-in and roster forms (labels in Bahasa Indonesia).

Field syntax is checked here; NIP, pangkat, phone and e-mail rules live in the pure modules and
are applied by services.clean_registration_data, whose errors the view attaches to these fields.
"""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from bimtek.core.forms import choices
from bimtek.core.i18n import lazy_gettext as _l
from bimtek.registration.nip import PANGKAT_CHOICES

REQUIRED = _l("Wajib diisi.")
GENDER_CHOICES = [("", _l("— pilih —")), ("L", _l("Laki-laki")), ("P", _l("Perempuan"))]


class ParticipantDataForm(FlaskForm):
    nama_lengkap = StringField(_l("Nama lengkap dan gelar"),
                               description=_l("Tulis seperti pada sertifikat, mis. Siti Aminah, S.IP."),
                               validators=[DataRequired(REQUIRED), Length(max=200)],
                               render_kw={"autocomplete": "name"})
    jenis_kelamin = SelectField(_l("Jenis kelamin"), choices=choices(GENDER_CHOICES),
                                validators=[DataRequired(_l("Pilih jenis kelamin."))])
    nip = StringField(_l("NIP"), description=_l("18 digit, boleh dengan spasi. Kosongkan bila bukan PNS."),
                      validators=[Optional(), Length(max=30)], render_kw={"inputmode": "numeric"})
    pangkat = SelectField(_l("Pangkat/golongan"), choices=choices([("", _l("— tidak ada —"))] + list(PANGKAT_CHOICES)),
                          validators=[Optional()])
    jabatan = StringField(_l("Jabatan"), validators=[DataRequired(REQUIRED), Length(max=200)],
                          render_kw={"autocomplete": "organization-title"})
    instansi = StringField(_l("Instansi/unit kerja"), validators=[DataRequired(REQUIRED), Length(max=300)],
                           render_kw={"autocomplete": "organization"})
    provinsi = StringField(_l("Provinsi"), validators=[DataRequired(REQUIRED), Length(max=100)],
                           description=_l("Ketik untuk mencari, mis. Bangka Belitung."),
                           render_kw={"list": "daftar-provinsi", "autocomplete": "address-level1"})
    kabupaten = StringField(_l("Kabupaten/kota"), validators=[DataRequired(REQUIRED), Length(max=100)],
                            description=_l("Ketik untuk mencari dari daftar resmi Kemendagri, mis. Bangka. "
                                           "Tidak ada di daftar (mis. peserta non-pemerintah)? Tulis sendiri "
                                           "atau pilih Lainnya."),
                            render_kw={"list": "daftar-kabupaten", "autocomplete": "address-level2",
                                       "data-region-province": "provinsi"})
    phone = TelField(_l("No. HP/WhatsApp"), description=_l("Mis. 081234567890"),
                     validators=[DataRequired(REQUIRED), Length(max=30)],
                     render_kw={"inputmode": "tel", "autocomplete": "tel"})


class RegistrationForm(ParticipantDataForm):
    email = EmailField(_l("Email"), description=_l("Tautan masuk dan informasi pelatihan dikirim ke alamat ini."),
                       validators=[DataRequired(REQUIRED), Length(max=254)],
                       render_kw={"autocomplete": "email", "inputmode": "email"})
    consent = BooleanField(_l("Saya telah membaca pemberitahuan privasi dan menyetujui pemrosesan data pribadi saya "
                           "untuk penyelenggaraan pelatihan ini."),
                           validators=[DataRequired(_l("Persetujuan wajib dicentang untuk mendaftar."))])


class LinkRequestForm(FlaskForm):
    email = EmailField(_l("Email yang Anda pakai saat mendaftar"),
                       validators=[DataRequired(REQUIRED), Length(max=254, message=_l("Maksimal 254 karakter.")),
                                   Email(_l("Format email tidak valid."), check_deliverability=False)],
                       render_kw={"autocomplete": "email"})


class NumberLoginForm(LinkRequestForm):
    """The former number + e-mail form: the number is public and ignored; the address gets a link + code."""

    number = StringField(_l("Nomor registrasi"), validators=[Optional(), Length(max=40)])


class CodeForm(FlaskForm):
    code = StringField(_l("Kode 6 digit dari email"), validators=[DataRequired(REQUIRED), Length(max=12)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"})


class ConfirmLoginForm(FlaskForm):
    """The e-mailed link opens a page with this button, so link scanners cannot use up the token."""

    token = HiddenField(validators=[DataRequired()])


class StatusForm(FlaskForm):
    action = SelectField(_l("Tindakan"), choices=choices([("approve", _l("Setujui")), ("reject", _l("Tolak")),
                                                          ("withdraw", _l("Batalkan pendaftaran"))]))
    reason = TextAreaField(_l("Alasan"), description=_l("Wajib untuk penolakan; dikirim ke peserta."),
                           validators=[Optional(), Length(max=1000)])


class ImportForm(FlaskForm):
    file = FileField(_l("Berkas daftar peserta (CSV atau XLSX)"),
                     validators=[FileRequired(_l("Pilih berkas.")),
                                 FileAllowed(["csv", "xlsx"], _l("Hanya berkas .csv atau .xlsx."))])
