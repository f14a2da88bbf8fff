"""Admin page of the mail outbox: queued/sent/failed messages, last error, retry."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from bimtek.core.web import admin_required, get_or_404
from bimtek.extensions import db
from bimtek.mail import services as mail
from bimtek.mail.models import MAIL_STATUS_LABELS, OutboxMessage

bp = Blueprint("mail", __name__, url_prefix="/kelola/email")


@bp.route("/")
@admin_required
def outbox():
    """Outbox list with status, attempts and the last delivery error."""
    status = request.args.get("status") or None
    if status not in {s.value for s in MAIL_STATUS_LABELS} | {None}:
        status = None
    messages = mail.outbox_messages(status)
    return render_template("mail/outbox.html", messages=messages, status=status, labels=MAIL_STATUS_LABELS,
                           smtp=bool(current_app.config.get("MAIL_SERVER")),
                           folder=mail.outbox_dir(current_app.config))


@bp.route("/<int:message_id>.eml")
@admin_required
def download(message_id):
    """The stored message as .eml (opens in any mail client)."""
    message = get_or_404(OutboxMessage, message_id)
    return Response(message.raw, mimetype="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="surat-{message.id}.eml"'})


@bp.route("/<int:message_id>/ulang", methods=["POST"])
@admin_required
def retry(message_id):
    """Make one message due again now."""
    mail.retry_now(get_or_404(OutboxMessage, message_id))
    db.session.commit()
    flash(_("Email dijadwalkan untuk dikirim ulang."), "info")
    return redirect(url_for("mail.outbox"))


@bp.route("/kirim", methods=["POST"])
@admin_required
def send_now():
    """Deliver all due messages in this request (same as `flask send-mail`)."""
    sent, failed = mail.deliver_due()
    flash(_("%(sent)s email terkirim, %(failed)s gagal (akan dicoba lagi).", sent=sent, failed=failed),
          "success" if not failed else "warning")
    return redirect(url_for("mail.outbox"))
