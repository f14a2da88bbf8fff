"""Horizontal bar charts as plain geometry for server-rendered SVG (no JavaScript). Pure.

Each bar has its label on a line above it, so the chart stays readable when a phone scales it down.
"""
from typing import NamedTuple

BAR_HEIGHT = 18
LABEL_HEIGHT = 18
GAP = 12
VALUE_WIDTH = 48
STEP = LABEL_HEIGHT + BAR_HEIGHT + GAP


class Bar(NamedTuple):
    """One bar: label, value, label baseline, bar top, bar length and where the value is written."""

    label: str
    value: int
    label_y: int
    y: int
    width: float
    value_x: float
    value_y: int


class Chart(NamedTuple):
    """A whole chart: SVG width/height, bar height and the bars."""

    width: int
    height: int
    bar_height: int
    bars: tuple
    max_value: int


def bar_chart(items, width=400):
    """Chart for [(label, count), …] in the given order; the longest bar fills the plot width."""
    items = [(str(label), int(value)) for label, value in items]
    max_value = max((value for _, value in items), default=0)
    plot = width - VALUE_WIDTH
    bars = []
    for index, (label, value) in enumerate(items):
        top = index * STEP
        length = round(plot * value / max_value, 1) if max_value else 0
        bar_y = top + LABEL_HEIGHT
        bars.append(Bar(shorten(label), value, top + 13, bar_y, length, length + 6, bar_y + 14))
    height = max(len(items), 1) * STEP - GAP
    return Chart(width, height, BAR_HEIGHT, tuple(bars), max_value)


def shorten(label, limit=60):
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
