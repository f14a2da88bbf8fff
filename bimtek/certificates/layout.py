"""Geometry of per-person fields, read from a WeasyPrint layout (no Flask, no PDF writing).

Lengths here are CSS px (1px = 0.75pt) with the origin at the page's top-left corner, as WeasyPrint
lays them out.
"""

from dataclasses import dataclass

PX_TO_PT = 0.75
FONT_FLOOR_PT = 5.0


@dataclass(frozen=True)
class FieldBox:
    """Where one ``data-field`` element sits on its page, and the text style it uses."""

    key: str
    page: int
    x: float
    y: float
    width: float
    height: float
    font_size: float
    baseline: float | None
    text_width: float
    align: str
    color: tuple
    family: tuple
    weight: int
    italic: bool
    lines: int


def _walk(box):
    """Yield a box and all its descendants."""
    stack = [box]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(getattr(current, "children", None) or ()))


def _text_metrics(box):
    """Return (baseline y of the first line or None, width of the widest line, line count)."""
    lines = [child for child in _walk(box) if type(child).__name__ == "LineBox"]
    if not lines:
        return None, 0.0, 0
    widths = [sum(t.width for t in _walk(line) if type(t).__name__ == "TextBox") for line in lines]
    return lines[0].position_y + lines[0].baseline, max(widths), len(lines)


def _color(style):
    """RGB tuple (0..1) of a computed CSS color."""
    color = style["color"]
    try:
        return tuple(color.to("srgb").coordinates)
    except AttributeError:
        return tuple(color[:3])


def field_boxes(document):
    """Map each ``data-field`` key to its FieldBox in a rendered WeasyPrint document."""
    found = {}
    for page_index, page in enumerate(document.pages):
        for box in _walk(page._page_box):
            element = getattr(box, "element", None)
            key = element.get("data-field") if element is not None else None
            if not key or key in found or not getattr(box, "element_tag", None):
                continue
            if type(box).__name__ not in ("BlockBox", "FlexBox"):
                continue
            found[key] = _field_box(key, page_index, box)
    return found


def _field_box(key, page_index, box):
    """Build the FieldBox of one laid-out field element."""
    style = box.style
    baseline, text_width, lines = _text_metrics(box)
    return FieldBox(
        key=key, page=page_index, x=box.content_box_x(), y=box.content_box_y(),
        width=box.width, height=box.height, font_size=style["font_size"], baseline=baseline,
        text_width=text_width, align=str(style["text_align_all"]), color=_color(style),
        family=tuple(style["font_family"]), weight=int(style["font_weight"]),
        italic=style["font_style"] != "normal", lines=lines)


def fitted_size(box, text_width, min_font_size_pt):
    """Font size (px) at which a line of ``text_width`` (at the box's size) fits; None if it fits.

    Returns a negative size when the text would have to go below ``min_font_size_pt``.
    """
    if text_width <= box.width:
        return None
    size = box.font_size * box.width / text_width * 0.995
    if size * PX_TO_PT < min_font_size_pt:
        return -min_font_size_pt / PX_TO_PT
    return size


def shrink_css(overrides):
    """CSS overriding field font sizes: ``{key: px}``; negative means wrap at that size."""
    rules = []
    for key, size in overrides.items():
        selector = f'[data-field="{key}"]'
        if size > 0:
            rules.append(f"{selector} {{ font-size: {size:.3f}px !important; }}")
        else:
            rules.append(
                f"{selector} {{ font-size: {-size:.3f}px !important; white-space: normal !important;"
                " line-height: 1.1 !important; display: flex !important; flex-direction: column;"
                " justify-content: center; }}")
    return "\n".join(rules)
