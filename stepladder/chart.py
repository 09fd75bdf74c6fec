"""The geometry of a participant's trajectory chart: steps over time, drawn as inline SVG by
templates/stepladder/_trajectory.html (on the page and, through WeasyPrint, in PDFs).

Pure functions of the ratings, so the coordinates and which moves go backwards can be tested
without a page. Dates are spaced by time, steps run from 1 at the bottom to the ladder's top
step. A move back is flagged here and drawn dashed, in another colour and with its size, so
it is not told by colour alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

WIDTH = 640
HEIGHT = 300
# The plot area inside the SVG; below it the date labels and a two-row legend.
LEFT, RIGHT, TOP, BOTTOM = 56, 620, 20, 220
# Points are kept this far inside the plot so that none sits on an axis.
INSET = 16
# Date labels closer than this would overlap; the later one wins at the end.
MIN_LABEL_GAP = 76


@dataclass(frozen=True)
class RatingPoint:
    """What the chart needs of one rating."""

    on: date
    step: int
    own_step: int | None = None
    kind: str = ""


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    step: int
    on: date


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float
    change: int  # steps moved, negative for a move back

    @property
    def backward(self) -> bool:
        return self.change < 0

    @property
    def label_x(self) -> float:
        return round((self.x1 + self.x2) / 2, 1)

    @property
    def label_y(self) -> float:
        # Just above the middle of the line.
        return round((self.y1 + self.y2) / 2 - 6, 1)

    @property
    def size(self) -> int:
        return abs(self.change)


@dataclass(frozen=True)
class Gridline:
    y: float
    step: int


@dataclass(frozen=True)
class DateLabel:
    x: float
    on: date


@dataclass(frozen=True)
class Row:
    """One line of the chart's data table."""

    on: date
    kind: str
    step: int
    own_step: int | None
    change: int | None  # None for the first rating


@dataclass(frozen=True)
class Trajectory:
    key: str
    top_step: int
    points: list[Point]
    own_points: list[Point]
    segments: list[Segment]
    gridlines: list[Gridline]
    date_labels: list[DateLabel]
    rows: list[Row]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM
    legend_rows: tuple[int, int] = (HEIGHT - 38, HEIGHT - 14)

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def backward_count(self) -> int:
        return sum(1 for segment in self.segments if segment.backward)

    @property
    def first(self) -> date | None:
        return self.points[0].on if self.points else None

    @property
    def last(self) -> date | None:
        return self.points[-1].on if self.points else None

    @property
    def steps_in_order(self) -> str:
        return ", ".join(str(point.step) for point in self.points)

    @property
    def has_own_placement(self) -> bool:
        return bool(self.own_points)


def x_for(on: date, first: date, last: date) -> float:
    span = (last - first).days
    if span <= 0:
        return round((LEFT + RIGHT) / 2, 1)
    inner = RIGHT - LEFT - 2 * INSET
    return round(LEFT + INSET + inner * (on - first).days / span, 1)


def y_for(step: int, top_step: int) -> float:
    if top_step <= 1:
        return round((TOP + BOTTOM) / 2, 1)
    inner = BOTTOM - TOP - 2 * INSET
    return round(TOP + INSET + inner * (top_step - step) / (top_step - 1), 1)


def _date_labels(points: Sequence[Point]) -> list[DateLabel]:
    labels: list[DateLabel] = []
    for point in points:
        if labels and (point.on == labels[-1].on or point.x - labels[-1].x < MIN_LABEL_GAP):
            continue
        labels.append(DateLabel(point.x, point.on))
    if points and labels[-1].on != points[-1].on:
        # The latest rating's date is the one a reader looks for.
        last = points[-1]
        while labels and last.x - labels[-1].x < MIN_LABEL_GAP:
            labels.pop()
        labels.append(DateLabel(last.x, last.on))
    return labels


def trajectory(
    ratings: Sequence[RatingPoint], *, top_step: int = 6, key: str = "trajectory"
) -> Trajectory:
    """The chart of `ratings` (oldest first) on a ladder whose highest step is `top_step`.
    `key` prefixes the SVG's element ids, for pages that show more than one chart."""
    top_step = max(
        [top_step, *(r.step for r in ratings), *(r.own_step or 0 for r in ratings)], default=1
    )
    points: list[Point] = []
    own_points: list[Point] = []
    rows: list[Row] = []
    if ratings:
        first, last = ratings[0].on, ratings[-1].on
        for rating in ratings:
            x = x_for(rating.on, first, last)
            points.append(Point(x, y_for(rating.step, top_step), rating.step, rating.on))
            if rating.own_step is not None:
                own_points.append(
                    Point(x, y_for(rating.own_step, top_step), rating.own_step, rating.on)
                )
    segments = [Segment(a.x, a.y, b.x, b.y, b.step - a.step) for a, b in pairwise(points)]
    previous: int | None = None
    for rating in ratings:
        change = None if previous is None else rating.step - previous
        rows.append(Row(rating.on, rating.kind, rating.step, rating.own_step, change))
        previous = rating.step
    return Trajectory(
        key=key,
        top_step=top_step,
        points=points,
        own_points=own_points,
        segments=segments,
        gridlines=[Gridline(y_for(step, top_step), step) for step in range(top_step, 0, -1)],
        date_labels=_date_labels(points),
        rows=rows,
    )


def rating_points(ratings: Iterable) -> list[RatingPoint]:
    """`Rating` rows (oldest first, with `step` and `participant_step` selected) as points."""
    return [
        RatingPoint(
            on=rating.rated_on,
            step=rating.step.number,
            own_step=rating.participant_step.number if rating.participant_step else None,
            kind=rating.get_kind_display(),
        )
        for rating in ratings
    ]


def trajectory_of(ratings: Iterable, *, top_step: int = 6, key: str = "trajectory") -> Trajectory:
    return trajectory(rating_points(ratings), top_step=top_step, key=key)
