"""Limits that are not tied to one route: per recipient of sign-in mail, per account for password guesses.

They use the same shared store as the route limits (Redis, or the database without it), so every
gunicorn worker counts against one budget. Identifiers are hashed: the store never holds an address.
"""
import hashlib
import math
import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse

from bimtek.core.ratelimit import DatabaseStorage
from bimtek.extensions import limiter

# Every path that mails a sign-in link or code (link request, duplicate registration, password reset)
# draws from one budget per recipient and one per client address. Offices share one address, so the
# per-address budget is generous; the per-recipient one is what protects a mailbox.
SIGN_IN_MAIL_PER_RECIPIENT = parse("3 per 15 minutes")
SIGN_IN_MAIL_PER_ADDRESS = parse("50 per hour")
# The routes that ask for such mail share this per-address limit (Flask-Limiter shared scope).
SIGN_IN_MAIL_ROUTE_LIMIT = "10 per minute; 50 per hour"
SIGN_IN_MAIL_SCOPE = "sign-in-mail"
# Wrong passwords (or second-factor codes) for one account, whatever address they come from.
FAILED_LOGINS_PER_ACCOUNT = parse("10 per 15 minutes")


def _key(value):
    return hashlib.sha256((value or "").strip().lower().encode()).hexdigest()


def allow_sign_in_mail(email):
    """Count one sign-in mail to `email` from this client; False once a budget is spent (send nothing then).
    The recipient's budget is counted only while the address's lasts (one statement with the database store)."""
    if not _enabled():
        return True
    address = (SIGN_IN_MAIL_PER_ADDRESS, "sign-in-mail-address", _key(get_remote_address()))
    recipient = (SIGN_IN_MAIL_PER_RECIPIENT, "sign-in-mail", _key(email))
    storage = limiter.limiter.storage
    if isinstance(storage, DatabaseStorage):
        return storage.hit_chained(address, recipient)
    return limiter.limiter.hit(*address) and limiter.limiter.hit(*recipient)


def _enabled():
    # The app's own setting, not the shared extension's last state (tests build apps with limits on and off).
    return bool(current_app.config.get("RATELIMIT_ENABLED")) and limiter.enabled


def account_locked(email):
    """True while the account has used up its failed-login budget."""
    if not _enabled():
        return False
    return not limiter.limiter.test(FAILED_LOGINS_PER_ACCOUNT, "failed-login", _key(email))


def seconds_until_unlocked(email):
    """Seconds until a locked account's failed-login window resets (for the Retry-After header)."""
    reset_time, _remaining = limiter.limiter.get_window_stats(FAILED_LOGINS_PER_ACCOUNT, "failed-login", _key(email))
    return max(1, math.ceil(reset_time - time.time()))


def record_failed_login(email):
    _hit(FAILED_LOGINS_PER_ACCOUNT, "failed-login", email)


def _hit(item, scope, value):
    if not _enabled():
        return True
    return limiter.limiter.hit(item, scope, _key(value))
