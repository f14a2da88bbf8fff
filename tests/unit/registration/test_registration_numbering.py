"""Registration numbers: formatting, strict parsing, and finding them in Zoom display names."""

import pytest

from bimtek.core.errors import ValidationError
from bimtek.registration.numbering import (
    find_registration_number,
    format_registration_number,
    parse_registration_number,
)


@pytest.mark.parametrize("code, seq, expected", [
    ("SPP2020", 42, "SPP2020-0042"),
    ("spp2020", 1, "SPP2020-0001"),
    (" BT-2026 ", 142, "BT-2026-0142"),
    ("SPP2020", 12345, "SPP2020-12345"),  # never truncated
])
def test_format_registration_number(code, seq, expected):
    assert format_registration_number(code, seq) == expected


@pytest.mark.parametrize("code, seq", [
    ("", 1), ("SPP 2020", 1), ("SPP_2020", 1), ("-SPP", 1), ("A" * 31, 1),
    ("SPP2020", 0), ("SPP2020", -1), ("SPP2020", 1_000_000), ("SPP2020", "42"), ("SPP2020", True),
])
def test_format_registration_number_rejects(code, seq):
    with pytest.raises(ValidationError):
        format_registration_number(code, seq)


@pytest.mark.parametrize("text, expected", [
    ("SPP2020-0042", ("SPP2020", 42)),
    (" spp2020-0042 ", ("SPP2020", 42)),
    ("BT-2026-0142", ("BT-2026", 142)),
])
def test_parse_registration_number(text, expected):
    assert parse_registration_number(text) == expected


@pytest.mark.parametrize("text", ["", "0042", "SPP2020", "SPP2020-0000", "SPP2020-0042 Budi", "SPP2020--42"])
def test_parse_registration_number_rejects(text):
    with pytest.raises(ValidationError, match="Nomor registrasi"):
        parse_registration_number(text)


@pytest.mark.parametrize("display_name, expected", [
    ("SPP2020-0042 Budi", ("SPP2020", 42)),
    ("[SPP2020-0042] Budi", ("SPP2020", 42)),
    ("(SPP2020-0042) Budi Santoso", ("SPP2020", 42)),
    ("Budi (spp2020-0042)", ("SPP2020", 42)),
    ("SPP2020-0042_Budi", ("SPP2020", 42)),
    ("Dinas Perpus Babel - SPP2020-0042 - Siti", ("SPP2020", 42)),
    ("BT-2026-0142 Siti", ("BT-2026", 142)),
    ("TPBIS-0042 Ani", ("TPBIS", 42)),
    ("0042_Budi", (None, 42)),
    ("0042 Budi", (None, 42)),
    ("[0042] Budi", (None, 42)),
    ("(0042) Budi", (None, 42)),
    ("42 - Budi", (None, 42)),
    ("0042.Budi", (None, 42)),
    ("Budi", None),
    ("Budi-0042", None),                # a name, not a training code
    ("Budi 2", None),                   # trailing numbers are not read
    ("0000_Budi", None),
    ("198609262015051001 Budi", None),  # a NIP is not a sequence
    ("081234567890 Budi", None),
    ("iPhone Budi", None),
    ("", None),
    (None, None),
])
def test_find_registration_number_in_display_names(display_name, expected):
    assert find_registration_number(display_name) == expected


@pytest.mark.parametrize("code, seq", [("SPP2020", 42), ("BT-2026", 9), ("X1", 999_999)])
def test_format_then_find_round_trip(code, seq):
    number = format_registration_number(code, seq)
    assert find_registration_number(f"{number} Budi Santoso") == (code, seq)
    assert parse_registration_number(number) == (code, seq)
