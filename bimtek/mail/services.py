"""Transactional e-mail outbox.

    queue_mail(to, subject, template, attachments=(), **context) -> OutboxMessage

renders ``templates/emails/<template>.txt`` (and ``.html`` when it exists) and writes the whole
message as an ``OutboxMessage`` row in the caller's transaction (flush only). Nothing is sent
before the caller commits; after the commit a background thread (one per process) delivers due
messages (mail/worker.py), and ``flask --app bimtek send-mail`` does the same from cron or by hand.

Delivery uses SMTP when MAIL_SERVER is configured, otherwise each message is written as an .eml
file to ``DATA_DIR/outbox/``. A failure never reaches the request that queued the mail: the row
stays pending with ``last_error`` and is retried with exponential backoff (1, 2, 4 … minutes,
at most MAX_BACKOFF) until MAX_ATTEMPTS, then marked failed; both show on the admin outbox page.
"""
from __future__ import annotations

import binascii
import logging
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from jinja2 import TemplateNotFound

from bimtek.core.database import autocommit_session, commit_keeping_loaded
from bimtek.core.i18n import in_indonesian
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.mail.headers import clean_subject, subject_line, with_subject
from bimtek.mail.models import MailStatus, OutboxMessage
from bimtek.mail.smtp import SmtpConnection, SmtpSettings

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BASE_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
LEASE = timedelta(minutes=5)  # a claimed message is retried after this if the sender died
POLL_SECONDS = 30
DELIVERY_BATCH = 100  # messages per look of the background sender
CLAIM_BATCH = 10  # messages claimed with one statement
SMTP_TIMEOUT = 15
SESSION_FLAG = "bimtek_mail_app"  # session.info: wake the sender after this commit (mail/worker.py)


def queue_mail(to: str, subject: str, template: str, attachments: Sequence[tuple[str, str, bytes]] = (),
               store: bool = True, **context: Any) -> OutboxMessage | None:
    """Render emails/<template>.txt(/.html) and add the message to the outbox (flush only).

    store=False renders and builds the message but keeps it out of the outbox: a message held back by a
    per-recipient limit then costs the same time as one that is sent (nothing to learn from timing).
    """
    config = current_app.config
    with in_indonesian():  # e-mails are Indonesian whatever language the sender reads
        text = render_template(f"emails/{template}.txt", **context)
        html = _render_optional(f"emails/{template}.html", context)
    message = build_message(config["MAIL_SENDER"], to, subject, text, html, attachments, _host(config))
    row = OutboxMessage(recipient=to, subject=clean_subject(subject), template=template,
                        raw=with_subject(message.as_bytes(), subject),
                        status=MailStatus.PENDING.value, next_attempt_at=now_utc())
    if not store:
        return None
    db.session.add(row)
    db.session.flush()
    db.session.info[SESSION_FLAG] = current_app._get_current_object()
    return row


def queue_bulk(messages: Iterable[tuple[str, str, str, dict[str, Any]]]) -> int:
    """Add many messages to the outbox with one INSERT (flush only): for bulk jobs, where one e-mail per item
    through queue_mail would cost more than the item itself. `messages`: (to, subject, template, context).

    A text-only message is written directly: the From and Subject lines, the same for every message of a
    batch, are folded once by the email package; To, Date and Message-ID are plain ASCII lines and the body is
    quoted-printable UTF-8 (what build_message gives, in other words). Anything else goes through build_message.
    """
    config = current_app.config
    host, folded, rows, now = _host(config), {}, [], now_utc()
    for to, subject, template, context in messages:
        with in_indonesian():
            text = render_template(f"emails/{template}.txt", **context)
            html = _render_optional(f"emails/{template}.html", context)
        subject = clean_subject(subject)
        if html is None and _plain_address(to):
            if subject not in folded:
                folded[subject] = default_policy.fold_binary("From", config["MAIL_SENDER"]) + subject_line(subject)
            raw = _plain_message(folded[subject], to, text, host)
        else:
            raw = with_subject(build_message(config["MAIL_SENDER"], to, subject, text, html, (), host).as_bytes(),
                               subject)
        rows.append({"recipient": to, "subject": subject, "template": template, "raw": raw,
                     "status": MailStatus.PENDING.value, "next_attempt_at": now, "created_at": now})
    if rows:
        db.session.execute(sa.insert(OutboxMessage), rows)
    return len(rows)


