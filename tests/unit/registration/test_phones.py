"""E.164 normalisation of real Indonesian spellings and wa.me links (pure)."""
from urllib.parse import parse_qs, urlsplit

import pytest

from bimtek.core.errors import ValidationError
from bimtek.registration.phones import e164_or_raw, is_mobile, share_link, to_e164, wa_link


@pytest.mark.parametrize("raw, expected", [
    ("081234567890", "+6281234567890"),
    ("0812-3456-7890", "+6281234567890"),
    ("0812 3456 7890", "+6281234567890"),
    ("(0812) 3456.7890", "+6281234567890"),
    ("+6281234567890", "+6281234567890"),
    ("+62 812-3456-7890", "+6281234567890"),
    ("+62 (0)812 3456 7890", "+6281234567890"),
    ("62812 3456 7890", "+6281234567890"),
    ("0062 812 3456 7890", "+6281234567890"),
    ("81234567890", "+6281234567890"),  # a spreadsheet dropped the zero
    ("0857 1234 567", "+628571234567"),
    ("021 555 1234", "+62215551234"),  # Jakarta landline
    ("(021) 5551-2345", "+622155512345"),
    ("0274 123456", "+62274123456"),  # Yogyakarta
    ("0717 4312345", "+627174312345"),  # Pangkalpinang
    ("０８１２－３４５６－７８９０", "+6281234567890"),  # full-width, as some phone keyboards type
    (81234567890, "+6281234567890"), (81234567890.0, "+6281234567890"),  # a number cell from a spreadsheet
])
def test_real_indonesian_spellings(raw, expected):
    assert to_e164(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "0812", "0812345678901234", "+1 415 555 0100", "08x2 3456 7890",
                                 "1" * 100, "0000000000",
                                 "+65 8123 4567", "+60 12-345 6789", "0812 3456 7890 ext 12", 8.5, "٠٨١٢٣٤٥٦٧٨٩٠",
                                 "=HYPERLINK(\"x\")"])
def test_refused_with_an_indonesian_message(raw):
    with pytest.raises(ValidationError) as error:
        to_e164(raw)
    assert "tidak valid" in str(error.value)


def test_mobile_and_landline_and_old_values():
    assert is_mobile("+6281234567890") and not is_mobile("+62215551234")
    assert e164_or_raw("0812-3456-7890") == "+6281234567890" and e164_or_raw("bukan nomor") == "bukan nomor"


def test_wa_link_encodes_the_message():
    message = "Yth. Siti & Budi,\nTautan: https://zoom.us/j/1?pwd=a+b #1 — 50% hadir"
    link = wa_link("0812 3456 7890", message)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/6281234567890")
    assert "+" not in parts.query.split("=", 1)[1].replace("%2B", "") and " " not in link and "\n" not in link
    assert parse_qs(parts.query)["text"] == [message]  # decodes back to exactly the message
    assert wa_link("021 555 1234", "x") is None  # landlines get no WhatsApp link


def test_share_link():
    assert share_link("Pelatihan A https://x/1") == "https://wa.me/?text=Pelatihan%20A%20https%3A%2F%2Fx%2F1"
