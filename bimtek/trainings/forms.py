"""Training, session and materi forms (labels in Bahasa Indonesia)."""
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, Regexp

from bimtek.core.dates import INDONESIAN_ZONES
from bimtek.core.forms import WholeNumberField, choices
from bimtek.core.i18n import lazy_gettext as _l
from bimtek.trainings.models import MODE_LABELS

REQUIRED = _l("Wajib diisi.")
WHOLE = _l("Harus bilangan bulat, mis. 30.")
# JP (jam pelajaran) are counted in whole lessons: materi, certificates and the JP columns are integers.
JP_WHOLE = _l("JP harus bilangan bulat (1 JP = satu jam pelajaran utuh, mis. 45 menit); pecahan seperti 2,5 "
              "tidak dipakai. Bulatkan, atau bagi materi menjadi beberapa baris.")
DATE_INVALID = _l("Tanggal tidak valid.")


class TrainingForm(FlaskForm):
    name = StringField(_l("Nama pelatihan"), validators=[DataRequired(REQUIRED), Length(max=300)])
    code = StringField(_l("Kode singkat"),
                       description=_l("Huruf besar dan angka, dipakai pada nomor registrasi (mis. SPP2020)."),
                       validators=[DataRequired(REQUIRED), Length(max=20),
                                   Regexp(r"^[A-Z0-9]+$", message=_l("Hanya huruf besar A–Z dan angka, tanpa spasi."))])
    program = StringField(_l("Program"), description=_l("Mis. TPBIS"), validators=[Length(max=100)])
    organizer_unit = StringField(_l("Unit penyelenggara"), validators=[DataRequired(REQUIRED), Length(max=300)])
    organizer_short = StringField(_l("Singkatan unit"), description=_l("Mis. DKPUS (untuk nomor sertifikat)."),
                                  validators=[Length(max=40)])
    description = TextAreaField(_l("Deskripsi"), validators=[Length(max=5000)])
    mode = SelectField(_l("Moda"), choices=choices((m.value, _l(label)) for m, label in MODE_LABELS.items()))
    meeting_url = URLField(_l("Tautan rapat (Zoom/Meet/Teams)"),
                           validators=[Optional(), URL(message=_l("Tautan tidak valid.")), Length(max=500)])
    location = StringField(_l("Lokasi (untuk luring)"), validators=[Length(max=300)])
    city = StringField(_l("Kota penerbitan sertifikat"), description=_l("Mis. Pangkalpinang"),
                       validators=[Length(max=100)])
    timezone = SelectField(_l("Zona waktu"), choices=choices(INDONESIAN_ZONES))
    start_date = DateField(_l("Tanggal mulai"), validators=[DataRequired(DATE_INVALID)])
    end_date = DateField(_l("Tanggal selesai"), validators=[DataRequired(DATE_INVALID)])
    registration_opens_at = DateTimeLocalField(_l("Pendaftaran dibuka"), format="%Y-%m-%dT%H:%M",
                                               validators=[Optional()])
    registration_closes_at = DateTimeLocalField(_l("Pendaftaran ditutup"), format="%Y-%m-%dT%H:%M",
                                                validators=[Optional()])
    capacity = WholeNumberField(_l("Kuota peserta"), not_whole=WHOLE, description=_l("Kosongkan bila tidak dibatasi."),
                                validators=[Optional(), NumberRange(min=1, message=_l("Minimal 1."))])
    requires_approval = BooleanField(_l("Pendaftaran perlu persetujuan panitia"))
    is_published = BooleanField(_l("Tampilkan di halaman publik"))
    minutes_per_jp = WholeNumberField(_l("Menit per JP"), default=45, not_whole=WHOLE,
                                      validators=[DataRequired(REQUIRED),
                                                  NumberRange(min=1, max=120, message=_l("Antara 1 dan 120."))])
    min_session_share = FloatField(_l("Minimal kehadiran per sesi (%)"), default=75,
                                   validators=[DataRequired(REQUIRED),
                                               NumberRange(min=1, max=100, message=_l("Antara 1 dan 100."))])
    pass_rule = SelectField(_l("Aturan kelulusan"),
                            choices=choices([("sessions", _l("Persentase sesi yang dihadiri")),
                                             ("jp", _l("Jumlah JP yang dihadiri"))]))
    min_sessions_share = FloatField(_l("Minimal sesi dihadiri (%)"), default=100,
                                    validators=[Optional(),
                                                NumberRange(min=1, max=100, message=_l("Antara 1 dan 100."))])
    min_jp = WholeNumberField(_l("Minimal JP dihadiri"), not_whole=JP_WHOLE,
                              validators=[Optional(), NumberRange(min=1, message=_l("Minimal 1."))])


class GenerateSessionsForm(FlaskForm):
    slot1_start = TimeField(_l("Sesi pagi mulai"), validators=[DataRequired(_l("Jam tidak valid."))])
    slot1_end = TimeField(_l("Sesi pagi selesai"), validators=[DataRequired(_l("Jam tidak valid."))])
    slot2_start = TimeField(_l("Sesi siang mulai"), validators=[Optional()])
    slot2_end = TimeField(_l("Sesi siang selesai"), validators=[Optional()])
    slot3_start = TimeField(_l("Sesi malam mulai"), validators=[Optional()])
    slot3_end = TimeField(_l("Sesi malam selesai"), validators=[Optional()])
    skip_weekend = BooleanField(_l("Lewati Sabtu dan Minggu"))


class SessionForm(FlaskForm):
    day = DateField(_l("Tanggal"), validators=[DataRequired(DATE_INVALID)])
    start = TimeField(_l("Mulai"), validators=[DataRequired(_l("Jam tidak valid."))])
    end = TimeField(_l("Selesai"), validators=[DataRequired(_l("Jam tidak valid."))])
    title = StringField(_l("Judul sesi (opsional)"), validators=[Length(max=200)])


class MateriForm(FlaskForm):
    title = StringField(_l("Materi"), validators=[DataRequired(REQUIRED), Length(max=300)])
    trainer = StringField(_l("Pemateri"), validators=[Length(max=200)])
    jp = WholeNumberField(_l("JP"), not_whole=JP_WHOLE, render_kw={"inputmode": "numeric", "step": "1"},
                          description=_l("Bilangan bulat jam pelajaran."),
                          validators=[DataRequired(REQUIRED),
                                      NumberRange(min=1, max=100, message=_l("Antara 1 dan 100."))])


class ConfirmForm(FlaskForm):
    """An empty form: only carries the CSRF token for POST buttons."""
