"""ZIP streaming and checks on uploaded PDFs (pure: bytes in, bytes/values out; no Flask, no DB).

``stream_zip`` writes entries one after another into a non-seekable sink and yields the bytes as
soon as each entry is written, so a ZIP of thousands of certificates is never held in memory.
"""
import io
import logging
import re
import zipfile

import pikepdf
from pypdf import PdfReader, apply_configuration

from bimtek.core.errors import ValidationError
from bimtek.core.limits import (
    PDF_MAX_ARRAY_ITEMS,
    PDF_MAX_DECODED_STREAM_BYTES,
    PDF_MAX_OBJECTS,
    PDF_MAX_PAGES,
    PDF_MAX_SIGNATURES,
    PDF_MAX_TEXT_CHARS,
    PDF_TEXT_PAGES,
    thousands,
)

PDF_MAGIC = b"%PDF-"
TTE_MARKER = "ditandatangani secara elektronik"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
# pypdf logs one warning per damaged item: a crafted file would flood the log with 100,000 lines.
logging.getLogger("pypdf").setLevel(logging.ERROR)
_OBJECT = re.compile(rb"\d\s+\d+\s+obj\b")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm")
_COUNT = re.compile(rb"/N\s+(\d{1,9})")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_SIGNATURE = re.compile(rb"/ByteRange\s*\[")
ENCRYPTED = "PDF dilindungi kata sandi (terenkripsi); unggah berkas sertifikat apa adanya, tanpa kata sandi."
TOO_MANY_SIGNATURES = "PDF memuat terlalu banyak tanda tangan elektronik ({n}; maksimal {limit})."


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
    """Raise ValidationError unless ``data`` is a PDF (magic bytes) that opens in pikepdf and is small in
    structure: at most PDF_MAX_OBJECTS objects and PDF_MAX_PAGES pages, counted without loading the file."""
    if not data:
        raise ValidationError("Berkas kosong.", field="file")
    if len(data) > max_bytes:
        raise ValidationError(f"Berkas terlalu besar (maksimal {max_bytes // (1024 * 1024)} MB).", field="file")
    if not data[:1024].lstrip().startswith(PDF_MAGIC):
        raise ValidationError("Berkas bukan PDF.", field="file")
    _check_counts(data)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            _check_structure(pdf)
    except pikepdf.PasswordError:
        raise ValidationError(ENCRYPTED, field="file") from None
    except (pikepdf.PdfError, RecursionError, ValueError, TypeError, AttributeError, KeyError):
        raise ValidationError("PDF rusak atau tidak dapat dibuka.", field="file") from None


def _check_counts(data):
    """Before qpdf sees the file (it walks the whole page tree on open): objects and pages counted in the raw
    bytes, including the objects packed into object streams (their /N); signatures before pages (every signature
    is an incremental update that writes its page object again)."""
    objects = len(_OBJECT.findall(data))
    if _OBJECT_STREAM.search(data):
        objects += sum(int(n) for n in _COUNT.findall(data))
    if objects > PDF_MAX_OBJECTS:
        raise ValidationError(f"PDF terlalu rumit ({thousands(objects)} objek; maksimal "
                              f"{thousands(PDF_MAX_OBJECTS)}). Unggah sertifikat hasil TTE apa adanya.", field="file")
    signatures = len(_SIGNATURE.findall(data))
    if signatures > PDF_MAX_SIGNATURES:
        raise ValidationError(TOO_MANY_SIGNATURES.format(n=thousands(signatures), limit=PDF_MAX_SIGNATURES),
                              field="file")
    if len(_PAGE.findall(data)) > PDF_MAX_PAGES:
        raise ValidationError(f"PDF berisi terlalu banyak halaman (maksimal {PDF_MAX_PAGES}).", field="file")


def _check_structure(pdf):
    """Object count from the trailer, then the page tree walked with a budget (a lying /Count cannot help)."""
    size = pdf.trailer.get("/Size", 0)
    if int(size) > PDF_MAX_OBJECTS:
        raise ValidationError(f"PDF terlalu rumit ({thousands(int(size))} objek; maksimal "
                              f"{thousands(PDF_MAX_OBJECTS)}). Unggah sertifikat hasil TTE apa adanya.", field="file")
    pages = _count_pages(pdf.Root.Pages)
    if pages < 1:
        raise ValidationError("PDF tidak memiliki halaman.", field="file")


def _count_pages(root):
    """Leaves of the page tree; ValidationError as soon as more than PDF_MAX_PAGES nodes are seen."""
    stack, seen, pages = [(root, 0)], 0, 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if seen > 2 * PDF_MAX_PAGES or depth > 32:
            raise ValidationError(f"PDF berisi terlalu banyak halaman (maksimal {PDF_MAX_PAGES}).", field="file")
        kids = node.get("/Kids") if isinstance(node, pikepdf.Dictionary) else None
        if isinstance(kids, pikepdf.Array):
            if len(kids) > 2 * PDF_MAX_PAGES:
                raise ValidationError(f"PDF berisi terlalu banyak halaman (maksimal {PDF_MAX_PAGES}).",
                                      field="file")
            stack.extend((kid, depth + 1) for kid in kids)
        elif isinstance(node, pikepdf.Dictionary):
            pages += 1
    return pages


def pdf_text(data):
    """Extractable text of the first PDF_TEXT_PAGES pages, whitespace collapsed ('' when it has none).

    pypdf runs with tight limits: decompressed streams, page tree and arrays stay small, so a
    decompression bomb or a huge page tree ends in an exception (and no match) instead of gigabytes."""
    limits = dict(zlib_maximum_output_length=PDF_MAX_DECODED_STREAM_BYTES,
                  lzw_maximum_output_length=PDF_MAX_DECODED_STREAM_BYTES,
                  run_length_maximum_output_length=PDF_MAX_DECODED_STREAM_BYTES,
                  maximum_declared_stream_length=PDF_MAX_DECODED_STREAM_BYTES,
                  page_tree_maximum_entries=4 * PDF_MAX_PAGES, page_tree_maximum_page_entries=40 * PDF_MAX_PAGES,
                  array_maximum_element_count=PDF_MAX_ARRAY_ITEMS,
                  dictionary_maximum_element_count=PDF_MAX_ARRAY_ITEMS)
    try:
        with apply_configuration(**limits):
            reader = PdfReader(io.BytesIO(data), root_object_recovery_limit=PDF_MAX_OBJECTS,
                               xref_stream_maximum_entries=PDF_MAX_OBJECTS)
            pages = [reader.pages[i] for i in range(min(len(reader.pages), PDF_TEXT_PAGES))]
            text = " ".join((page.extract_text() or "")[:PDF_MAX_TEXT_CHARS] for page in pages)
    except Exception:  # noqa: BLE001 - unreadable text simply does not match anything
        return ""
    return " ".join(text[:PDF_MAX_TEXT_CHARS].split())


def match_certificate(filename, text, candidates):
    """The candidate (code, number) whose code or number is in the file name, else in the text; or None."""
    name = filename or ""
    for code, number in candidates:
        if code in name or safe_filename(number) in name:
            return code
    found = [code for code, number in candidates
             if number and re.search(r"(?<![0-9A-Za-z])" + re.escape(number) + r"(?![0-9A-Za-z])", text)]
    return found[0] if len(found) == 1 else None
