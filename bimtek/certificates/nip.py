"""NIP (Nomor Induk Pegawai) formatting: 18 digits written 8-6-1-3 (Perka BKN 22/2007)."""

import re

from bimtek.core.errors import ValidationError

_GROUPS = (8, 6, 1, 3)


def normalize_nip(value):
    """Return the 18 NIP digits from user input (spaces/dots allowed), '' for empty input."""
    if value is None:
        return ""
    digits = re.sub(r"[\s.\-]", "", str(value))
    if not digits:
        return ""
    if not digits.isdigit() or len(digits) != 18:
        raise ValidationError("NIP harus terdiri dari 18 angka.", field="nip", value=value)
    return digits


def format_nip(value):
    """Group a NIP as ``19860926 201505 1 001``; '' when empty."""
    digits = normalize_nip(value)
    if not digits:
        return ""
    parts, start = [], 0
    for size in _GROUPS:
        parts.append(digits[start:start + size])
        start += size
    return " ".join(parts)
