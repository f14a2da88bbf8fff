"""core.numbers: decimals in the reader's locale (issue 14: "5.33" JP and "98.3" on Indonesian pages)."""
from decimal import Decimal

import pytest

from bimtek.core.numbers import format_number, format_percent


@pytest.mark.parametrize(("value", "lang", "digits", "expected"), [
    (5.333333, "id", 2, "5,33"),
    (5.333333, "en", 2, "5.33"),
    (98.3, "id", 1, "98,3"),
    (98.3, "en", 1, "98.3"),
    (30, "id", 2, "30"),          # whole numbers keep no decimal mark
    (2.50, "id", 2, "2,5"),       # no trailing zeros
    (1234.5, "id", 2, "1.234,5"),
    (1234.5, "en", 2, "1,234.5"),
    (Decimal("0.125"), "id", 2, "0,12"),
    (7.6, "id", 0, "8"),
    (None, "id", 2, "–"),
])
def test_format_number(value, lang, digits, expected):
    assert format_number(value, lang, digits) == expected


def test_format_percent():
    assert format_percent(98.26, "id") == "98,3%"
    assert format_percent(98.26, "en") == "98.3%"
    assert format_percent(None, "id") == "–"
