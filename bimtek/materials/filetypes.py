"""What an uploaded handout is, from its bytes (pure); links that may be added; download file names.

PDF by its header; PPTX, DOCX and XLSX are ZIP packages recognised by their Office Open XML parts, so a
renamed .exe or a ZIP of anything else is refused whatever its file name says.
"""
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

from bimtek.core.errors import ValidationError
from bimtek.core.messages import N_, Message

MAX_ZIP_ENTRIES = 10_000  # real Office files have a few hundred parts; more is a crafted archive
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # what the parts say they unpack to: more is a ZIP bomb for our participants
MAX_URL = 500


@dataclass(frozen=True)
class FileKind:
    key: str
    mimetype: str
    extension: str
    label: str


PDF = FileKind("pdf", "application/pdf", ".pdf", "PDF")
PPTX = FileKind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx",
                "PowerPoint")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel")
KINDS = {kind.key: kind for kind in (PDF, PPTX, DOCX, XLSX)}
_OOXML_MAIN_PARTS = (("ppt/presentation.xml", PPTX), ("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))
UNKNOWN = "Jenis berkas tidak dikenali. Unggah PDF, PowerPoint (.pptx), Word (.docx) atau Excel (.xlsx)."


def detect(data):
    """The FileKind of the bytes, or ValidationError in Indonesian."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise ValidationError(Message(N_("Berkas Office dengan makro tidak diterima. Simpan ulang sebagai "
                                             ".pptx, .docx atau .xlsx biasa, atau sebagai PDF.")), field="file")
        if "[Content_Types].xml" in names:
            for part, kind in _OOXML_MAIN_PARTS:
                if part in names:
                    return kind
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ValidationError("Format Office lama (.ppt/.doc/.xls) tidak didukung. Simpan ulang sebagai "
                              ".pptx, .docx atau .xlsx, atau sebagai PDF.", field="file")
    raise ValidationError(UNKNOWN, field="file")


def _zip_names(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise ValidationError(UNKNOWN, field="file")
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:  # read from the directory, never unpacked
                raise ValidationError(Message(N_("Isi berkas terlalu besar setelah dibuka (kemungkinan berkas rusak "
                                                 "atau sengaja dibuat); unggah berkas lain.")), field="file")
            return {info.filename for info in infos}
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise ValidationError("Berkas rusak atau tidak lengkap; unggah ulang.", field="file") from None


def check_size(size, max_bytes):
    if size == 0:
        raise ValidationError("Berkas kosong.", field="file")
    if size > max_bytes:
        raise ValidationError(f"Berkas terlalu besar (maksimal {max_bytes // (1024 * 1024)} MB).", field="file")


def check_link(url):
    """A http(s) address as typed (trimmed), or ValidationError."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise ValidationError("Tautan harus alamat lengkap yang diawali https:// (atau http://).", field="url")
    return url


def download_name(title, kind):
    """An ASCII file name from the title with the kind's extension ('Modul 1: SLiMS' → 'Modul-1-SLiMS.pdf')."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-")[:80] or "materi"
    return stem + kind.extension
