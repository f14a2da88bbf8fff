"""Server-side sign-in sessions: the cookie carries a random token, the database says whether it still counts.

Logging out deletes the row, so a copied cookie stops working on every worker at once; a password change,
a deactivation or "keluar dari semua perangkat" deletes all rows of the user.
"""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_login import login_user, logout_user

from bimtek.accounts.models import AuthSession, Role, User
from bimtek.core.models import now_utc
from bimtek.extensions import db

# Participants follow a training on their phone for weeks; a staff sign-in lasts one working day. The lifetime
# is absolute: the loader never writes, so reading a page cannot contend with the request's own transaction.
LIFETIME = {Role.PESERTA.value: timedelta(days=30)}
STAFF_LIFETIME = timedelta(hours=12)


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(user):
    return LIFETIME.get(user.role, STAFF_LIFETIME)


def start(user, user_agent=""):
    """Create a session row for `user` and sign this browser in with its token (flush only)."""
    user.auth_token = create(user, user_agent)
    login_user(user)
    return user.auth_token


def create(user, user_agent=""):
    """A new session row for `user`; returns the token the cookie will carry (flush only)."""
    token = secrets.token_urlsafe(32)
    now = now_utc()
    db.session.add(AuthSession(user_id=user.id, token_hash=_hash(token), created_at=now,
                               expires_at=now + _lifetime(user), user_agent=(user_agent or "")[:200]))
    db.session.flush()
    return token


def load(token):
    """Flask-Login loader: the active user of a live session token, else None."""
    if not isinstance(token, str) or len(token) < 20:
        return None  # also rejects cookies from before server-side sessions (they held a bare user id)
    now = now_utc()
    row = db.session.execute(sa.select(AuthSession, User).join(User, AuthSession.user_id == User.id)
                             .where(AuthSession.token_hash == _hash(token), AuthSession.expires_at > now)).first()
    if row is None or not row.User.is_active:
        return None
    user = row.User
    user.auth_token = token
    return user


def end_current(user):
    """Log this browser out: its session row is deleted, then the cookie is cleared (flush only)."""
    token = getattr(user, "auth_token", None)
    if token:
        db.session.execute(sa.delete(AuthSession).where(AuthSession.token_hash == _hash(token)))
    logout_user()


def end_all(user):
    """End every session of `user` on every device (flush only); returns how many were ended."""
    result = db.session.execute(sa.delete(AuthSession).where(AuthSession.user_id == user.id))
    return result.rowcount


def purge_expired(now=None):
    """Delete expired session rows (housekeeping)."""
    result = db.session.execute(sa.delete(AuthSession).where(AuthSession.expires_at <= (now or now_utc())))
    return result.rowcount
