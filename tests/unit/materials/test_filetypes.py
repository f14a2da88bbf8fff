"""Handouts recognised by their bytes, links and download names (pure)."""
import io
import zipfile

import pytest
from openpyxl import Workbook

from bimtek.core.errors import ValidationError
from bimtek.materials.filetypes import check_link, check_size, detect, download_name


def ooxml(main_part):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<x/>")
    return out.getvalue()


def xlsx():
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize("data, key", [
    (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "pdf"), (ooxml("ppt/presentation.xml"), "pptx"),
    (ooxml("word/document.xml"), "docx"), (xlsx(), "xlsx")])
def test_recognised_by_bytes(data, key):
    assert detect(data).key == key


@pytest.mark.parametrize("data, message", [
    (b"MZ\x90\x00 executable", "tidak dikenali"), (b"<html>slides</html>", "tidak dikenali"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "Format Office lama"), (b"PK\x03\x04broken", "rusak"),
    (ooxml("content.xml"), "tidak dikenali"),  # an OpenDocument-like or any other ZIP
])
def test_everything_else_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        detect(data)


def test_size_and_links_and_names():
    check_size(10, 10)
    for size in (0, 11):
        with pytest.raises(ValidationError):
            check_size(size, 10)
    assert check_link(" https://youtu.be/abc ") == "https://youtu.be/abc"
    for bad in ("javascript:alert(1)", "ftp://x/y", "https://", "zoom.us/rec", "https://a b"):
        with pytest.raises(ValidationError):
            check_link(bad)
    assert download_name("Modul 1: SLiMS — Katalogisasi", detect(b"%PDF-1.4")) == "Modul-1-SLiMS-Katalogisasi.pdf"
    assert download_name("数据", detect(b"%PDF-1.4")) == "materi.pdf"


def test_zip_bomb_like_and_macro_packages_refused(monkeypatch):
    from bimtek.materials import filetypes
    monkeypatch.setattr(filetypes, "MAX_UNPACKED_BYTES", 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (2 * 1024 * 1024))  # a few KB packed, 2 MB unpacked
    assert len(out.getvalue()) < 20_000
    with pytest.raises(ValidationError, match="dibuka"):
        detect(out.getvalue())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<x/>")
        archive.writestr("word/vbaProject.bin", b"macro")
    with pytest.raises(ValidationError, match="makro"):
        detect(out.getvalue())
    with pytest.raises(ValidationError, match="tidak dikenali"):
        detect(b"%PD" + b"MZ")  # neither a PDF nor anything else
