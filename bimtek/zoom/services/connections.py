"""A training's Zoom connection (secrets encrypted) and each session's meeting (flush only)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bimtek.audit.services import record
from bimtek.core import crypto
from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.zoom.client import Credentials, ZoomClient, clean_meeting_id
from bimtek.zoom.models import PULL_WAITING, ZoomConnection, ZoomSessionLink

if TYPE_CHECKING:
    from bimtek.accounts.models import User
    from bimtek.trainings.models import Training, TrainingSession


def connection_for(training: Training) -> ZoomConnection | None:
    return db.session.get(ZoomConnection, training.id)


def _check_id(value: Any, label: str, field: str) -> str:
    text = " ".join(str(value or "").split())
    if not text or len(text) > 100 or " " in text:
        raise ValidationError(f"{label} wajib diisi (satu kata, maks. 100 karakter).", field=field)
    return text


def check_meeting_id(value: Any, field: str = "meeting_id") -> str:
    """'' or a Zoom meeting id of 9–12 digits (spaces and dashes allowed when typed)."""
    meeting = clean_meeting_id(value)
    if meeting and not (meeting.isdigit() and 9 <= len(meeting) <= 12):
        raise ValidationError(f"ID rapat Zoom '{value}' tidak valid: tulis 9–12 angka (mis. 812 3456 7890).",
                              field=field)
    return meeting


def save_connection(actor: User, training: Training, config: Mapping[str, Any], *, account_id: str, client_id: str,
                    client_secret: str = "", recurring_meeting_id: str = "", webhook_token: str = "") -> ZoomConnection:
    """Create or change the training's connection; a blank secret keeps the stored one (audited, no secrets)."""
    connection = connection_for(training)
    account_id = _check_id(account_id, "Account ID", "account_id")
    client_id = _check_id(client_id, "Client ID", "client_id")
    meeting = check_meeting_id(recurring_meeting_id, "recurring_meeting_id")
    secret = (client_secret or "").strip()
    if connection is None and not secret:
        raise ValidationError("Client Secret wajib diisi saat menyimpan koneksi pertama kali.", field="client_secret")
    material = crypto.key_material(config)
    if connection is None:
        connection = ZoomConnection(training_id=training.id)
        db.session.add(connection)
    connection.account_id, connection.client_id, connection.recurring_meeting_id = account_id, client_id, meeting
    connection.updated_by_id = getattr(actor, "id", None)
    if secret:
        connection.client_secret_encrypted = crypto.encrypt(secret, material)
        connection.check_ok, connection.checked_at, connection.check_message = None, None, ""
    if (webhook_token or "").strip():
        connection.webhook_token_encrypted = crypto.encrypt(webhook_token.strip(), material)
    db.session.flush()
    record(actor, "zoom.connection", connection, training_id=training.id,
           summary=Message(N_("Menyimpan koneksi Zoom (Account ID %(account)s, Client ID %(client)s)"),
                           account=account_id, client=client_id),
           secret_changed=bool(secret), recurring_meeting_id=meeting)
    return connection


def delete_connection(actor: User, training: Training) -> None:
    connection = connection_for(training)
    if connection is not None:
        db.session.delete(connection)
        db.session.flush()
        record(actor, "zoom.connection_delete", None, training_id=training.id,
               summary=Message(N_("Menghapus koneksi Zoom")))


def client_for(connection: ZoomConnection, config: Mapping[str, Any], **options: Any) -> ZoomClient:
    """A ZoomClient with the decrypted secret (raises SecretUnreadable when the key changed)."""
    secret = crypto.decrypt(connection.client_secret_encrypted, crypto.key_material(config))
    return ZoomClient(Credentials(connection.account_id, connection.client_id, secret),
                      config["ZOOM_API_URL"], config["ZOOM_OAUTH_URL"], **options)


def check_connection(actor: User, training: Training, config: Mapping[str, Any]) -> tuple[bool, str]:
    """"Uji koneksi": ask Zoom for a token; stores and returns (ok, Indonesian message)."""
    connection = connection_for(training)
    if connection is None:
        raise DomainError("Belum ada koneksi Zoom untuk pelatihan ini.")
    try:
        client_for(connection, config).check()
        ok, message = True, "Koneksi berhasil: Zoom menerima kredensial aplikasi."
    except DomainError as error:
        ok, message = False, str(error)
    connection.check_ok, connection.checked_at, connection.check_message = ok, now_utc(), message
    db.session.flush()
    return ok, message


def links_by_session(training: Training) -> dict[int, ZoomSessionLink]:
    rows = db.session.scalars(sa.select(ZoomSessionLink).where(ZoomSessionLink.training_id == training.id)).all()
    return {link.session_id: link for link in rows}


def link_for(session: TrainingSession, create: bool = False) -> ZoomSessionLink | None:
    link = db.session.get(ZoomSessionLink, session.id)
    if link is None and create:
        link = ZoomSessionLink(session_id=session.id, training_id=session.training_id, meeting_id="",
                               status=PULL_WAITING, message="", attempts=0)
        db.session.add(link)
        db.session.flush()
    return link


def save_meetings(actor: User, training: Training, meetings: Mapping[int, str]) -> None:
    """Set each session's meeting id ({session id: typed value}; '' = the recurring meeting)."""
    cleaned = {sid: check_meeting_id(value, f"meeting_{sid}") for sid, value in meetings.items()}
    for session in training.sessions:
        if session.id not in cleaned:
            continue
        link = link_for(session, create=True)
        if link.meeting_id != cleaned[session.id]:
            link.meeting_id, link.status, link.attempts, link.next_try_at = cleaned[session.id], PULL_WAITING, 0, None
    db.session.flush()
    record(actor, "zoom.meetings", None, training_id=training.id,
           summary=Message(N_("Mengubah ID rapat Zoom per sesi")),
           meetings={str(k): v for k, v in cleaned.items()})


def meeting_for(session: TrainingSession, connection: ZoomConnection | None = None,
                link: ZoomSessionLink | None = None) -> str:
    """The session's own meeting id, else the training's recurring meeting id, else ''."""
    link = link if link is not None else db.session.get(ZoomSessionLink, session.id)
    if link is not None and link.meeting_id:
        return link.meeting_id
    connection = connection if connection is not None else db.session.get(ZoomConnection, session.training_id)
    return connection.recurring_meeting_id if connection is not None else ""
