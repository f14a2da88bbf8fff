"""RTL attachments: accept only PDF, DOCX and XLSX, recognised by their bytes (not the name). Pure."""
import io
import re
import zipfile

from bimtek.core.errors import ValidationError
from bimtek.core.limits import XLSX_MAX_MEMBERS, XLSX_MAX_UNPACKED_BYTES

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}
_ZIP_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ ()-]+")
TYPE_MESSAGE = "Lampiran harus berupa berkas PDF, DOCX atau XLSX."
UNPACKED_MESSAGE = (f"Lampiran DOCX/XLSX terlalu besar setelah dibuka (maks. {XLSX_MAX_UNPACKED_BYTES // 2**20} MB "
                    f"dan {XLSX_MAX_MEMBERS} bagian); simpan ulang dari Word/Excel atau kirim sebagai PDF.")


def sniff_kind(data):
    """"pdf", "docx" or "xlsx" from the file's content, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None
    if len(infos) > XLSX_MAX_MEMBERS or sum(info.file_size for info in infos) > XLSX_MAX_UNPACKED_BYTES:
        # stored and served as is, never unpacked here; but a reader opening it should not meet a zip bomb
        raise ValidationError(UNPACKED_MESSAGE, field="attachment")
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, marker in _ZIP_MARKERS.items() if marker in names), None)


def check_attachment(filename, data, max_bytes=MAX_ATTACHMENT_BYTES):
    """(safe file name, mime type) for an acceptable upload; ValidationError in Indonesian otherwise."""
    if not data:
        raise ValidationError("Berkas lampiran kosong.", field="attachment")
    if len(data) > max_bytes:
        raise ValidationError(
            f"Lampiran terlalu besar (maks. {max_bytes // (1024 * 1024)} MB).", field="attachment")
    kind = sniff_kind(data)
    if kind is None:
        raise ValidationError(TYPE_MESSAGE, field="attachment")
    mime, extension = KINDS[kind]
    return safe_name(filename, extension), mime


def safe_name(filename, extension):
    """A download name without path parts or odd characters, ending in the real extension."""
    base = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE_NAME.sub("_", stem).strip(" ._")[:80] or "lampiran"
    return stem + extension
