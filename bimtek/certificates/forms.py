"""Certificate forms (labels in Bahasa Indonesia)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import DateField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from bimtek.core.forms import choices
from bimtek.core.i18n import lazy_gettext as _l

REQUIRED = _l("Wajib diisi.")


class SettingsForm(FlaskForm):
    number_template = StringField(
        _l("Format nomor sertifikat"), validators=[DataRequired(REQUIRED), Length(max=120)],
        description=_l("Placeholder: {nomor} (nomor urut, wajib), {kode} (kode pelatihan), {unit} (singkatan unit), "
                       "{bulan_romawi}, {tahun}. Contoh: 800/{nomor}/DKPUS/{tahun}."))
    signer_jabatan = StringField(_l("Jabatan penandatangan"), validators=[DataRequired(REQUIRED), Length(max=300)])
    signer_name = StringField(_l("Nama penandatangan (dengan gelar)"),
                              validators=[DataRequired(REQUIRED), Length(max=200)])
    signer_pangkat = StringField(_l("Pangkat/golongan penandatangan"), validators=[Optional(), Length(max=100)],
                                 description=_l("Contoh: Pembina Utama Muda (IV/c)."))
    signer_nip = StringField(_l("NIP penandatangan"), validators=[
        Optional(), Regexp(r"^[0-9 .]{18,24}$", message=_l("NIP terdiri atas 18 angka."))])
    place = StringField(_l("Tempat pada baris tanggal"), validators=[Optional(), Length(max=100)],
                        description=_l("Kosongkan untuk memakai kota pelatihan."))
    issue_date = DateField(_l("Tanggal terbit"), validators=[Optional()],
                           description=_l("Kosongkan untuk memakai hari terakhir pelatihan."))
    design = SelectField(_l("Desain sertifikat"), choices=[])
    signature = FileField(_l("Gambar tanda tangan (PNG/JPEG, maks. 2 MB)"))
    stamp = FileField(_l("Gambar stempel (PNG/JPEG, maks. 2 MB)"))

    def set_designs(self, pairs):
        """Fill the design choices from the design folders."""
        self.design.choices = choices(pairs)


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Alasan pencabutan"),
                           validators=[DataRequired(_l("Alasan pencabutan wajib diisi.")), Length(max=1000)],
                           description=_l("Alasan ini ditampilkan di halaman verifikasi publik."))


class VerifyUploadForm(FlaskForm):
    file = FileField(_l("Berkas PDF sertifikat"), validators=[FileRequired(_l("Pilih berkas PDF."))])


class SignedUploadForm(FlaskForm):
    files = MultipleFileField(_l("PDF yang sudah ditandatangani (boleh beberapa sekaligus)"),
                              validators=[DataRequired(_l("Pilih minimal satu berkas PDF."))])


class TteSettingsForm(FlaskForm):
    method = SelectField(_l("Cara tanda tangan elektronik"), choices=[])
    nik = StringField(_l("NIK penandatangan (BSrE, tanda tangan pribadi)"),
                      validators=[Optional(), Regexp(r"^[0-9]{16}$", message=_l("NIK terdiri atas 16 angka."))])
    subscriber = StringField(_l("ID subscriber segel elektronik (BSrE)"), validators=[Optional(), Length(max=100)])
    pkcs12 = FileField(_l("Sertifikat elektronik instansi (PKCS#12, .p12/.pfx)"))
    pkcs12_password = PasswordField(_l("Kata sandi PKCS#12 (hanya untuk memeriksa; tidak disimpan)"))
    anchors = FileField(_l("Sertifikat akar (CA) tepercaya (PEM/DER), mis. rantai CA BSrE"))


class SignAllForm(FlaskForm):
    secret = PasswordField(_l("Kata sandi PKCS#12 / passphrase TTE"),
                           description=_l("Dipakai sekali untuk pekerjaan ini; tidak disimpan dan tidak dicatat."))
