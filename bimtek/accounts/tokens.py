"""One-time proofs of a mailbox: a link and a 6-digit code, mailed together (flush only).

The link works in any browser; the code works only in the browser that asked for it (it is bound to a
random key kept in that browser's session), at most MAX_CODE_ATTEMPTS guesses. Only hashes are stored.
A request for an address with no account stores a row without a user, so known and unknown addresses
leave the same trace and take the same work.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bimtek.accounts.models import EmailToken, User
from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db

TOKEN_TTL = timedelta(minutes=30)
TOKEN_MINUTES = int(TOKEN_TTL.total_seconds() // 60)  # as the e-mails say it
MAX_CODE_ATTEMPTS = 5
PARTICIPANT, PASSWORD_RESET = "participant", "password-reset"
INVALID_LINK = Message(N_("Tautan tidak valid, sudah dipakai, atau kedaluwarsa. Minta tautan baru."))
INVALID_CODE = Message(N_("Kode salah atau sudah kedaluwarsa. Periksa email terbaru Anda, atau minta kode baru."))
TOO_MANY = Message(N_("Terlalu banyak percobaan kode. Minta tautan dan kode baru."))


def _sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def _code_hash(secret_key, nonce_hash, code):
    return hmac.new(secret_key.encode(), f"{nonce_hash}:{code}".encode(), hashlib.sha256).hexdigest()


def _serializer(secret_key, purpose):
    return URLSafeTimedSerializer(secret_key, salt=f"bimtek.{purpose}")


def new_browser_key():
    """A random key that a browser keeps in its session to claim the code it asked for."""
    return secrets.token_urlsafe(24)


def issue(purpose, user, secret_key, browser_key=None, now=None):
    """Store a token for `user` (or None for an unknown address); return (link token, 6-digit code)."""
    now = now or now_utc()
    nonce, code = secrets.token_urlsafe(24), f"{secrets.randbelow(10 ** 6):06d}"
    nonce_hash = _sha(nonce)
    db.session.add(EmailToken(
        purpose=purpose, user_id=getattr(user, "id", None), nonce_hash=nonce_hash,
        browser_hash=_sha(browser_key) if browser_key else None, code_hash=_code_hash(secret_key, nonce_hash, code),
        created_at=now, expires_at=now + TOKEN_TTL))
    db.session.flush()
    return _serializer(secret_key, purpose).dumps({"u": getattr(user, "id", 0) or 0, "n": nonce}), code


def _read_link(purpose, token, secret_key):
    try:
        payload = _serializer(secret_key, purpose).loads(token, max_age=int(TOKEN_TTL.total_seconds()))
        return int(payload["u"]), str(payload["n"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(INVALID_LINK) from None


def link_is_usable(purpose, token, secret_key, now=None):
    """True while a link is valid, unexpired and unused (nothing is used up)."""
    try:
        user_id, nonce = _read_link(purpose, token, secret_key)
    except ValidationError:
        return False
    return db.session.scalar(sa.select(sa.func.count(EmailToken.id)).where(
        EmailToken.nonce_hash == _sha(nonce), EmailToken.purpose == purpose, EmailToken.user_id == user_id,
        EmailToken.used_at.is_(None), EmailToken.expires_at > (now or now_utc()))) == 1


def consume_link(purpose, token, secret_key, now=None):
    """The user of a valid, unexpired, unused link (marked used atomically), else ValidationError."""
    now = now or now_utc()
    user_id, nonce = _read_link(purpose, token, secret_key)
    table = EmailToken.__table__
    result = db.session.execute(table.update().where(
        table.c.nonce_hash == _sha(nonce), table.c.purpose == purpose, table.c.user_id == user_id,
        table.c.used_at.is_(None), table.c.expires_at > now).values(used_at=now))
    return _usable_user(result.rowcount, user_id, INVALID_LINK)


def verify_code(purpose, browser_key, code, secret_key, now=None):
    """The user whose newest code, asked for in this browser, equals `code`; else ValidationError."""
    now = now or now_utc()
    code = "".join(ch for ch in str(code or "") if ch.isdigit())[:6]
    if not browser_key:
        raise ValidationError(INVALID_CODE)
    row = db.session.scalar(sa.select(EmailToken).where(
        EmailToken.purpose == purpose, EmailToken.browser_hash == _sha(browser_key),
        EmailToken.used_at.is_(None), EmailToken.expires_at > now).order_by(EmailToken.id.desc()).limit(1))
    if row is None:
        raise ValidationError(INVALID_CODE)
    table = EmailToken.__table__
    counted = db.session.execute(table.update().where(
        table.c.id == row.id, table.c.attempts < MAX_CODE_ATTEMPTS).values(attempts=table.c.attempts + 1))
    if counted.rowcount != 1:
        raise ValidationError(TOO_MANY)
    if not hmac.compare_digest(row.code_hash or "", _code_hash(secret_key, row.nonce_hash, code)):
        raise ValidationError(INVALID_CODE)
    used = db.session.execute(table.update().where(table.c.id == row.id, table.c.used_at.is_(None))
                              .values(used_at=now))
    return _usable_user(used.rowcount, row.user_id, INVALID_CODE)


def _usable_user(rowcount, user_id, message):
    user = db.session.get(User, user_id) if user_id else None
    if rowcount != 1 or user is None or not user.is_active:
        raise ValidationError(message)
    user.last_login_at = now_utc()
    return user


def invalidate_for(user, purpose):
    """Use up every open token of `user` for `purpose` (e.g. after the password was reset)."""
    table = EmailToken.__table__
    db.session.execute(table.update().where(table.c.user_id == user.id, table.c.purpose == purpose,
                                            table.c.used_at.is_(None)).values(used_at=now_utc()))


def purge_expired(now=None):
    """Delete tokens past their expiry (housekeeping)."""
    return db.session.execute(sa.delete(EmailToken).where(EmailToken.expires_at <= (now or now_utc()))).rowcount
