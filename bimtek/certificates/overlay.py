"""Fast path: a shared certificate layer rendered once, plus per-person text and QR written into it.

``build_layer`` lays the design out with WeasyPrint twice: once with sample text to measure each
field, once with the fields empty to produce the shared PDF. That second render carries an extra page
setting the batch's characters in each field font, so WeasyPrint's font subsets (which keep the
original glyph ids) contain every glyph the batch needs; the page is then dropped. ``OverlayWriter``
then only appends a small content stream per person (text as glyph ids with kerning, QR as
rectangles) and lets pikepdf serialise the result.
"""

import html
import io
from dataclasses import dataclass

import pikepdf
from fontTools.ttLib import TTFont

from bimtek.certificates.layout import PX_TO_PT, field_boxes
from bimtek.certificates.shaping import ShapingFont, resolve_font
from bimtek.certificates.verification import QR_QUIET_ZONE, qr_matrix
from bimtek.core.errors import DomainError

SAMPLE_TEXT = "Hg"


@dataclass(frozen=True)
class TextPlan:
    """Everything needed to write one text field without WeasyPrint (lengths in pt, y from top)."""

    key: str
    page: int
    x: float
    y: float
    width: float
    height: float
    size: float
    baseline: float
    align: str
    color: tuple
    min_size: float
    font_path: str
    font_key: str
    widths: dict
    chars: frozenset


@dataclass(frozen=True)
class QRPlan:
    """Square box (pt, y from top) where the QR code goes, quiet zone included."""

    page: int
    x: float
    y: float
    size: float


@dataclass(frozen=True)
class Layer:
    """The shared PDF of a training plus the plans of its per-person fields (picklable)."""

    pdf: bytes
    page_heights: tuple
    texts: tuple
    qr: QRPlan | None


def _pt(box):
    """Content box of a FieldBox converted to pt: (x, y, width, height)."""
    return box.x * PX_TO_PT, box.y * PX_TO_PT, box.width * PX_TO_PT, box.height * PX_TO_PT


def font_css(box):
    """Inline CSS selecting the same font as a measured field."""
    generic = {"serif", "sans-serif", "monospace", "cursive", "fantasy"}
    families = ", ".join(name if name in generic else "'%s'" % name.replace("'", "").replace('"', "")
                         for name in box.family)
    return (f"font-family: {families}; font-weight: {box.weight}; "
            f"font-style: {'italic' if box.italic else 'normal'};")


def glyph_page(boxes, charset):
    """HTML for the throw-away page that makes WeasyPrint embed the batch's glyphs."""
    text = html.escape(" ".join(sorted(set(charset) - {" ", "\n"})))
    paragraphs = "".join(f'<p style="{font_css(box)} white-space: normal;">{text} </p>'
                         for box in boxes)
    return ('<style>@page glyphs { background: none; }</style>'
            f'<section style="page: glyphs; break-before: page;">{paragraphs}</section>')


def measure(document, design):
    """FieldBoxes of the design's fields in a document laid out with sample text."""
    boxes = field_boxes(document)
    missing = [key for key in design.fields if key not in boxes]
    if missing:
        raise DomainError("Template desain tidak memuat kolom: " + ", ".join(missing), fields=missing)
    return boxes


def plan_fields(design, boxes, charset):
    """Return (text field specs with their font, QRPlan) for the measured boxes."""
    texts, qr = [], None
    for key, spec in design.fields.items():
        box = boxes[key]
        x, y, width, height = _pt(box)
        if spec.kind == "qr":
            side = min(width, height)
            qr = QRPlan(page=box.page, x=x + (width - side) / 2, y=y + (height - side) / 2, size=side)
            continue
        ps_name, path = resolve_font(box.family, box.weight, box.italic)
        chars = frozenset(ch for ch in charset if ord(ch) in ShapingFont(path).codepoints)
        texts.append((spec, box, ps_name, path, chars))
    return texts, qr


def _pdf_fonts(pdf):
    """Map PostScript name -> (resource key, {glyph id: width}) for fonts in the shared resources."""
    found = {}
    for key, font in pdf.pages[0].Resources.get("/Font", {}).items():
        descendant = font.DescendantFonts[0]
        data = descendant.FontDescriptor.FontFile2.read_bytes()
        ps_name = TTFont(io.BytesIO(data), lazy=True)["name"].getDebugName(6)
        widths = _widths(descendant.get("/W", []))
        # WeasyPrint may write one font file under several font dictionaries: keep the fullest.
        if ps_name not in found or len(widths) > len(found[ps_name][1]):
            found[ps_name] = (key, widths)
    return found


def _widths(w_array):
    """Expand a CIDFont /W array into {glyph id: width}."""
    widths, items, i = {}, list(w_array), 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            widths.update({first + n: float(w) for n, w in enumerate(items[i + 1])})
            i += 2
        else:
            widths.update({gid: float(items[i + 2]) for gid in range(first, int(items[i + 1]) + 1)})
            i += 3
    return widths


def _share_identical_xobjects(pdf):
    """Point resource names of byte-identical XObjects (the border on each page) at one object."""
    xobjects = pdf.pages[0].Resources.get("/XObject")
    if xobjects is None:
        return
    seen = {}
    for key in list(xobjects.keys()):
        stream = xobjects[key]
        fingerprint = (stream.read_raw_bytes(), repr(stream.stream_dict))
        if fingerprint in seen:
            xobjects[key] = seen[fingerprint]
        else:
            seen[fingerprint] = stream


