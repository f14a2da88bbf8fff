"""Reminder pages (on the announcements blueprint): switches per session, 'check now' and the WhatsApp list
with each session's reminder text."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from bimtek.accounts import permissions
from bimtek.announcements import reminder_services, services, tasks
from bimtek.announcements.presets import safe_format
from bimtek.announcements.views import bp
from bimtek.core.dates import format_datetime
from bimtek.core.i18n import session_label
from bimtek.core.paging import PAGE_ARG
from bimtek.core.web import get_or_404
from bimtek.extensions import db
from bimtek.jobs import services as jobs
from bimtek.registration.phones import MAX_MESSAGE_CHARS
from bimtek.trainings.access import load_training_for, management_flags
from bimtek.trainings.models import TrainingSession

REMINDER_TEXT = ("Yth. {nama}, pengingat sesi {sesi} pelatihan {pelatihan}: {waktu}.\n"
                 "Tautan: {tautan}\nNama tampilan Zoom: \"{nomor} {nama}\".")


def _panitia(training_id):
    return load_training_for(training_id, permissions.can_manage_roster)


@bp.route("/pengingat", methods=["GET", "POST"])
def reminders(training_id):
    """Switch the H-1 and before-start e-mails per session; set the minutes."""
    training, duties = _panitia(training_id)
    if request.method == "POST":
        try:
            for session in training.sessions:
                reminder_services.save_settings(
                    session, request.form.get(f"h1-{session.id}") == "1",
                    request.form.get(f"before-{session.id}") == "1",
                    request.form.get(f"minutes-{session.id}") or reminder_services.settings_of(session).minutes_before)
        except ValueError:
            db.session.rollback()
            flash(_("Menit sebelum mulai harus bilangan bulat antara 5 dan 1440."), "danger")
            return redirect(url_for("announcements.reminders", training_id=training.id))
        db.session.commit()
        flash(_("Pengaturan pengingat disimpan."), "success")
        return redirect(url_for("announcements.reminders", training_id=training.id))
    rows = [(session, reminder_services.settings_of(session)) for session in training.sessions]
    return render_template("announcements/reminders.html", training=training, rows=rows, tab="pengumuman",
                           job=jobs.latest_job(tasks.JOB_REMINDERS, None),
                           can=management_flags(current_user, duties))


@bp.route("/pengingat/periksa", methods=["POST"])
def check_now(training_id):
    """Run the reminder scan now as a background job (it is idempotent)."""
    training, _duties = _panitia(training_id)
    job = jobs.enqueue(tasks.JOB_REMINDERS, current_user)
    db.session.commit()
    jobs.dispatch(current_app._get_current_object(), job.id)
    flash(_("Pemeriksaan pengingat dijalankan."), "info")
    return redirect(url_for("announcements.reminders", training_id=training.id))


@bp.route("/pengingat/<int:session_id>/whatsapp")
def reminder_whatsapp(training_id, session_id):
    """Kirim lewat WhatsApp for one session's reminder."""
    training, duties = _panitia(training_id)
    session = get_or_404(TrainingSession, session_id, training_id=training.id)
    text = safe_format(REMINDER_TEXT, {
        "sesi": session.label, "pelatihan": training.name, "tautan": training.meeting_url or "-",
        "waktu": format_datetime(session.starts_at, training.timezone)})
    page, rows, group_text, cut = services.whatsapp_page(training, text, reminder_services.participants_of(session),
                                                         request.args.get(PAGE_ARG))
    return render_template("announcements/whatsapp.html", training=training, max_chars=MAX_MESSAGE_CHARS, rows=rows,
                           page=page, cut=cut,
                           title=_("Pengingat %(s)s", s=session_label(session)), group_text=group_text,
                           tab="pengumuman",
                           back=url_for("announcements.reminders", training_id=training.id),
                           can=management_flags(current_user, duties))
