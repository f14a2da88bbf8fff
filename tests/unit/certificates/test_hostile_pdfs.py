"""Issue 12: signed-PDF (TTE) uploads with decompression bombs, huge page trees, deep nesting and object
floods are refused or yield no text, within a memory ceiling; signature/stamp images are checked by their
header before any pixel is decoded."""

import pytest

from bimtek.certificates.archive import check_pdf, pdf_text
from bimtek.certificates.images import check_image
from bimtek.core.errors import ValidationError
from tests import hostile

MB = 1024 * 1024
LIMIT = 15 * MB


def test_flate_bomb_passes_structure_check_but_text_extraction_stays_small():
    data = hostile.pdf_flate_bomb(60 * MB)  # under pypdf's default limit (75 MB), over ours (2 MB)
    assert len(data) < MB
    with hostile.memory_ceiling(200 * MB):
        check_pdf(data, LIMIT)  # structure is fine: one page, five objects
        assert pdf_text(data) == ""  # decoding stops at 2 MB: no text, so no match and no gigabytes


def test_small_flate_stream_still_gives_its_text():
    assert "SERT-0001" in pdf_text(hostile.pdf_flate_bomb(MB))


def test_fuzz_finding_content_stream_of_whitespace_is_cut_early():
    """Fuzz finding (signed_pdf): 16 KB inflating to ~15 MB of spaces took pypdf 3.5 s of byte-by-byte
    skipping; the decoded-stream cap now stops it at 2 MB."""
    data = hostile.pdf_flate_bomb(15 * MB)
    assert len(data) < 20_000 and pdf_text(data) == ""


def test_huge_page_tree_is_refused_before_qpdf_opens_it():
    data = hostile.pdf_many_pages(150_000)
    with hostile.memory_ceiling(200 * MB), pytest.raises(ValidationError, match="terlalu rumit"):
        check_pdf(data, 20 * MB)


def test_more_pages_than_a_certificate_has_is_refused():
    with pytest.raises(ValidationError, match="terlalu banyak halaman"):
        check_pdf(hostile.pdf_many_pages(25), LIMIT)


def test_certificate_sized_pdf_is_accepted():
    check_pdf(hostile.pdf_many_pages(2), LIMIT)


def test_deep_nesting_is_refused_or_harmless():
    data = hostile.pdf_deep_nesting(100_000)
    with hostile.memory_ceiling(200 * MB):
        with pytest.raises(ValidationError):
            check_pdf(data, LIMIT)
        assert pdf_text(data) == ""


def test_lying_page_count_cannot_hide_a_big_tree():
    data = hostile.pdf_many_pages(25).replace(b"/Count 25", b"/Count 1")
    with pytest.raises(ValidationError, match="terlalu banyak halaman"):
        check_pdf(data, LIMIT)


@pytest.mark.parametrize("width, height, fragment", [
    (100_000, 100_000, "PNG atau JPEG"),  # Pillow's own decompression-bomb guard, from the header alone
    (4_001, 10, "4.001×10 piksel; maksimal 4000 piksel per sisi"),
])
def test_images_are_judged_by_their_header(width, height, fragment):
    with hostile.memory_ceiling(100 * MB), pytest.raises(ValidationError, match=fragment):
        check_image(hostile.png_header_only(width, height), "Tanda tangan")


def test_fuzz_finding_truncated_png_chunk_is_a_message_not_a_500():
    """Fuzz finding (signature_image): a PNG cut inside a chunk header made Pillow's verify() raise IndexError."""
    data = hostile.png_pixel_bomb(8)
    cut = data[:data.index(b"IEND") - 4] + b"\x00\x00\x00\x00"
    with pytest.raises(ValidationError, match="harus berupa gambar PNG atau JPEG"):
        check_image(cut, "Tanda tangan")


def test_real_pixel_bomb_within_the_side_limit_is_not_decoded_by_the_check():
    data = hostile.png_pixel_bomb(4_000)
    with hostile.memory_ceiling(60 * MB):
        check_image(data, "Stempel")  # 16 megapixels pass: the check reads the header, not the pixels


def test_fuzz_finding_repeated_trailer_chunk_neither_floods_the_log_nor_parses_for_long(caplog):
    """Fuzz finding (signed_pdf): a 1.2 MB file whose trailer chunk was repeated 8,000 times kept pypdf busy
    for 2.8 s on a 100,000-item dictionary, logging a warning per item. Dictionaries and arrays are now capped
    at 10,000 items and pypdf logs errors only."""
    base = hostile.pdf_deep_nesting(3)
    chunk = (b"4\n0000000000 65535 f \n0000000015 00000 n \n0000000064 00000 n \n0000000121 00000 n \n"
             b"trailer\n<< /Size 4")
    data = base.replace(b"trailer\n<< /Size 4", b"trailer\n<< /Size 4" + chunk * 8_000)
    with caplog.at_level("WARNING"):
        pdf_text(data)
    assert len([r for r in caplog.records if r.name.startswith("pypdf")]) < 100
