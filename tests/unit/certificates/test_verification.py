import pytest
from PIL import Image

from bimtek.certificates.verification import (
    CODE_ALPHABET,
    CODE_LENGTH,
    QR_QUIET_ZONE,
    is_well_formed_code,
    new_code,
    qr_matrix,
    qr_svg,
    sha256_hex,
)
from bimtek.core.errors import ValidationError

pyzbar = pytest.importorskip("pyzbar.pyzbar")
URL = "https://sertifikat.dkpus.babelprov.go.id/v/Ab3dEfGhJkMnPqRsTuVw"


def test_codes_are_long_unambiguous_and_unique():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:200]:
        assert len(code) == CODE_LENGTH == 20
        assert set(code) <= set(CODE_ALPHABET)
        assert is_well_formed_code(code)
    assert not set("0O1lI") & set(CODE_ALPHABET)
    assert all(ch.isalnum() and ch.isascii() for ch in CODE_ALPHABET)


@pytest.mark.parametrize("bad", ["", "short", "O" * 20, "abc/def/ghi/jkl/mnop", None, "a" * 65])
def test_malformed_codes(bad):
    assert not is_well_formed_code(bad)


def test_short_codes_refused():
    with pytest.raises(ValidationError):
        new_code(8)


def test_sha256_hex():
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _matrix_png(matrix, scale=4):
    side = (matrix.size + 2 * QR_QUIET_ZONE) * scale
    image = Image.new("L", (side, side), 255)
    for y, x, n in matrix.runs():
        x0, y0 = (x + QR_QUIET_ZONE) * scale, (y + QR_QUIET_ZONE) * scale
        image.paste(0, (x0, y0, x0 + n * scale, y0 + scale))
    return image


def test_qr_matrix_decodes_to_url():
    matrix = qr_matrix(URL)
    assert matrix.size in (29, 33, 37)
    decoded = pyzbar.decode(_matrix_png(matrix))
    assert [d.data.decode() for d in decoded] == [URL]


def test_qr_svg_is_vector_and_matches_matrix():
    svg = qr_svg(URL)
    assert svg.startswith("<svg") and "<path" in svg and "<image" not in svg
    total = qr_matrix(URL).size + 2 * QR_QUIET_ZONE
    assert f'viewBox="0 0 {total} {total}"' in svg
