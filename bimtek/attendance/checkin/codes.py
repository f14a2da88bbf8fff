"""Self check-in codes and windows (pure).

The host screen shows a 6-digit code (and a QR with it) that changes every STEP seconds: TOTP (RFC 6238, pyotp)
over a random per-session secret. A code is accepted during its own step and the one after (time to type it);
a code from the last EXPIRED_STEPS steps is "expired" (say so, it was real), anything else is "wrong".
Masuk is possible from MARGIN before the start until the end, keluar from the start until MARGIN after the end.
"""
from __future__ import annotations

import hmac
from datetime import datetime, timedelta

import pyotp

STEP = 60
DIGITS = 6
EXPIRED_STEPS = 30
MARGIN = timedelta(minutes=30)
MASUK, KELUAR = "masuk", "keluar"
OK, EXPIRED, WRONG = "ok", "expired", "wrong"


def new_secret():
    return pyotp.random_base32()


def _totp(secret):
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP)


def current_code(secret, now: datetime):
    """(code, seconds until it changes)."""
    stamp = int(now.timestamp())
    return _totp(secret).at(stamp), STEP - stamp % STEP


def check_code(secret, code, now: datetime):
    """OK (this step or the previous), EXPIRED (an older real code) or WRONG."""
    typed = "".join(ch for ch in str(code or "") if ch.isdigit())
    if len(typed) != DIGITS:
        return WRONG
    totp, stamp = _totp(secret), int(now.timestamp())
    for back in range(EXPIRED_STEPS + 1):
        if hmac.compare_digest(totp.at(stamp - back * STEP), typed):
            return OK if back <= 1 else EXPIRED
    return WRONG


def window(kind, start: datetime, end: datetime):
    """(opens, closes) of masuk or keluar for a session."""
    return (start - MARGIN, end) if kind == MASUK else (start, end + MARGIN)


def open_kinds(start: datetime, end: datetime, now: datetime):
    """The kinds (masuk/keluar) that may be recorded now."""
    return [kind for kind in (MASUK, KELUAR) if window(kind, start, end)[0] <= now <= window(kind, start, end)[1]]
