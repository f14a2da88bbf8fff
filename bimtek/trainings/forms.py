"""Training, session and materi forms (labels in Bahasa Indonesia)."""
from flask_wtf import FlaskForm

from bimtek.core.forms import choices
from wtforms import (BooleanField, DateField, DateTimeLocalField, FloatField, IntegerField, SelectField,
                     StringField, TextAreaField, TimeField, URLField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, URL

from bimtek.core.dates import INDONESIAN_ZONES
from bimtek.trainings.models import MODE_LABELS

REQUIRED = "Wajib diisi."
DATE_INVALID = "Tanggal tidak valid."


class TrainingForm(FlaskForm):
    name = StringField("Nama pelatihan", validators=[DataRequired(REQUIRED), Length(max=300)])
    code = StringField("Kode singkat",
                       description="Huruf besar dan angka, dipakai pada nomor registrasi (mis. SPP2020).",
                       validators=[DataRequired(REQUIRED), Length(max=20),
                                   Regexp(r"^[A-Z0-9]+$", message="Hanya huruf besar A–Z dan angka, tanpa spasi.")])
    program = StringField("Program", description="Mis. TPBIS", validators=[Length(max=100)])
    organizer_unit = StringField("Unit penyelenggara", validators=[DataRequired(REQUIRED), Length(max=300)])
    organizer_short = StringField("Singkatan unit", description="Mis. DKPUS (untuk nomor sertifikat).",
                                  validators=[Length(max=40)])
    description = TextAreaField("Deskripsi", validators=[Length(max=5000)])
    mode = SelectField("Moda", choices=choices((m.value, label) for m, label in MODE_LABELS.items()))
    meeting_url = URLField("Tautan rapat (Zoom/Meet/Teams)",
                           validators=[Optional(), URL(message="Tautan tidak valid."), Length(max=500)])
    location = StringField("Lokasi (untuk luring)", validators=[Length(max=300)])
    city = StringField("Kota penerbitan sertifikat", description="Mis. Pangkalpinang", validators=[Length(max=100)])
    timezone = SelectField("Zona waktu", choices=choices(INDONESIAN_ZONES))
    start_date = DateField("Tanggal mulai", validators=[DataRequired(DATE_INVALID)])
    end_date = DateField("Tanggal selesai", validators=[DataRequired(DATE_INVALID)])
    registration_opens_at = DateTimeLocalField("Pendaftaran dibuka", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    registration_closes_at = DateTimeLocalField("Pendaftaran ditutup", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    capacity = IntegerField("Kuota peserta", description="Kosongkan bila tidak dibatasi.",
                            validators=[Optional(), NumberRange(min=1, message="Minimal 1.")])
    requires_approval = BooleanField("Pendaftaran perlu persetujuan panitia")
    is_published = BooleanField("Tampilkan di halaman publik")
    minutes_per_jp = IntegerField("Menit per JP", default=45,
                                  validators=[DataRequired(REQUIRED),
                                              NumberRange(min=1, max=120, message="Antara 1 dan 120.")])
    min_session_share = FloatField("Minimal kehadiran per sesi (%)", default=75,
                                   validators=[DataRequired(REQUIRED),
                                               NumberRange(min=1, max=100, message="Antara 1 dan 100.")])
    pass_rule = SelectField("Aturan kelulusan", choices=choices([("sessions", "Persentase sesi yang dihadiri"),
                                                                ("jp", "Jumlah JP yang dihadiri")]))
    min_sessions_share = FloatField("Minimal sesi dihadiri (%)", default=100,
                                    validators=[Optional(), NumberRange(min=1, max=100, message="Antara 1 dan 100.")])
    min_jp = IntegerField("Minimal JP dihadiri", validators=[Optional(), NumberRange(min=1, message="Minimal 1.")])


class GenerateSessionsForm(FlaskForm):
    slot1_start = TimeField("Sesi pagi mulai", validators=[DataRequired("Jam tidak valid.")])
    slot1_end = TimeField("Sesi pagi selesai", validators=[DataRequired("Jam tidak valid.")])
    slot2_start = TimeField("Sesi siang mulai", validators=[Optional()])
    slot2_end = TimeField("Sesi siang selesai", validators=[Optional()])
    slot3_start = TimeField("Sesi malam mulai", validators=[Optional()])
    slot3_end = TimeField("Sesi malam selesai", validators=[Optional()])
    skip_weekend = BooleanField("Lewati Sabtu dan Minggu")


class SessionForm(FlaskForm):
    day = DateField("Tanggal", validators=[DataRequired(DATE_INVALID)])
    start = TimeField("Mulai", validators=[DataRequired("Jam tidak valid.")])
    end = TimeField("Selesai", validators=[DataRequired("Jam tidak valid.")])
    title = StringField("Judul sesi (opsional)", validators=[Length(max=200)])


class MateriForm(FlaskForm):
    title = StringField("Materi", validators=[DataRequired(REQUIRED), Length(max=300)])
    trainer = StringField("Pemateri", validators=[Length(max=200)])
    jp = IntegerField("JP",
                      validators=[DataRequired(REQUIRED), NumberRange(min=1, max=100, message="Antara 1 dan 100.")])


class ConfirmForm(FlaskForm):
    """An empty form: only carries the CSRF token for POST buttons."""
