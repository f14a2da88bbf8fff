"""Announcement form: message, the audience filter and the two actions (preview, send)."""
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from bimtek.announcements.audience import ATTENDANCE_CHOICES, CERTIFICATE_CHOICES, RTL_CHOICES
from bimtek.core.forms import choices
from bimtek.core.i18n import lazy_gettext as _l
from bimtek.registration.models import STATUS_LABELS


def _translated(pairs):
    return choices((key, _l(label)) for key, label in pairs)


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"class": "checks"})
        super().__init__(label, validators, **kwargs)


class AnnouncementForm(FlaskForm):
    subject = StringField(_l("Judul"), validators=[DataRequired(_l("Wajib diisi.")), Length(max=200)])
    body = TextAreaField(_l("Isi pesan"), validators=[DataRequired(_l("Wajib diisi.")), Length(max=5000)],
                         description=_l("{nama} dan {nomor} diganti dengan nama dan nomor registrasi tiap "
                                        "penerima."), render_kw={"rows": 9})
    statuses = CheckboxList(_l("Status pendaftaran"), default=["registered"],
                            choices=choices([(s.value, label) for s, label in STATUS_LABELS.items()]))
    kabupaten = SelectMultipleField(_l("Kabupaten/kota"), choices=[], validators=[Optional()],
                                    description=_l("Kosongkan untuk semua."), render_kw={"size": 4})
    instansi = StringField(_l("Instansi memuat"), validators=[Optional(), Length(max=200)])
    attendance = CheckboxList(_l("Hasil kehadiran"), choices=_translated(ATTENDANCE_CHOICES), validators=[Optional()])
    rtl = CheckboxList(_l("Status RTL"), choices=_translated(RTL_CHOICES), validators=[Optional()])
    certificate = CheckboxList(_l("Sertifikat"), choices=_translated(CERTIFICATE_CHOICES), validators=[Optional()])

    def audience_data(self):
        return {name: getattr(self, name).data for name in
                ("statuses", "kabupaten", "instansi", "attendance", "rtl", "certificate")}
