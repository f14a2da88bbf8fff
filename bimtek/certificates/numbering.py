"""Certificate numbers from a per-training template such as ``800/{nomor}/DKPUS/{tahun}``.

Pure: the caller (the DB layer) allocates the sequence number and passes it in.
"""

import datetime as dt
import re
from string import Formatter

from bimtek.core.errors import ValidationError

PLACEHOLDERS = ("nomor", "kode", "unit", "bulan_romawi", "bulan", "tahun")
DEFAULT_WIDTH = 3
MAX_TEMPLATE_LENGTH = 120
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_WIDTH_SPEC = re.compile(r"0?([1-9])")


def roman_month(month):
    """Return the Roman numeral (I..XII) for a month number 1..12."""
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError(f"Bulan tidak valid: {month!r}.", field="bulan")
    return ROMAN_MONTHS[month - 1]


def _parse(template):
    """Split a template into (literal, field, width) parts or raise ValidationError."""
    if not isinstance(template, str) or not template.strip():
        raise ValidationError("Format nomor sertifikat wajib diisi.", field="number_template")
    if len(template) > MAX_TEMPLATE_LENGTH:
        raise ValidationError(
            f"Format nomor sertifikat terlalu panjang (maksimal {MAX_TEMPLATE_LENGTH} karakter).",
            field="number_template")
    try:
        parts = list(Formatter().parse(template))
    except ValueError as exc:
        raise ValidationError(
            "Format nomor sertifikat tidak valid: kurung kurawal tidak seimbang.",
            field="number_template", detail=str(exc)) from None
    return [(literal, field, _check_field(field, spec, conversion))
            for literal, field, spec, conversion in parts]


def _check_field(field, spec, conversion):
    """Validate one placeholder; return the spelled-out width of ``{nomor:04}``, else None."""
    if field is None:
        return None
    if field not in PLACEHOLDERS or conversion:
        allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        raise ValidationError(
            f"Placeholder {{{field}}} tidak dikenal. Gunakan: {allowed}.",
            field="number_template", placeholder=field)
    if not spec:
        return None
    match = _WIDTH_SPEC.fullmatch(spec)
    if field != "nomor" or not match:
        raise ValidationError(
            f"Format {{{field}:{spec}}} tidak valid; hanya {{nomor}} yang boleh diberi lebar, "
            "misalnya {nomor:04}.", field="number_template", placeholder=field)
    return int(match.group(1))


def validate_template(template):
    """Raise ValidationError unless the template is usable; return it stripped."""
    parts = _parse(template)
    if not any(field == "nomor" for _, field, _ in parts):
        raise ValidationError(
            "Format nomor sertifikat harus memuat {nomor}.", field="number_template")
    return template.strip()


def format_number(template, sequence, *, issued_on, kode="", unit="", width=None):
    """Fill a number template for one certificate, e.g. ``800/001/DKPUS/2020``.

    ``width`` overrides the zero-padding of a bare ``{nomor}`` (an explicit ``{nomor:04}`` wins).
    """
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
        raise ValidationError("Nomor urut sertifikat harus bilangan bulat positif.",
                              field="sequence", sequence=sequence)
    if not isinstance(issued_on, (dt.date, dt.datetime)):
        raise ValidationError("Tanggal terbit wajib diisi.", field="issued_on")
    values = {"kode": str(kode), "unit": str(unit), "tahun": f"{issued_on.year:04d}",
              "bulan": f"{issued_on.month:02d}", "bulan_romawi": roman_month(issued_on.month)}
    out = []
    for literal, field, pad in _parse(validate_template(template)):
        out.append(literal)
        if field == "nomor":
            out.append(str(sequence).zfill(pad or width or DEFAULT_WIDTH))
        elif field:
            out.append(values[field])
    return "".join(out)


_DISPLAY_PIECE = re.compile(r"\{[^{}]*\}|[^{/]*/|[^{/]+|\{")


def display_pieces(template):
    """[(text, is_placeholder)] for showing a template on a page: a line may break between pieces (after a
    '/' or around a placeholder) but never inside '{tahun}'."""
    return [(piece, piece.startswith("{") and piece.endswith("}") and len(piece) > 1)
            for piece in _DISPLAY_PIECE.findall(template or "")]
