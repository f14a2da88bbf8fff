"""Horizontal bar charts as plain geometry for server-rendered SVG (no JavaScript). Pure."""
from typing import NamedTuple

LABEL_WIDTH = 210
BAR_HEIGHT = 22
GAP = 10
VALUE_WIDTH = 44
TOP = 6


class Bar(NamedTuple):
    """One bar: its label, value, and where it sits in the SVG (user units)."""

    label: str
    value: int
    y: int
    width: float
    text_y: int


class Chart(NamedTuple):
    """A whole chart: SVG width/height, where bars start, and the bars."""

    width: int
    height: int
    bar_x: int
    bars: tuple
    max_value: int


def bar_chart(items, width=640, label_width=LABEL_WIDTH):
    """Chart for [(label, count), …] in the given order; the longest bar fills the plot area."""
    items = [(str(label), int(value)) for label, value in items]
    max_value = max((value for _, value in items), default=0)
    plot = max(width - label_width - VALUE_WIDTH, 10)
    bars = []
    for index, (label, value) in enumerate(items):
        y = TOP + index * (BAR_HEIGHT + GAP)
        length = plot * value / max_value if max_value else 0
        bars.append(Bar(shorten(label), value, y, round(length, 1), y + BAR_HEIGHT // 2 + 5))
    height = TOP * 2 + max(len(items), 1) * (BAR_HEIGHT + GAP) - GAP
    return Chart(width, height, label_width, tuple(bars), max_value)


def shorten(label, limit=30):
    """Labels longer than `limit` characters end in an ellipsis."""
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "\u2026"


def count_by(values, order=()):
    """[(value, count)] with the values of `order` first (even when zero), the rest by count then name."""
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    first = [(name, counts.pop(name, 0)) for name in order]
    rest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return first + rest
