"""Optional second factor for staff: TOTP (RFC 6238, any authenticator app) plus single-use recovery codes.

Admins switch on "wajib untuk admin dan penandatangan"; those accounts then enrol at their next sign-in.
Flush only; the views commit. pyotp does the TOTP arithmetic.
"""
import base64
import hashlib
import hmac
import io
import secrets

import pyotp
import qrcode
import qrcode.image.svg
import sqlalchemy as sa

from bimtek.accounts.models import AccountPolicy, Duty, RecoveryCode, TrainingRole
from bimtek.audit.services import record
from bimtek.core.messages import N_, Message
from bimtek.core.models import now_utc
from bimtek.extensions import db

ISSUER = "Bimtek Daring"
RECOVERY_CODE_COUNT = 10


def policy():
    """The site's account policy row (created on first use)."""
    row = db.session.get(AccountPolicy, 1)
    if row is None:
        row = AccountPolicy(id=1, require_two_factor=False)
        db.session.add(row)
        db.session.flush()
    return row


def set_required(actor, required):
    policy().require_two_factor = bool(required)
    db.session.flush()
    record(actor, "account.two_factor_policy", None,
           summary=Message(N_("Verifikasi dua langkah wajib untuk admin dan penandatangan")) if required
           else Message(N_("Verifikasi dua langkah tidak wajib untuk admin dan penandatangan")))


def is_required_for(user):
    """Admins and penandatangan must use a second factor once the admin has switched the policy on."""
    if not policy().require_two_factor:
        return False
    if user.is_admin:
        return True
    return db.session.scalar(sa.select(sa.func.count(TrainingRole.id)).where(
        TrainingRole.user_id == user.id, TrainingRole.duty == Duty.PENANDATANGAN.value)) > 0


def new_secret():
    return pyotp.random_base32()


def provisioning_qr(user, secret):
    """(otpauth URI, data: URL of an SVG QR code) for the authenticator app to scan."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    buffer = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(buffer)
    return uri, "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def code_matches(secret, code):
    """True when `code` is the current TOTP of `secret` (one step of clock drift either side)."""
    code = "".join(ch for ch in str(code or "") if ch.isdigit())
    return len(code) == 6 and bool(secret) and pyotp.TOTP(secret).verify(code, valid_window=1)


def enable(user, secret, code):
    """Confirm enrolment with a first code; return the plain recovery codes (shown once) or None if wrong."""
    if not code_matches(secret, code):
        return None
    user.totp_secret, user.totp_enabled_at = secret, now_utc()
    codes = _replace_recovery_codes(user)
    record(user, "account.two_factor_enable", user,
           summary=Message(N_("%(email)s mengaktifkan verifikasi dua langkah"), email=user.email))
    return codes


def disable(actor, user):
    user.totp_secret, user.totp_enabled_at = None, None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
    record(actor, "account.two_factor_disable", user,
           summary=Message(N_("Verifikasi dua langkah %(email)s dimatikan"), email=user.email))


def verify(user, code):
    """A TOTP code or an unused recovery code (used up now) of `user`."""
    if code_matches(user.totp_secret, code):
        return True
    return _use_recovery_code(user, code)


def regenerate_recovery_codes(user):
    codes = _replace_recovery_codes(user)
    record(user, "account.recovery_codes", user,
           summary=Message(N_("%(email)s membuat kode pemulihan baru"), email=user.email))
    return codes


def _hash(code):
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _normalise(code):
    return "".join(ch for ch in str(code or "").lower() if ch.isalnum())


def _replace_recovery_codes(user):
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return codes


def _use_recovery_code(user, code):
    if len(_normalise(code)) != 12:
        return False
    rows = db.session.scalars(sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                            RecoveryCode.used_at.is_(None))).all()
    wanted = _hash(code)
    match = next((row for row in rows if hmac.compare_digest(row.code_hash, wanted)), None)
    if match is None:
        return False
    table = RecoveryCode.__table__
    used = db.session.execute(table.update().where(table.c.id == match.id, table.c.used_at.is_(None))
                              .values(used_at=now_utc()))
    if used.rowcount == 1:
        record(user, "account.recovery_code_used", user,
               summary=Message(N_("%(email)s memakai kode pemulihan"), email=user.email))
    return used.rowcount == 1
