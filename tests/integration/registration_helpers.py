"""Shared data for the registration integration tests."""
import email
import email.policy
import re
from datetime import date, timedelta

import sqlalchemy as sa

from bimtek.core.models import now_utc
from bimtek.extensions import db
from bimtek.mail.models import OutboxMessage
from tests.factories import make_training

FORM = {
    "nama_lengkap": "Siti Aminah, S.IP.", "jenis_kelamin": "P", "jabatan": "Pustakawan Ahli Pertama",
    "instansi": "Dinas Perpustakaan Kabupaten Bangka", "kabupaten": "Bangka", "provinsi": "Kepulauan Bangka Belitung",
    "email": "siti@example.id", "phone": "0812 3456 7890", "nip": "", "pangkat": "", "consent": "y",
}


def open_training(**fields):
    """A published training in the future whose registration window is open now."""
    now = now_utc()
    fields.setdefault("registration_opens_at", now - timedelta(days=1))
    fields.setdefault("registration_closes_at", now + timedelta(days=30))
    return make_training(start=fields.pop("start", date.today() + timedelta(days=60)), **fields)


def form(**overrides):
    return {**FORM, **overrides}


def latest_mail_body(address):
    """Plain-text body of the newest outbox message to `address`."""
    raw = db.session.scalars(sa.select(OutboxMessage.raw).where(OutboxMessage.recipient == address)
                             .order_by(OutboxMessage.id.desc())).first()
    return email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",)).get_content()


def sign_in_code(address):
    """The 6-digit sign-in code of the newest message to `address` (it stands alone on its line)."""
    return re.search(r"^\s+(\d{6})\s*$", latest_mail_body(address), re.M).group(1)
