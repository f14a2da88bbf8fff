"""Checking registration form data: free-text fields, e-mail, phone, gender, pangkat and NIP through the pure
rules (`nip`, `roster`); all field errors at once (`FormErrors`).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bimtek.core.errors import DomainError, ValidationError
from bimtek.core.messages import N_, Message
from bimtek.registration import nip as nip_rules, regions, roster

TEXT_FIELDS = ("nama_lengkap", "jabatan", "instansi", "kabupaten", "provinsi")
FIELD_LABELS = {"nama_lengkap": N_("Nama lengkap"), "jabatan": N_("Jabatan"), "instansi": N_("Instansi/unit kerja"),
                "kabupaten": N_("Kabupaten/kota"), "provinsi": N_("Provinsi")}
MAX_TEXT = {"nama_lengkap": 200, "jabatan": 200, "instansi": 300, "kabupaten": 100, "provinsi": 100}


class FormErrors(DomainError):
    """Several field errors at once: `errors` maps field name -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Periksa kembali isian yang ditandai.", errors=errors)
        self.errors = errors


def clean_registration_data(data: Mapping[str, Any], today: date | None = None) -> tuple[dict[str, Any], list[str]]:
    """Normalise form data with the pure NIP/roster rules; return (values, warnings) or raise FormErrors."""
    values, errors = {}, {}
    _clean_text_fields(data, values, errors)
    if values.get("provinsi") or values.get("kabupaten"):  # official Kemendagri names where unambiguous
        values["provinsi"], values["kabupaten"] = regions.normalize(values["provinsi"], values["kabupaten"])
    _clean_parsed_fields(data, values, errors)
    if not values.get("jenis_kelamin") and "jenis_kelamin" not in errors:
        errors["jenis_kelamin"] = Message(N_("Pilih jenis kelamin."))
    warnings = _clean_nip(data, values, errors, today)
    if errors:
        raise FormErrors(errors)
    return values, warnings


def _clean_text_fields(data: Mapping[str, Any], values: dict[str, Any], errors: dict[str, str]) -> None:
    """Collapse whitespace in the free-text fields; each is required and length-limited."""
    for name in TEXT_FIELDS:
        text = " ".join(str(data.get(name) or "").split())
        label = Message(FIELD_LABELS[name])  # the labels are msgids (N_)
        if not text:
            errors[name] = Message(N_("%(field)s wajib diisi."), field=label)
        elif len(text) > MAX_TEXT[name]:
            errors[name] = Message(N_("%(field)s terlalu panjang (maks. %(max)s karakter)."), field=label,
                                   max=MAX_TEXT[name])
        values[name] = text


def _clean_parsed_fields(data: Mapping[str, Any], values: dict[str, Any], errors: dict[str, str]) -> None:
    """Email, phone, gender and pangkat through their pure parsers."""
    for name, parse in (("email", roster.normalize_email), ("phone", roster.normalize_phone),
                        ("jenis_kelamin", nip_rules.parse_jenis_kelamin), ("pangkat", nip_rules.parse_pangkat)):
        try:
            values[name] = parse(data.get(name))
        except ValidationError as error:
            errors[name] = error.message


def _clean_nip(data: Mapping[str, Any], values: dict[str, Any], errors: dict[str, str],
               today: date | None) -> list[str]:
    """The optional NIP, checked against the gender already parsed; return its warnings."""
    values["nip"] = None
    if not str(data.get("nip") or "").strip():
        return []
    try:
        result = nip_rules.validate_nip(data["nip"], values.get("jenis_kelamin"), today=today)
    except ValidationError as error:
        errors["nip"] = error.message
        return []
    values["nip"] = result.nip
    return result.warnings
