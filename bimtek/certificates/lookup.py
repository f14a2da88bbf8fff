"""What verifiers see: the public facts printed on a certificate, and a lookup by number + holder's name.

The lookup never lists anything: it answers with one certificate when both the number and the name match
(ignoring case and spaces), and with nothing otherwise.
"""
import sqlalchemy as sa

from bimtek.certificates import services
from bimtek.certificates.models import Certificate
from bimtek.extensions import db


def public_view(certificate):
    """services.public_view plus what the certificate itself prints for anyone: number, issue date, signer."""
    snapshot = certificate.snapshot
    signer = snapshot.get("signer") or {}
    issued_on = snapshot.get("issue_date")
    return {**services.public_view(certificate), "number": certificate.number,
            "issued_on": issued_on,
            "signer": {"name": signer.get("name", ""), "jabatan": signer.get("jabatan", "")}}


def squeeze(text):
    """Case- and space-insensitive form of a number or a name."""
    return "".join(str(text or "").split()).casefold()


def find_by_number_and_name(number, name):
    """The one certificate whose number and holder's name both match, else None."""
    wanted_number, wanted_name = squeeze(number), squeeze(name)
    if not wanted_number or not wanted_name or len(wanted_number) > 160 or len(wanted_name) > 200:
        return None
    stored = sa.func.lower(sa.func.replace(sa.func.replace(Certificate.number, " ", ""), "\t", ""))
    candidates = db.session.scalars(sa.select(Certificate).where(stored == wanted_number.lower()).limit(50)).all()
    matches = [c for c in candidates if squeeze(c.number) == wanted_number and squeeze(c.name) == wanted_name]
    return matches[0] if len(matches) == 1 else None
