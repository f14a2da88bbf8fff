"""ZIP streaming and checks on uploaded PDFs (pure: bytes in, bytes/values out; no Flask, no DB).

``stream_zip`` writes entries one after another into a non-seekable sink and yields the bytes as
soon as each entry is written, so a ZIP of thousands of certificates is never held in memory.
"""
import io
import re
import zipfile

import pikepdf
from pypdf import PdfReader

from bimtek.core.errors import ValidationError

PDF_MAGIC = b"%PDF-"
TTE_MARKER = "ditandatangani secara elektronik"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class _Sink(io.RawIOBase):
    """A write-only, non-seekable buffer that hands out what was written since the last drain."""

    def __init__(self):
        super().__init__()
        self._chunks = []
        self._offset = 0

    def writable(self):
        return True

    def write(self, data):
        self._chunks.append(bytes(data))
        self._offset += len(data)
        return len(data)

    def tell(self):
        return self._offset

    def drain(self):
        data = b"".join(self._chunks)
        self._chunks = []
        return data


def stream_zip(entries):
    """Yield the bytes of a ZIP archive of ``entries``: an iterable of (filename, bytes or callable)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for filename, data in entries:
            payload = data() if callable(data) else data
            with archive.open(safe_filename(filename), "w", force_zip64=len(payload) > 2 ** 31) as handle:
                handle.write(payload)
            chunk = sink.drain()
            if chunk:
                yield chunk
    tail = sink.drain()
    if tail:
        yield tail


def safe_filename(name):
    """A file name with only [A-Za-z0-9._-] (slashes of certificate numbers become dashes)."""
    cleaned = _SAFE.sub("-", name).strip("-.")
    return cleaned[:150] or "berkas"


def check_pdf(data, max_bytes):
    """Raise ValidationError unless ``data`` is a PDF (magic bytes) that opens in pikepdf."""
    if not data:
        raise ValidationError("Berkas kosong.", field="file")
    if len(data) > max_bytes:
        raise ValidationError(f"Berkas terlalu besar (maksimal {max_bytes // (1024 * 1024)} MB).", field="file")
    if not data[:1024].lstrip().startswith(PDF_MAGIC):
        raise ValidationError("Berkas bukan PDF.", field="file")
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) < 1:
                raise ValidationError("PDF tidak memiliki halaman.", field="file")
    except pikepdf.PdfError:
        raise ValidationError("PDF rusak atau tidak dapat dibuka.", field="file") from None


def pdf_text(data):
    """All extractable text of a PDF, whitespace collapsed ('' when it has none)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        text = " ".join(page.extract_text() or "" for page in reader.pages)
    except Exception:  # noqa: BLE001 - unreadable text simply does not match anything
        return ""
    return " ".join(text.split())


def match_certificate(filename, text, candidates):
    """The candidate (code, number) whose code or number is in the file name, else in the text; or None."""
    name = filename or ""
    for code, number in candidates:
        if code in name or safe_filename(number) in name:
            return code
    found = [code for code, number in candidates
             if number and re.search(r"(?<![0-9A-Za-z])" + re.escape(number) + r"(?![0-9A-Za-z])", text)]
    return found[0] if len(found) == 1 else None
