"""Certificate forms (labels in Bahasa Indonesia)."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from bimtek.core.forms import choices

REQUIRED = "Wajib diisi."


class SettingsForm(FlaskForm):
    number_template = StringField(
        "Format nomor sertifikat", validators=[DataRequired(REQUIRED), Length(max=120)],
        description="Placeholder: {nomor} (nomor urut, wajib), {kode} (kode pelatihan), {unit} (singkatan unit), "
                    "{bulan_romawi}, {tahun}. Contoh: 800/{nomor}/DKPUS/{tahun}.")
    signer_jabatan = StringField("Jabatan penandatangan", validators=[DataRequired(REQUIRED), Length(max=300)])
    signer_name = StringField("Nama penandatangan (dengan gelar)", validators=[DataRequired(REQUIRED),
                                                                               Length(max=200)])
    signer_pangkat = StringField("Pangkat/golongan penandatangan", validators=[Optional(), Length(max=100)],
                                 description="Contoh: Pembina Utama Muda (IV/c).")
    signer_nip = StringField("NIP penandatangan", validators=[
        Optional(), Regexp(r"^[0-9 .]{18,24}$", message="NIP terdiri atas 18 angka.")])
    place = StringField("Tempat pada baris tanggal", validators=[Optional(), Length(max=100)],
                        description="Kosongkan untuk memakai kota pelatihan.")
    issue_date = DateField("Tanggal terbit", validators=[Optional()],
                           description="Kosongkan untuk memakai hari terakhir pelatihan.")
    design = SelectField("Desain sertifikat", choices=[])
    signature = FileField("Gambar tanda tangan (PNG/JPEG, maks. 2 MB)")
    stamp = FileField("Gambar stempel (PNG/JPEG, maks. 2 MB)")

    def set_designs(self, pairs):
        """Fill the design choices from the design folders."""
        self.design.choices = choices(pairs)


class RevokeForm(FlaskForm):
    reason = TextAreaField("Alasan pencabutan", validators=[DataRequired("Alasan pencabutan wajib diisi."),
                                                            Length(max=1000)],
                           description="Alasan ini ditampilkan di halaman verifikasi publik.")


class VerifyUploadForm(FlaskForm):
    file = FileField("Berkas PDF sertifikat", validators=[FileRequired("Pilih berkas PDF.")])


class SignedUploadForm(FlaskForm):
    files = MultipleFileField("PDF yang sudah ditandatangani (boleh beberapa sekaligus)",
                              validators=[DataRequired("Pilih minimal satu berkas PDF.")])