def wake_after_commit() -> None:
    """Wake this process's sender after the current transaction commits (queue_bulk leaves that to its caller,
    so a bulk job's sender starts once, at the end, instead of competing with every batch)."""
    db.session.info[SESSION_FLAG] = current_app._get_current_object()


def _plain_address(to: str) -> bool:
    return to.isascii() and to.isprintable() and len(to) < 70 and not any(c in to for c in ' ,;:"<>()[]\\')


def _plain_message(shared_headers: bytes, to: str, text: str, host: str) -> bytes:
    body = binascii.b2a_qp("\n".join(text.splitlines()).encode("utf-8") + b"\n", istext=True)
    head = (f"To: {to}\nDate: {formatdate(localtime=False)}\nMessage-ID: {make_msgid(domain=host)}\n"
            'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: quoted-printable\n'
            "MIME-Version: 1.0\n\n")
    return shared_headers + head.encode("ascii") + body


def build_message(sender: str, to: str, subject: str, text: str, html: str | None = None,
                  attachments: Sequence[tuple[str, str, bytes]] = (), host: str = "bimtek.local") -> EmailMessage:
    """An EmailMessage with text (+html alternative) and (filename, mimetype, bytes) attachments."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = clean_subject(subject)  # the bytes get headers.subject_line (see with_subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=host)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, mimetype, data in attachments:
        maintype, _, subtype = mimetype.split(";")[0].strip().partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=filename)
    return message


def absolute_url(endpoint: str, **values: Any) -> str:
    """External URL built from BASE_URL (works with or without a request)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def _render_optional(name: str, context: dict[str, Any]) -> str | None:
    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return None
    return render_template(name, **context)


def _host(config: Mapping[str, Any]) -> str:
    return urlsplit(config["BASE_URL"]).hostname or "bimtek.local"


# --- delivery ---------------------------------------------------------------------------------

def deliver_due(now: datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Deliver pending messages that are due; commit per message. Return (sent, failed) counts.

    With SMTP one connection serves the whole batch; MAIL_MAX_PER_HOUR (0: no cap) limits how many
    messages leave within any hour, the rest stay pending for a later run.
    """
    now = now or now_utc()
    limit = min(limit, hourly_room(current_app.config, now))
    if limit <= 0:
        return 0, 0
    sent = failed = 0
    with _open_transport(current_app.config) as connection:
        while sent + failed < limit:
            # One statement per step, each its own transaction (see deliver_one).
            autocommit_session(db.session)
            wanted = min(CLAIM_BATCH, limit - sent - failed)
            batch = _claim_next(now, wanted)
            for message in batch:
                outcome = _deliver_claimed(message, now, connection)
                sent += outcome is True
                failed += outcome is False
            if len(batch) < wanted:  # nothing else was due: mail queued later wakes the sender again
                break
    return sent, failed


def hourly_room(config: Mapping[str, Any], now: datetime) -> int:
    """How many messages may still leave in the hour before `now` (a large number when uncapped)."""
    cap = int(config.get("MAIL_MAX_PER_HOUR") or 0)
    if cap <= 0:
        return 10 ** 9
    recent = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                               .where(OutboxMessage.sent_at > now - timedelta(hours=1)))
    return max(cap - recent, 0)


def deliver_one(message_id: int, now: datetime | None = None, connection: SmtpConnection | None = None) -> bool | None:
    """Claim, send and record one message. True sent, False failed, None not ours (taken/not due).

    The row is marked sent only after the server accepted the message; a lost connection leaves it
    pending for a retry, and the claim (an atomic conditional UPDATE) keeps two senders from both sending it.
    """
    now = now or now_utc()
    # Each step is one statement (the claim, then "sent" or the failure): on an autocommit connection they
    # cost one round trip each instead of BEGIN … COMMIT, in the web worker that runs the sender thread.
    autocommit_session(db.session)
    message = _claim(message_id, now)
    if message is None:
        return None
    return _deliver_claimed(message, now, connection)


def _deliver_claimed(message: OutboxMessage, now: datetime, connection: SmtpConnection | None) -> bool:
    """Send a claimed message and record the outcome (sent, or the failure for a retry) with one statement on an
    autocommit connection. The commits keep the session's objects loaded: the other messages of the claimed
    batch are this sender's (leased), reading them again would only cost queries."""
    autocommit_session(db.session)  # the claim's commit ended the previous unit of work
    try:
        if connection is None:
            with _open_transport(current_app.config) as own:
                transport, path = _send(own, current_app.config, message)
        else:
            transport, path = _send(connection, current_app.config, message)
    except Exception as error:  # noqa: BLE001 - any delivery failure is recorded and retried
        _record_failure(message, error, now)
        commit_keeping_loaded(db.session)
        return False
    message.status, message.sent_at, message.transport, message.eml_path = MailStatus.SENT.value, now, transport, path
    message.last_error = ""
    commit_keeping_loaded(db.session)
    return True


def _claim_next(now: datetime, count: int = 1) -> list[OutboxMessage]:
    """Claim up to `count` of the oldest due messages that no other sender is claiming at this instant (PostgreSQL:
    FOR UPDATE SKIP LOCKED; the workers' senders then take different messages instead of racing for the same
    ones), in one statement. Should this sender die, the ones it had not delivered yet are retried after LEASE."""
    # A materialised CTE: inside `id IN (…)` PostgreSQL may run the SKIP LOCKED subquery again and claim more
    # than `count` rows.
    oldest = (sa.select(OutboxMessage.id).where(OutboxMessage.status == MailStatus.PENDING.value,
                                                OutboxMessage.next_attempt_at <= now)
              .order_by(OutboxMessage.id).limit(count).with_for_update(skip_locked=True)
              .cte("due").prefix_with("MATERIALIZED"))
    claimed = db.session.scalars(
        sa.update(OutboxMessage).where(OutboxMessage.id == oldest.c.id,
                                       OutboxMessage.status == MailStatus.PENDING.value,
                                       OutboxMessage.next_attempt_at <= now)
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE).returning(OutboxMessage),
        execution_options={"populate_existing": True, "synchronize_session": False}).all()
    commit_keeping_loaded(db.session)
    return sorted(claimed, key=lambda message: message.id)


