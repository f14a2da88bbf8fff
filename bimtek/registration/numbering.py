"""Registration numbers such as ``SPP2020-0042`` (training code + zero-padded sequence). Pure.

Participants are asked to rename themselves in Zoom as "SPP2020-0042 Budi" (or just "0042_Budi"),
so the attendance matcher can find the number inside a display name.
"""

import re
from typing import NamedTuple

from bimtek.core.errors import ValidationError
from bimtek.core.limits import quote

SEQUENCE_WIDTH = 4
MAX_SEQUENCE = 999_999
MAX_CODE_LENGTH = 30
_CODE_RE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
_FULL_RE = re.compile(r"([A-Z0-9]+(?:-[A-Z0-9]+)*)-([0-9]{1,6})")
# Code + sequence anywhere in a name, not glued to other letters/digits.
_IN_NAME_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)-([0-9]{1,6})(?![0-9])")
# A bare sequence at the start: "0042_Budi", "[0042] Budi", "42 - Budi".
_LEADING_RE = re.compile(r"\s*[\[(]?\s*([0-9]{1,6})\s*[\])]?\s*[_\-.:)\]\s]\s*(?=[^\W\d_])")


class RegistrationNumber(NamedTuple):
    """A parsed registration number; code is None when only the sequence was written."""

    code: object  # str or None
    sequence: int


def format_registration_number(training_code, sequence, width=SEQUENCE_WIDTH):
    """Return e.g. "SPP2020-0042" for ("spp2020", 42); the sequence is never truncated."""
    code = normalize_training_code(training_code)
    if isinstance(sequence, bool) or not isinstance(sequence, int) or not 1 <= sequence <= MAX_SEQUENCE:
        raise ValidationError(
            f"Nomor urut pendaftaran harus 1–{MAX_SEQUENCE}.", field="seq")
    return f"{code}-{sequence:0{width}d}"


def normalize_training_code(raw):
    """Upper-case a training code (letters, digits, inner dashes) or raise ValidationError."""
    code = str(raw or "").strip().upper()
    if not code or len(code) > MAX_CODE_LENGTH or not _CODE_RE.fullmatch(code):
        raise ValidationError(
            "Kode pelatihan hanya boleh berisi huruf, angka, dan tanda hubung (maks. "
            f"{MAX_CODE_LENGTH} karakter), misalnya SPP2020.", field="code")
    return code


def parse_registration_number(text):
    """Parse a whole registration number ("SPP2020-0042") into (code, 42) or raise ValidationError."""
    value = str(text or "").strip().upper()
    match = _FULL_RE.fullmatch(value)
    if not match or int(match.group(2)) == 0 or len(match.group(1)) > MAX_CODE_LENGTH:
        raise ValidationError(
            f"Nomor registrasi '{quote(text)}' tidak valid; contoh yang benar: SPP2020-0042.",
            field="nomor_registrasi")
    return RegistrationNumber(match.group(1), int(match.group(2)))


def find_registration_number(display_name):
    """Registration number in a Zoom display name as (code or None, sequence), or None if absent."""
    # "SPP2020-0042 Budi", "[SPP2020-0042] Budi", "Budi (spp2020-0042)" -> ("SPP2020", 42);
    # "0042_Budi", "[0042] Budi" -> (None, 42). A code must contain a digit or be written in
    # capitals, so "Budi-0042" is not read as code "BUDI"; trailing bare numbers are ignored.
    name = str(display_name or "")
    for match in _IN_NAME_RE.finditer(name):
        code, seq = match.group(1), int(match.group(2))
        if seq and len(code) <= MAX_CODE_LENGTH and _looks_like_code(code):
            return RegistrationNumber(code.upper(), seq)
    match = _LEADING_RE.match(name)
    if match and int(match.group(1)):
        return RegistrationNumber(None, int(match.group(1)))
    return None


def _looks_like_code(code):
    """Training codes carry a year/number or are typed in capitals (SPP2020, BT-2026, TPBIS)."""
    return any(ch.isdigit() for ch in code) or (len(code) >= 2 and code.isupper())
