"""Certificates for people who are not participants (pure): narasumber, moderator, MC, panitia.

Each role has its phrase on the certificate ("sebagai Narasumber pada …"); a narasumber's certificate also
names the materi given and its JP. `from_materi` proposes one narasumber per trainer named in the materi list.
"""
import re
from dataclasses import dataclass

from bimtek.core.errors import ValidationError

ROLES = {"narasumber": "Narasumber", "moderator": "Moderator", "mc": "Pembawa Acara (MC)", "panitia": "Panitia"}
DEFAULT_OWN_TEMPLATE = "800/{nomor}/NS/{unit}/{tahun}"
_SPLIT_TRAINERS = re.compile(r"\s*(?:;|/|\s&\s|\sdan\s)\s*")


@dataclass(frozen=True)
class Proposal:
    name: str
    role: str
    materi_id: int


def role_variant(role, materi_title="", jp=None):
    """What the design prints for the role: {'key', 'label', 'materi', 'jp'} (materi/JP for narasumber only)."""
    if role not in ROLES:
        raise ValidationError("Peran tidak dikenal; pilih Narasumber, Moderator, MC atau Panitia.", field="role")
    variant = {"key": role, "label": ROLES[role], "materi": "", "jp": None}
    if role == "narasumber" and materi_title:
        variant.update(materi=materi_title, jp=jp)
    return variant


def check_recipient(name, role, materi_id):
    """Cleaned (name, role, materi_id) or ValidationError; a narasumber needs the materi given."""
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise ValidationError("Nama penerima wajib diisi (paling panjang 200 karakter).", field="name")
    role_variant(role)
    if role == "narasumber" and not materi_id:
        raise ValidationError("Pilih materi yang dibawakan narasumber.", field="materi_id")
    return name, role, (materi_id if role == "narasumber" else None)


def from_materi(materi, existing=()):
    """Proposals (one per trainer named in each materi) not yet in `existing` {(name casefold, materi_id)}.

    `materi` is [(id, title, trainer)]; 'A dan B' or 'A; B' give two narasumber."""
    seen, out = set(existing), []
    for materi_id, _title, trainer in materi:
        for name in _SPLIT_TRAINERS.split(trainer or ""):
            name = " ".join(name.split())
            key = (name.casefold(), materi_id)
            if name and key not in seen:
                seen.add(key)
                out.append(Proposal(name, "narasumber", materi_id))
    return out