def finish_layer(pdf_bytes, page_count, text_fields, qr):
    """Drop the glyph page, bind each text field to its embedded font and return the Layer."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    while len(pdf.pages) > page_count:
        del pdf.pages[-1]
    _share_identical_xobjects(pdf)
    fonts = _pdf_fonts(pdf)
    plans = []
    for spec, box, ps_name, path, chars in text_fields:
        if ps_name not in fonts:
            raise DomainError(f"Font {ps_name} tidak tertanam di lapisan bersama.", field=spec.key)
        font_key, widths = fonts[ps_name]
        x, y, width, height = _pt(box)
        baseline = (box.baseline if box.baseline is not None else box.y + box.height * 0.7) * PX_TO_PT
        plans.append(TextPlan(
            key=spec.key, page=box.page, x=x, y=y, width=width, height=height,
            size=box.font_size * PX_TO_PT, baseline=baseline, align=box.align, color=box.color,
            min_size=spec.min_font_size, font_path=path, font_key=str(font_key), widths=widths,
            chars=chars))
    heights = tuple(float(page.MediaBox[3]) - float(page.MediaBox[1]) for page in pdf.pages)
    out = io.BytesIO()
    pdf.save(out, compress_streams=True)
    return Layer(pdf=out.getvalue(), page_heights=heights, texts=tuple(plans), qr=qr)


class OverlayWriter:
    """Writes per-person content into a copy of the shared layer, one PDF per call."""

    def __init__(self, layer):
        self.layer = layer
        self.pdf = pikepdf.open(io.BytesIO(layer.pdf))
        self.fonts = {plan.font_path: ShapingFont(plan.font_path) for plan in layer.texts}
        pages = {plan.page for plan in layer.texts} | ({layer.qr.page} if layer.qr else set())
        self.streams = {}
        for index in pages:
            page = self.pdf.pages[index].obj
            own = pikepdf.Stream(self.pdf, b"")
            save, restore = pikepdf.Stream(self.pdf, b"q\n"), pikepdf.Stream(self.pdf, b"\nQ\n")
            original = page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]
            page.Contents = pikepdf.Array([save, *original, restore, own])
            self.streams[index] = own

    def write(self, texts, qr_url):
        """Return the certificate PDF, or None when a text needs the full WeasyPrint path."""
        ops = {index: [] for index in self.streams}
        for plan in self.layer.texts:
            text = texts.get(plan.key, "")
            if text:
                drawn = self._text_ops(plan, text)
                if drawn is None:
                    return None
                ops[plan.page].append(drawn)
        if self.layer.qr and qr_url:
            ops[self.layer.qr.page].append(self._qr_ops(qr_url))
        for index, stream in self.streams.items():
            stream.write("\n".join(ops[index]).encode("latin-1"))
        out = io.BytesIO()
        self.pdf.save(out, deterministic_id=True)
        return out.getvalue()

    def _text_ops(self, plan, text):
        """PDF operators drawing one shaped line, or None if the fast path can't draw it."""
        if not set(text) <= plan.chars:
            return None
        font = self.fonts[plan.font_path]
        shaped = font.shape(text)
        if any(g not in plan.widths for g in shaped.glyphs) or any(any(o) for o in shaped.offsets):
            return None
        size = plan.size
        natural = shaped.width / font.upem * size
        if natural > plan.width:
            size = size * plan.width / natural * 0.995
            if size < plan.min_size:
                return None
        line = shaped.width / font.upem * size
        x = plan.x + {"center": (plan.width - line) / 2, "right": plan.width - line,
                      "end": plan.width - line}.get(plan.align, 0.0)
        middle = plan.y + plan.height / 2
        baseline = middle + (plan.baseline - middle) * size / plan.size
        y = self.layer.page_heights[plan.page] - baseline
        r, g, b = plan.color
        return (f"BT {r:.4f} {g:.4f} {b:.4f} rg {plan.font_key} {size:.3f} Tf "
                f"1 0 0 1 {x:.3f} {y:.3f} Tm {_tj(shaped, plan.widths, font.upem)} TJ ET")

    def _qr_ops(self, url):
        """PDF operators drawing the QR code as filled rectangles."""
        qr = self.layer.qr
        matrix = qr_matrix(url)
        module = qr.size / (matrix.size + 2 * QR_QUIET_ZONE)
        left = qr.x + QR_QUIET_ZONE * module
        top = self.layer.page_heights[qr.page] - qr.y - QR_QUIET_ZONE * module
        steps = [f"{i * module:.3f}" for i in range(matrix.size + 1)]
        xs = [f"{left + i * module:.3f}" for i in range(matrix.size)]
        ys = [f"{top - (i + 1) * module:.3f}" for i in range(matrix.size)]
        rects = [f"{xs[x]} {ys[y]} {steps[n]} {steps[1]} re" for y, x, n in matrix.runs()]
        return "0 0 0 rg\n" + "\n".join(rects) + "\nf"


def _tj(shaped, widths, upem):
    """A TJ array: glyph ids as hex, with kerning as adjustments against the PDF widths."""
    parts, run = [], []
    for gid, advance in zip(shaped.glyphs, shaped.advances):
        run.append(f"{gid:04x}")
        adjust = widths[gid] - advance * 1000 / upem
        if abs(adjust) > 0.05:
            parts.append("<" + "".join(run) + f"> {adjust:.2f}")
            run = []
    if run:
        parts.append("<" + "".join(run) + ">")
    return "[" + " ".join(parts) + "]"
