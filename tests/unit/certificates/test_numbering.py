import datetime as dt

import pytest

from bimtek.certificates.numbering import ROMAN_MONTHS, format_number, roman_month, validate_template
from bimtek.core.errors import ValidationError

JULY = dt.date(2020, 7, 23)


@pytest.mark.parametrize(("template", "sequence", "kwargs", "expected"), [
    ("800/{nomor}/DKPUS/{tahun}", 1, {}, "800/001/DKPUS/2020"),
    ("800/{nomor}/DKPUS/{tahun}", 1234, {}, "800/1234/DKPUS/2020"),
    ("{nomor:04}/{kode}-POKJAWAS/{unit}/{bulan_romawi}/{tahun}", 7,
     {"kode": "BIMTEK", "unit": "JBR"}, "0007/BIMTEK-POKJAWAS/JBR/VII/2020"),
    ("{nomor:5}/SPP-TIK/{bulan}/{tahun}", 42, {}, "00042/SPP-TIK/07/2020"),
    ("892.0/{nomor}", 921, {}, "892.0/921"),
    ("{nomor}/X", 5, {"width": 2}, "05/X"),
    ("{nomor:04}/X", 5, {"width": 2}, "0005/X"),
    ("{{{nomor}}}", 3, {}, "{003}"),
])
def test_format_number(template, sequence, kwargs, expected):
    assert format_number(template, sequence, issued_on=JULY, **kwargs) == expected


@pytest.mark.parametrize("month", range(1, 13))
def test_roman_months(month):
    assert roman_month(month) == ROMAN_MONTHS[month - 1]
    assert format_number("{nomor}/{bulan_romawi}", 1, issued_on=dt.date(2024, month, 1)).endswith(
        "/" + ROMAN_MONTHS[month - 1])


def test_roman_month_examples():
    assert (roman_month(4), roman_month(9), roman_month(12)) == ("IV", "IX", "XII")
    with pytest.raises(ValidationError):
        roman_month(13)


@pytest.mark.parametrize(("template", "message"), [
    ("800/DKPUS/{tahun}", "harus memuat {nomor}"),
    ("800/{nomor}/{instansi}", "Placeholder {instansi} tidak dikenal"),
    ("{nomor.__class__}", "tidak dikenal"),
    ("{nomor[0]}", "tidak dikenal"),
    ("{nomor!r}", "tidak dikenal"),
    ("{nomor:>10}", "tidak valid"),
    ("{tahun:04}/{nomor}", "hanya {nomor}"),
    ("800/{nomor", "tidak seimbang"),
    ("", "wajib diisi"),
    ("{nomor}" + "x" * 200, "terlalu panjang"),
])
def test_invalid_templates(template, message):
    with pytest.raises(ValidationError) as info:
        validate_template(template)
    assert message in info.value.message
    assert info.value.field == "number_template"


@pytest.mark.parametrize("sequence", [0, -1, "1", 1.0, True])
def test_invalid_sequence(sequence):
    with pytest.raises(ValidationError):
        format_number("{nomor}", sequence, issued_on=JULY)


def test_display_pieces_keep_each_placeholder_whole():
    """Issue 14: "Format nomor" broke as "{t ahun}" on the certificate page."""
    from bimtek.certificates.numbering import display_pieces

    assert display_pieces("800/{nomor}/DKPUS/{tahun}") == [
        ("800/", False), ("{nomor}", True), ("/", False), ("DKPUS/", False), ("{tahun}", True)]
    assert display_pieces("SERT-{kode}.{bulan_romawi}") == [("SERT-", False), ("{kode}", True), (".", False),
                                                           ("{bulan_romawi}", True)]
    assert "".join(text for text, _ in display_pieces("a{b/c}{")) == "a{b/c}{"
    assert display_pieces("") == [] and display_pieces(None) == []