def _claim(message_id: Any, now: datetime) -> OutboxMessage | None:
    """Take a lease on a due message with an atomic conditional UPDATE (safe across processes); the claimed row
    comes back from the same statement (RETURNING)."""
    claimed = db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id == message_id,
                                       OutboxMessage.status == MailStatus.PENDING.value,
                                       OutboxMessage.next_attempt_at <= now)
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE).returning(OutboxMessage),
        execution_options={"populate_existing": True, "synchronize_session": False}).scalar_one_or_none()
    db.session.commit()
    return claimed


def _record_failure(message: OutboxMessage, error: BaseException, now: datetime) -> None:
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MailStatus.FAILED.value
    else:
        message.next_attempt_at = now + backoff(message.attempts)
    log.warning("mail %s to %s failed (attempt %s): %s", message.id, message.recipient, message.attempts, error)


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed tries: 1, 2, 4 … minutes, capped."""
    return min(BASE_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def retry_now(message: OutboxMessage) -> None:
    """Make a pending/failed message due immediately (admin action; flush only)."""
    message.status, message.next_attempt_at = MailStatus.PENDING.value, now_utc()
    if message.attempts >= MAX_ATTEMPTS:
        message.attempts = MAX_ATTEMPTS - 1
    db.session.flush()
    db.session.info[SESSION_FLAG] = current_app._get_current_object()


def _open_transport(config: Mapping[str, Any]) -> AbstractContextManager[SmtpConnection | None]:
    """An SMTP connection for a batch when MAIL_SERVER is set, else the .eml folder (a no-op context)."""
    if config.get("MAIL_SERVER"):
        return SmtpConnection(SmtpSettings.from_config(config))
    return nullcontext()


def _send(connection: SmtpConnection | None, config: Mapping[str, Any], message: OutboxMessage) -> tuple[str, str]:
    if connection is None:
        return "file", _write_eml(config, message)
    connection.send(parseaddr(config["MAIL_SENDER"])[1], message.recipient, message.raw)
    return "smtp", ""


def outbox_dir(config: Mapping[str, Any]) -> Path:
    """Folder of .eml files when no SMTP server is configured."""
    return Path(config["DATA_DIR"]) / "outbox"


def _write_eml(config: Mapping[str, Any], message: OutboxMessage) -> str:
    folder = outbox_dir(config)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{message.created_at:%Y%m%d-%H%M%S}-{message.id:06d}.eml"
    partial = path.with_suffix(".part")
    partial.write_bytes(message.raw)
    partial.replace(path)
    return str(path)


def outbox_messages(status: str | None = None, limit: int = 200) -> Sequence[OutboxMessage]:
    """Newest outbox rows (optionally of one status) for the admin page."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == status)
    return db.session.scalars(query).all()
