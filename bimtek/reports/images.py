"""PNG pictures for the activity report (DOCX and PDF use the same bytes): attendance heatmap and bar charts.

Drawn with Pillow, so the DOCX needs no SVG support in Word or LibreOffice. Colours follow the app's heatmap
(templates/attendance/heatmap.svg). Pure.
"""
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
HEAT = ((0, "#e9edf1"), (25, "#fbd3c4"), (50, "#f7b889"), (75, "#f1d36b"), (90, "#8fd0b5"), (101, "#1f8a6d"))
INK, MUTED, PRE, POST, BAR = "#1d2633", "#5d6b7a", "#9aa9b8", "#137a66", "#137a66"
MAX_ROWS = 120  # a bigger class is summarised: the appendix tables carry every name


def _font(size):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()


def heat_colour(percent, absent):
    if absent and percent == 0:
        return HEAT[0][1]
    for limit, colour in HEAT[1:]:
        if percent < limit:
            return colour
    return HEAT[-1][1]


def _png(image):
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)  # optimize=True took seconds per chart for little gain
    return out.getvalue()


def heatmap_png(session_labels, rows, scale=2):
    """Participants × sessions: rows are (label, [(percent, absent)], passed)."""
    rows = rows[:MAX_ROWS]
    label_w, cell_w, cell_h, top = 230, 46, 20, 30
    width = label_w + max(len(session_labels), 1) * cell_w + 70
    height = top + max(len(rows), 1) * cell_h + 10
    image = Image.new("RGB", (width * scale, height * scale), "white")
    draw, font, small = ImageDraw.Draw(image), _font(11 * scale), _font(9 * scale)
    for i, label in enumerate(session_labels):
        draw.text(((label_w + i * cell_w + 6) * scale, 8 * scale), label, fill=INK, font=font)
    draw.text(((label_w + len(session_labels) * cell_w + 6) * scale, 8 * scale), "Hasil", fill=INK, font=font)
    for r, (label, cells, passed) in enumerate(rows):
        y = top + r * cell_h
        draw.text((4 * scale, (y + 4) * scale), label[:34], fill=INK, font=font)
        for c, (percent, absent) in enumerate(cells):
            x = label_w + c * cell_w
            draw.rectangle([(x + 1) * scale, (y + 1) * scale, (x + cell_w - 1) * scale, (y + cell_h - 1) * scale],
                           fill=heat_colour(percent, absent))
            draw.text(((x + 8) * scale, (y + 5) * scale), f"{round(percent)}%",
                      fill="white" if percent >= 90 else INK, font=small)
        draw.text(((label_w + len(cells) * cell_w + 6) * scale, (y + 4) * scale), "Lulus" if passed else "Tidak",
                  fill=POST if passed else "#b42318", font=font)
    return _png(image)


def bars_png(items, scale=2, width=560, maximum=None, suffix=""):
    """Horizontal bars for [(label, value)] with the value written after each bar."""
    items = list(items) or [("(belum ada data)", 0)]
    step, label_h, bar_h = 40, 16, 16
    height = len(items) * step + 6
    image = Image.new("RGB", (width * scale, height * scale), "white")
    draw, font = ImageDraw.Draw(image), _font(11 * scale)
    top_value = maximum or max((v for _, v in items), default=0) or 1
    plot = width - 70
    for i, (label, value) in enumerate(items):
        y = i * step + 2
        draw.text((0, y * scale), str(label)[:80], fill=INK, font=font)
        length = plot * min(value or 0, top_value) / top_value
        draw.rectangle([0, (y + label_h) * scale, (plot) * scale, (y + label_h + bar_h) * scale], fill="#eef1f4")
        if length:
            draw.rectangle([0, (y + label_h) * scale, length * scale, (y + label_h + bar_h) * scale], fill=BAR)
        text = "–" if value is None else (f"{value:g}".replace(".", ",") + suffix)
        draw.text(((length + 6) * scale, (y + label_h + 1) * scale), text, fill=INK, font=font)
    return _png(image)


def pairs_png(items, scale=2, width=560):
    """Pre (grey) vs post (green) share correct per question: [(label, pre %, post %)] on 0–100."""
    items = list(items) or [("(belum ada soal)", None, None)]
    step, bar_h = 50, 13
    height = len(items) * step + 26
    image = Image.new("RGB", (width * scale, height * scale), "white")
    draw, font = ImageDraw.Draw(image), _font(11 * scale)
    plot = width - 70
    draw.rectangle([0, 4 * scale, 12 * scale, 16 * scale], fill=PRE)
    draw.text((16 * scale, 3 * scale), "Pre-test", fill=INK, font=font)
    draw.rectangle([100 * scale, 4 * scale, 112 * scale, 16 * scale], fill=POST)
    draw.text((116 * scale, 3 * scale), "Post-test", fill=INK, font=font)
    for i, (label, pre, post) in enumerate(items):
        y = 24 + i * step
        draw.text((0, y * scale), str(label)[:80], fill=INK, font=font)
        for offset, value, colour in ((16, pre, PRE), (16 + bar_h + 2, post, POST)):
            length = plot * (value or 0) / 100
            if length:
                draw.rectangle([0, (y + offset) * scale, length * scale, (y + offset + bar_h) * scale], fill=colour)
            text = "–" if value is None else f"{value:g}%".replace(".", ",")
            draw.text(((length + 6) * scale, (y + offset) * scale), text, fill=MUTED, font=font)
    return _png(image)


@dataclass(frozen=True)
class Picture:
    """A chart of the report, drawn on first use: `bytes(picture)` is the PNG. The report page only digests the
    report (fingerprint.py digests `key`, the drawing and its data), so it no longer draws the pictures."""

    drawing: str  # heatmap | bars | pairs
    args: tuple
    options: tuple = ()  # (name, value) keyword arguments

    @property
    def key(self) -> str:
        return repr((self.drawing, self.args, self.options))

    @cached_property
    def png(self) -> bytes:
        return DRAWINGS[self.drawing](*self.args, **dict(self.options))

    def __bytes__(self) -> bytes:
        return self.png


DRAWINGS: dict[str, Callable[..., bytes]] = {"heatmap": heatmap_png, "bars": bars_png, "pairs": pairs_png}
