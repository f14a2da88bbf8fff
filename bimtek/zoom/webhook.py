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
    for secret in secrets:
        if secret and hmac.compare_digest(signature(secret, timestamp, body), sent or ""):
            return secret
    raise WebhookRefused(401, "bad signature")


def url_validation(secret, payload):
    """The answer to endpoint.url_validation: plainToken and its hex HMAC-SHA256 as encryptedToken."""
    plain = str((payload.get("payload") or {}).get("plainToken") or "")
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
    obj = (payload.get("payload") or {}).get("object") or {}
    if kind not in RECORDED or not isinstance(obj, dict) or not obj.get("id"):
        return None
    person = obj.get("participant") or {}
    if kind == ENDED:
        at = zoom_time(obj.get("end_time"))
        key = name = email = ""
    else:
        at = zoom_time(person.get("join_time" if kind == JOINED else "leave_time"))
        name, email = str(person.get("user_name") or "")[:300], str(person.get("email") or "")[:254]
        key = str(person.get("participant_uuid") or person.get("id") or f"{name}|{email}")[:300]
        if not name:
            return None
    if at is None:
        return None
    return Event(kind, str(obj["id"]).replace(" ", ""), str(obj.get("uuid") or "")[:100], key, name, email, at)
