"""Geometry of the bar chart of current steps, drawn by `stepladder/_step_distribution.html`
as inline SVG with plain attributes (no CSS, no script), so that WeasyPrint draws the same
chart in the PDF reports.

Coordinates are whole pixels: the template prints them as integers, which no locale can turn
into "12,5".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from stepladder.stats import StepStatistics

SLOT = 76  # horizontal room per bar
BAR = 48
TOP = 28  # room above the tallest bar for its count
PLOT = 150  # height of the tallest bar
BOTTOM = 48  # room for the step labels below the baseline
STEP_FILL = "#0b5ed7"  # 4.9:1 against white (WCAG 1.4.11 asks 3:1 for graphics)
NOT_RATED_FILL = "#6c757d"


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar: the step number, or "Not rated"
    description: str  # the full text, for the SVG <title> of the bar
    count: int
    fill: str
    x: int
    y: int
    width: int
    height: int
    centre: int  # x of the labels
    count_y: int  # baseline of the count above the bar


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: int  # y of the axis
    label_y: int  # baseline of the labels under the bars
    caption_y: int  # baseline of the axis caption
    bars: list[Bar]


def distribution_chart(statistics: StepStatistics) -> BarChart:
    """One bar per step of the ladder(s) in use, and one for those not yet rated."""
    entries = [
        (str(step.number), f"{step.number}. {step.headline}".rstrip(" ."), step.count, STEP_FILL)
        for step in statistics.distribution
    ]
    entries.append((_("Not rated"), _("Not rated yet"), statistics.not_rated, NOT_RATED_FILL))
    tallest = max(count for _label, _text, count, _fill in entries) or 1
    baseline = TOP + PLOT
    bars = []
    for index, (label, description, count, fill) in enumerate(entries):
        height = round(PLOT * count / tallest)
        x = index * SLOT + (SLOT - BAR) // 2
        bars.append(
            Bar(
                label=label,
                description=description,
                count=count,
                fill=fill,
                x=x,
                y=baseline - height,
                width=BAR,
                height=height,
                centre=x + BAR // 2,
                count_y=baseline - height - 8,
            )
        )
    return BarChart(
        width=len(entries) * SLOT,
        height=baseline + BOTTOM,
        baseline=baseline,
        label_y=baseline + 20,
        caption_y=baseline + BOTTOM - 6,
        bars=bars,
    )
