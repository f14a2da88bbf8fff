"""Announcement pages for panitia: compose with a filter, preview the count, send, follow delivery per
recipient, and the 'Kirim lewat WhatsApp' list."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.accounts import permissions
from bimtek.announcements import services
from bimtek.announcements.audience import AudienceFilter
from bimtek.announcements.forms import AnnouncementForm
from bimtek.announcements.models import Announcement
from bimtek.announcements.presets import PRESET_LABELS, preset
from bimtek.core.errors import DomainError
from bimtek.core.forms import choices
from bimtek.core.paging import PAGE_ARG
from bimtek.core.web import flash_unshown_errors, get_or_404, refuse
from bimtek.extensions import db
from bimtek.mail.models import MAIL_STATUS_LABELS
from bimtek.mail.services import absolute_url
from bimtek.registration.phones import MAX_MESSAGE_CHARS
from bimtek.trainings.access import load_training_for, management_flags

bp = Blueprint("announcements", __name__, url_prefix="/kelola/pelatihan/<int:training_id>/pengumuman")


def _panitia(training_id):
    return load_training_for(training_id, permissions.can_manage_roster)


def _page(training, duties, form, **extra):
    return render_template("announcements/compose.html", training=training, form=form, presets=PRESET_LABELS,
                           announcements=services.announcements_of(training), tab="pengumuman",
                           can=management_flags(current_user, duties), **extra)


@bp.route("/", methods=["GET", "POST"])
def compose(training_id):
    """Write an announcement, preview who gets it, send it."""
    training, duties = _panitia(training_id)
    form = AnnouncementForm()
    form.kabupaten.choices = choices((k, k) for k in services.kabupaten_choices(training))
    ready = preset(request.args.get("templat", ""), training.name, training.meeting_url,
                   absolute_url("registration.portal"))
    if request.method == "GET" and ready:
        form.subject.data, form.body.data = ready
    if not form.validate_on_submit():
        if request.method == "POST":
            flash_unshown_errors(form)
        return _page(training, duties, form)
    audience = AudienceFilter.from_dict(form.audience_data())
    try:
        if request.form.get("action") != "send":
            count, description, sample = services.preview(training, form.subject.data, form.body.data, audience)
            shown = {"count": count, "description": description, "sample": sample}
            return _page(training, duties, form, preview=shown)
        announcement = services.send_announcement(current_user, training, form.subject.data, form.body.data,
                                                  audience)
    except DomainError as error:
        refuse(error)
        return _page(training, duties, form)
    db.session.commit()
    flash(_("Pengumuman masuk antrean email untuk %(count)s peserta.", count=len(announcement.recipients)),
          "success")
    return redirect(url_for("announcements.show", training_id=training.id, announcement_id=announcement.id))


@bp.route("/<int:announcement_id>")
def show(training_id, announcement_id):
    """Delivery status per recipient (from the mail outbox)."""
    training, duties = _panitia(training_id)
    announcement = get_or_404(Announcement, announcement_id, training_id=training.id)
    page, recipients = services.recipient_page(announcement, request.args.get(PAGE_ARG))
    return render_template("announcements/show.html", training=training, announcement=announcement,
                           counts=services.delivery_counts(announcement), page=page, recipients=recipients,
                           labels={status.value: label for status, label in MAIL_STATUS_LABELS.items()},
                           tab="pengumuman", can=management_flags(current_user, duties))


@bp.route("/<int:announcement_id>/whatsapp")
def whatsapp(training_id, announcement_id):
    """Kirim lewat WhatsApp: a wa.me link per participant and the text for a WhatsApp group."""
    training, duties = _panitia(training_id)
    announcement = get_or_404(Announcement, announcement_id, training_id=training.id)
    page, rows, group_text, cut = services.whatsapp_page(training, announcement.body,
                                                         services.announcement_recipients(announcement),
                                                         request.args.get(PAGE_ARG))
    return render_template("announcements/whatsapp.html", training=training, title=announcement.subject,
                           max_chars=MAX_MESSAGE_CHARS, rows=rows, group_text=group_text, tab="pengumuman",
                           page=page, cut=cut,
                           back=url_for("announcements.show", training_id=training.id,
                                        announcement_id=announcement.id),
                           can=management_flags(current_user, duties))
