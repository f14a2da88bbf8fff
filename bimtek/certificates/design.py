"""Certificate designs stored as data: ``design.toml`` + ``template.html`` + ``style.css`` + ``assets/``.

Templates run in a sandboxed, autoescaping Jinja environment; WeasyPrint may only load files
inside the design folder (plus inline ``data:`` URLs the renderer builds itself).
"""

import base64
import mimetypes
import pathlib
import tomllib
import unicodedata
from dataclasses import dataclass, field

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from bimtek.certificates.verification import qr_svg
from bimtek.core.errors import ValidationError
from bimtek.core.pdf_fetch import LocalFileFetcher
from bimtek.registration.nip import format_nip

PERSON_KEYS = ("name", "nip", "instansi", "number", "verify_url")


@dataclass(frozen=True)
class FieldSpec:
    """One per-person field of a design: a text line that shrinks to fit, or the QR square."""

    key: str
    kind: str = "text"
    format: str = ""
    min_font_size: float = 8.0


@dataclass(frozen=True)
class Design:
    """A loaded design folder."""

    path: pathlib.Path
    name: str
    page_size: str
    place: str
    fields: dict = field(default_factory=dict)
    # Where a visible electronic signature goes: page (0-based) and box in mm from the bottom-left corner.
    signature_page: int = 0
    signature_box_mm: tuple | None = None


def load_design(design_dir):
    """Read and validate ``design.toml`` of a design folder."""
    path = pathlib.Path(design_dir).resolve()
    try:
        meta = tomllib.loads((path / "design.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValidationError(f"Desain sertifikat tidak dapat dibaca: {exc}", path=str(path)) from None
    for required in ("template.html", "style.css"):
        if not (path / required).is_file():
            raise ValidationError(f"Desain sertifikat tidak memiliki {required}.", path=str(path))
    fields = {key: _field_spec(key, spec) for key, spec in meta.get("fields", {}).items()}
    return Design(path=path, name=str(meta.get("name", path.name)),
                  page_size=str(meta.get("page_size", "A4 landscape")),
                  place=str(meta.get("place", "")), fields=fields, **_signature_area(meta.get("signature", {})))


def _signature_area(spec):
    """``[signature]`` of design.toml: page (1-based) and box_mm = [x1, y1, x2, y2] from the bottom-left."""
    box = spec.get("box_mm")
    if box is None:
        return {}
    if len(box) != 4 or not all(isinstance(v, (int, float)) for v in box):
        raise ValidationError("Desain sertifikat: [signature] box_mm harus berisi empat angka (mm).")
    return {"signature_page": max(int(spec.get("page", 1)) - 1, 0), "signature_box_mm": tuple(map(float, box))}


def _field_spec(key, spec):
    """Build a FieldSpec from one ``[fields.<key>]`` table."""
    kind = spec.get("kind", "text")
    if kind not in ("text", "qr"):
        raise ValidationError(f"Jenis kolom desain tidak dikenal: {kind}.", field=key)
    return FieldSpec(key=key, kind=kind, format=spec.get("format", "{%s}" % key),
                     min_font_size=float(spec.get("min_font_size", 8)))


class DesignURLFetcher(LocalFileFetcher):
    """The local-files fetcher rooted at a design folder, with the certificate's own message."""

    def __init__(self, design_dir):
        super().__init__(design_dir, "Desain sertifikat hanya boleh memuat berkas di folder desainnya.")


def data_uri(source):
    """Inline image bytes or a file path as a ``data:`` URI; None when there is no source."""
    if not source:
        return None
    if isinstance(source, (bytes, bytearray)):
        data, mime = bytes(source), _sniff_mime(bytes(source))
    else:
        data = pathlib.Path(source).read_bytes()
        mime = mimetypes.guess_type(str(source))[0] or _sniff_mime(data)
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _sniff_mime(data):
    """Guess an image MIME type from its first bytes."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if b"<svg" in data[:512]:
        return "image/svg+xml"
    return "application/octet-stream"


def field_texts(design, person):
    """Per-person text of each text field, formatted by the design (NIP grouped 8-6-1-3)."""
    values = {key: unicodedata.normalize("NFC", str(person.get(key) or "")).strip()
              for key in PERSON_KEYS}
    values["nip"] = format_nip(values["nip"]) if values["nip"] else ""
    texts = {}
    for key, spec in design.fields.items():
        if spec.kind == "text":
            value = values.get(key, "")
            texts[key] = spec.format.format(**values) if value else ""
    return texts


def shared_variables(design, shared, tte):
    """Template variables every certificate of a training shares."""
    materi = [{"title": str(title), "jp": jp} for title, jp in shared.get("materi", ())]
    total = shared.get("total_jp")
    if total is None:
        total = sum(item["jp"] for item in materi)
    signer = {"jabatan": "", "name": "", "pangkat": "", "nip": "", **(shared.get("signer") or {})}
    return {
        "unit_name": shared.get("unit_name", ""), "training_name": shared.get("training_name", ""),
        "dates_text": shared.get("dates_text", ""), "total_jp": total, "materi": materi,
        "place_date": shared.get("place_date") or design.place, "signer": signer,
        "signer_nip": format_nip(signer.get("nip")) if signer.get("nip") else "",
        "signature_uri": data_uri(shared.get("signature")), "stamp_uri": data_uri(shared.get("stamp")),
        "tte": bool(tte),
        # Recipients who are not participants: {'key', 'label', 'materi', 'jp'}; empty for participants.
        "role": dict(shared.get("role") or {}),
    }


def render_html(design, variables, fields, qr_url=None):
    """Render the design's template to an HTML string (sandboxed, autoescaped)."""
    env = SandboxedEnvironment(loader=FileSystemLoader(str(design.path)), autoescape=True,
                               undefined=StrictUndefined)
    qr_uri = None
    if qr_url:
        qr_uri = "data:image/svg+xml;base64," + base64.b64encode(qr_svg(qr_url).encode()).decode()
    return env.get_template("template.html").render(**variables, fields=fields, qr_svg_uri=qr_uri)


def page_css(design):
    """Stylesheet that imposes the page size declared in ``design.toml``."""
    return "@page { size: %s; }" % design.page_size
