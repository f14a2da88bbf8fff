"""core.text.end_sentence (issue 14: flash messages ended with ".." after a degree such as "S.Kom.")."""
import pytest

from bimtek.core.text import end_sentence


@pytest.mark.parametrize(("text", "expected"), [
    ("Diterbitkan untuk Budi Santoso, S.Kom..", "Diterbitkan untuk Budi Santoso, S.Kom."),
    ("Sertifikat diterbitkan untuk Budi.", "Sertifikat diterbitkan untuk Budi."),
    ("Sertifikat diterbitkan untuk Budi", "Sertifikat diterbitkan untuk Budi."),
    ("Tunggu...", "Tunggu..."),
    ("Berhasil!", "Berhasil!"),
    ("Dr. Asyraf, M.Si.. ", "Dr. Asyraf, M.Si."),
])
def test_end_sentence(text, expected):
    assert end_sentence(text) == expected
