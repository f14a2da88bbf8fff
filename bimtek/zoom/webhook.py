"""Zoom webhooks (pure): signature check, URL validation answer and the events we record.

Zoom signs every delivery: x-zm-signature = "v0=" + hex HMAC-SHA256(secret token, "v0:{timestamp}:{raw body}")
with x-zm-request-timestamp in seconds. A delivery older (or newer) than MAX_AGE is refused, and the signature
of each accepted delivery is remembered so the same delivery cannot be played twice.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from bimtek.zoom.report import zoom_time

MAX_AGE = 300  # seconds
MAX_BODY = 64 * 1024
JOINED, LEFT, ENDED, VALIDATION = ("meeting.participant_joined", "meeting.participant_left", "meeting.ended",
                                   "endpoint.url_validation")
RECORDED = (JOINED, LEFT, ENDED)


class WebhookRefused(Exception):
    """The delivery is not accepted; `status` is the HTTP answer."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status


def _hmac(secret, text):
    return hmac.new(secret.encode("utf-8"), text, hashlib.sha256).hexdigest()


def signature(secret, timestamp, body):
    """The x-zm-signature Zoom sends for this body (also used by tests)."""
    return "v0=" + _hmac(secret, b"v0:" + str(timestamp).encode() + b":" + body)


def matching_secret(secrets, timestamp, body, sent, now):
    """The secret (of the candidates) that signed this delivery; WebhookRefused when stale or none did."""
    try:
        age = abs(now - int(timestamp))
    except (TypeError, ValueError):
        raise WebhookRefused(401, "missing timestamp") from None
    if age > MAX_AGE:
        raise WebhookRefused(401, "stale timestamp")
    sent_bytes = str(sent or "").encode("utf-8", "replace")  # compare_digest refuses non-ASCII str
    for secret in secrets:
        if secret and hmac.compare_digest(signature(secret, timestamp, body).encode("ascii"), sent_bytes):
            return secret
    raise WebhookRefused(401, "bad signature")


def url_validation(secret, payload):
    """The answer to endpoint.url_validation: plainToken and its hex HMAC-SHA256 as encryptedToken."""
    plain = _dict(payload.get("payload")).get("plainToken")
    plain = plain if isinstance(plain, str) else ""
    return {"plainToken": plain, "encryptedToken": _hmac(secret, plain.encode("utf-8"))}


def parse_body(body):
    """The JSON object of a delivery; WebhookRefused(400) if it is not one."""
    if len(body) > MAX_BODY:
        raise WebhookRefused(413, "too large")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeError):
        raise WebhookRefused(400, "not JSON") from None
    if not isinstance(payload, dict):
        raise WebhookRefused(400, "not an object")
    return payload


def _dict(value):
    return value if isinstance(value, dict) else {}


def _text(value, limit):
    """A scalar field as text ('' for lists, objects and null), cut to `limit` characters."""
    return str(value)[:limit] if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


@dataclass
class Event:
    event: str
    meeting_id: str
    instance_uuid: str
    participant_key: str
    name: str
    email: str
    at: datetime


def event_of(payload):
    """The Event of a recorded delivery, or None (other events, incomplete data)."""
    kind = payload.get("event")
    obj = _dict(_dict(payload.get("payload")).get("object"))
    meeting_id = _text(obj.get("id"), 40).replace(" ", "")
    if not isinstance(kind, str) or kind not in RECORDED or not meeting_id:
        return None
    person = _dict(obj.get("participant"))
    if kind == ENDED:
        at = zoom_time(_text(obj.get("end_time"), 40))
        key = name = email = ""
    else:
        at = zoom_time(_text(person.get("join_time" if kind == JOINED else "leave_time"), 40))
        name, email = _text(person.get("user_name"), 300), _text(person.get("email"), 254)
        key = (_text(person.get("participant_uuid"), 300) or _text(person.get("id"), 300)
               or f"{name}|{email}"[:300])
        if not name:
            return None
    if at is None:
        return None
    return Event(kind, meeting_id, _text(obj.get("uuid"), 100), key, name, email, at)
