"""Paired bar charts (pre-test vs post-test share correct per question) as SVG geometry. Pure.

Like action_plans/charts.py: labels on their own line above the bars, so a phone can scale the SVG down.
"""
from typing import NamedTuple

from bimtek.action_plans.charts import shorten

BAR_HEIGHT, LABEL_HEIGHT, GAP, VALUE_WIDTH = 14, 18, 14, 56
STEP = LABEL_HEIGHT + 2 * BAR_HEIGHT + 2 + GAP


class PairRow(NamedTuple):
    label: str
    first: float | None
    second: float | None
    label_y: int
    first_y: int
    second_y: int
    first_width: float
    second_width: float


class PairChart(NamedTuple):
    width: int
    height: int
    bar_height: int
    plot_width: int
    rows: tuple


def paired_chart(items, width=420, maximum=100):
    """Chart for [(label, first value or None, second value or None)] on a 0..maximum scale."""
    plot = width - VALUE_WIDTH
    rows = []
    for index, (label, first, second) in enumerate(items):
        top = index * STEP
        first_y = top + LABEL_HEIGHT
        second_y = first_y + BAR_HEIGHT + 2
        rows.append(PairRow(shorten(str(label)), first, second, top + 13, first_y, second_y,
                            _length(first, plot, maximum), _length(second, plot, maximum)))
    return PairChart(width, max(len(rows), 1) * STEP - GAP, BAR_HEIGHT, plot, tuple(rows))


def _length(value, plot, maximum):
    return round(plot * min(max(value or 0, 0), maximum) / maximum, 1) if maximum else 0


def percent_text(value):
    """'62,5%' or '–' for a test nobody took."""
    return "–" if value is None else f"{value:g}".replace(".", ",") + "%"


class MeanBar(NamedTuple):
    label: str
    value: float
    label_y: int
    y: int
    width: float


class MeanChart(NamedTuple):
    width: int
    height: int
    bar_height: int
    plot_width: int
    scale: int
    bars: tuple


def mean_chart(items, scale, width=420):
    """Bars for [(label, mean on 1..scale)]: the axis runs from 0 to the top of the Likert scale."""
    plot = width - VALUE_WIDTH
    bars = []
    for index, (label, value) in enumerate(items):
        top = index * (LABEL_HEIGHT + BAR_HEIGHT + GAP)
        bars.append(MeanBar(shorten(str(label)), value, top + 13, top + LABEL_HEIGHT, _length(value, plot, scale)))
    height = max(len(bars), 1) * (LABEL_HEIGHT + BAR_HEIGHT + GAP) - GAP
    return MeanChart(width, height, BAR_HEIGHT, plot, scale, tuple(bars))
