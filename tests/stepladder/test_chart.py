"""The trajectory chart's geometry (`stepladder.chart`): pure functions of the ratings, so the
coordinates and the moves back are checked without a page; then the partial's SVG."""

import re
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from stepladder import chart
from stepladder.chart import RatingPoint, trajectory

# The plot area: x 56…620, y 20…220, points kept 16 px inside.
X_FIRST, X_LAST = 72, 604  # 56 + 16, 620 - 16
Y_TOP_STEP, Y_STEP_1 = 36, 204  # 20 + 16, 220 - 16


def test_it_spaces_the_ratings_by_time():
    # 2026-09-01 → 2026-12-01 is 91 days, → 2027-09-01 a year (365 days).
    points = trajectory(
        [
            RatingPoint(date(2026, 9, 1), 1),
            RatingPoint(date(2026, 12, 1), 2),
            RatingPoint(date(2027, 9, 1), 4),
        ]
    ).points

    assert [p.x for p in points] == [X_FIRST, round(72 + 532 * 91 / 365, 1), X_LAST]
    assert points[1].x == 204.6


def test_it_puts_step_1_at_the_bottom_and_the_top_step_at_the_top():
    # Six steps: 168 px between step 1 and step 6, 33.6 px a step.
    points = trajectory(
        [RatingPoint(date(2026, 9, d), s) for d, s in [(1, 1), (2, 6), (3, 3)]], top_step=6
    ).points

    assert [p.y for p in points] == [Y_STEP_1, Y_TOP_STEP, 136.8]


def test_it_draws_a_single_rating_in_the_middle():
    (point,) = trajectory([RatingPoint(date(2026, 9, 1), 2)]).points

    assert point.x == (56 + 620) / 2
    assert trajectory([RatingPoint(date(2026, 9, 1), 2)]).segments == []


def test_it_flags_the_moves_back():
    ratings = [
        RatingPoint(date(2026, 9, 1), 1),
        RatingPoint(date(2026, 12, 1), 3),
        RatingPoint(date(2027, 3, 1), 3),
        RatingPoint(date(2027, 6, 1), 2),
        RatingPoint(date(2027, 9, 1), 5),
        RatingPoint(date(2027, 9, 15), 1),
    ]
    result = trajectory(ratings)

    assert [s.change for s in result.segments] == [2, 0, -1, 3, -4]
    assert [s.backward for s in result.segments] == [False, False, True, False, True]
    assert result.backward_count == 2
    # Each segment joins two consecutive points.
    for segment, a, b in zip(result.segments, result.points, result.points[1:], strict=False):
        assert (segment.x1, segment.y1, segment.x2, segment.y2) == (a.x, a.y, b.x, b.y)
    # The table gives the same changes in words and numbers.
    assert [row.change for row in result.rows] == [None, 2, 0, -1, 3, -4]


def test_it_keeps_the_participants_own_placement_as_a_second_series():
    result = trajectory(
        [
            RatingPoint(date(2026, 9, 1), 1, own_step=3),
            RatingPoint(date(2026, 12, 1), 2),
            RatingPoint(date(2027, 3, 1), 2, own_step=2),
        ]
    )

    assert [(p.x, p.step) for p in result.own_points] == [(X_FIRST, 3), (X_LAST, 2)]
    assert result.own_points[1].y == result.points[2].y
    assert result.has_own_placement


def test_it_reaches_to_the_highest_step_rated_or_placed():
    # A ladder of four steps, but an old rating on step 5 and an own placement on 7.
    result = trajectory(
        [RatingPoint(date(2026, 9, 1), 5), RatingPoint(date(2026, 10, 1), 2, own_step=7)],
        top_step=4,
    )

    assert result.top_step == 7
    assert [g.step for g in result.gridlines] == [7, 6, 5, 4, 3, 2, 1]
    assert result.gridlines[0].y == Y_TOP_STEP and result.gridlines[-1].y == Y_STEP_1


def test_it_leaves_out_date_labels_that_would_overlap_but_keeps_the_latest():
    ratings = [
        RatingPoint(date(2026, 9, 1), 1),
        RatingPoint(date(2026, 9, 10), 1),  # 13 px from the first: no label
        RatingPoint(date(2026, 12, 1), 2),
        RatingPoint(date(2027, 8, 20), 3),  # 15 px before the last: its label gives way
        RatingPoint(date(2027, 9, 1), 3),
    ]
    labels = chart._date_labels(trajectory(ratings).points)

    assert [label.on for label in labels] == [date(2026, 9, 1), date(2026, 12, 1), date(2027, 9, 1)]


def test_it_draws_nothing_without_ratings():
    result = trajectory([])

    assert result.points == [] and result.segments == [] and result.date_labels == []
    assert result.first is None


@pytest.fixture
def svg():
    ratings = [
        RatingPoint(date(2026, 9, 1), 1, kind="At enrolment"),
        RatingPoint(date(2026, 12, 1), 3, own_step=4, kind="Regular"),
        RatingPoint(date(2027, 3, 1), 2, kind="Regular"),
    ]
    with translation.override("sv"):
        return render_to_string(
            "stepladder/_trajectory.html", {"chart": trajectory(ratings, key="t1")}
        )


def test_the_partial_draws_moves_back_dashed_in_another_colour_with_their_size(svg):
    assert svg.count('stroke-dasharray="7 4"') == 2  # the move back and its legend sample
    assert svg.count('stroke="#b02a37"') == 2
    assert "&#8722;1</text>" in svg
    # Coordinates with a decimal point whatever the language: "204,6" would break the SVG.
    assert '<line x1="72.0" y1="204.0" x2="' in svg
    assert not re.search(r'\b(x|y|x1|y1|x2|y2|cx|cy)="[^"]*,', svg)


def test_the_partial_is_labelled_for_screen_readers_and_has_a_table(svg):
    assert 'role="img" aria-labelledby="t1-title t1-desc"' in svg
    assert '<title id="t1-title">' in svg and '<desc id="t1-desc">' in svg
    assert 'id="t1-table"' in svg
    assert "<style" not in svg and "var(--" not in svg and "<script" not in svg
