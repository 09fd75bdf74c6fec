"""Geometry of a question's horizontal bar chart, drawn by `surveys/_question_result.html` as
inline SVG with plain attributes (no CSS, no script), so that WeasyPrint draws the same chart
in the final report's PDF.

Each option gets a row: its text above, the bar below with the count and share printed after
it. Bars are scaled to the largest count, so small differences stay visible; the printed
figures tell the size. Coordinates are whole pixels: the template prints them as integers,
which no locale can turn into "12,5".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from surveys.results import QuestionResult

WIDTH = 560
LEFT = 4  # the axis; the bars start just right of it
BAR_MAX = 420  # the longest bar; the rest of the width is for its count and share
BAR_HEIGHT = 18
LABEL_HEIGHT = 18  # the option's text above its bar
GAP = 10  # between one option's bar and the next option's text
ROW = LABEL_HEIGHT + BAR_HEIGHT + GAP
TOP = 4
LABEL_CHARS = 72  # longer option texts are shortened in the chart (the table has them whole)
FILL = "#0b5ed7"  # 4.9:1 against white (WCAG 1.4.11 asks 3:1 for graphics)
DONT_KNOW_FILL = "#6c757d"


@dataclass(frozen=True)
class Bar:
    label: str  # the option's text, shortened to fit
    label_x: int
    description: str  # the whole text, for the bar's <title>
    count: int
    percent: Decimal | None
    fill: str
    x: int
    y: int
    width: int
    height: int
    label_y: int  # baseline of the text above the bar
    value_x: int  # where the count after the bar starts
    value_y: int  # its baseline


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    axis_x: int
    bars: list[Bar]


def _shorten(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(result: QuestionResult) -> BarChart | None:
    """The chart of a choice or scale question; None for a free-text question."""
    if result.is_text or not result.options:
        return None
    largest = max(option.count for option in result.options) or 1
    bars = []
    for index, option in enumerate(result.options):
        top = TOP + index * ROW
        bar_y = top + LABEL_HEIGHT
        width = round(BAR_MAX * option.count / largest)
        bars.append(
            Bar(
                label=_shorten(option.display),
                label_x=LEFT + 4,
                description=option.display,
                count=option.count,
                percent=option.percent,
                fill=DONT_KNOW_FILL if option.is_dont_know else FILL,
                x=LEFT + 1,
                y=bar_y,
                width=width,
                height=BAR_HEIGHT,
                label_y=top + LABEL_HEIGHT - 5,
                value_x=LEFT + 1 + width + 6,
                value_y=bar_y + BAR_HEIGHT - 4,
            )
        )
    return BarChart(
        width=WIDTH,
        height=TOP + len(bars) * ROW,
        axis_x=LEFT,
        bars=bars,
    )
