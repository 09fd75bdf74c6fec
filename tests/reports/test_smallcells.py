"""Small cells (`reports.smallcells`, `reports.tables.Table.protect`): on by default, from the
floor `FOKUS_MIN_GROUP_SIZE`, and no hidden count can be worked out from the totals."""

import itertools
from decimal import Decimal

import pytest

from reports.figures import ByGender
from reports.models import ReportSettings
from reports.smallcells import MARKER, Line, SmallCells, is_small, protect
from reports.tables import (
    GENDER_ACROSS,
    GENDER_DOWN,
    Kind,
    Row,
    Table,
    count_cell,
    gender_cells,
    share_cell,
)


def test_it_hides_only_small_positive_counts():
    assert [is_small(n, 3) for n in (None, 0, 1, 2, 3, 10)] == [
        False,
        False,
        True,
        True,
        False,
        False,
    ]


@pytest.mark.django_db
def test_a_project_without_settings_hides_from_5(project_a):
    assert not ReportSettings.objects.filter(project=project_a).exists()
    assert SmallCells.of(project_a) == SmallCells(hide=True, threshold=5)
    assert SmallCells() == SmallCells(hide=True, threshold=5)


@pytest.mark.django_db
def test_a_project_may_raise_the_threshold_but_not_lower_it(project_a, settings):
    row = ReportSettings.objects.create(project=project_a, small_cell_threshold=3)
    assert SmallCells.of(project_a).threshold == 5
    row.small_cell_threshold = 7
    row.save()
    assert SmallCells.of(project_a).threshold == 7
    settings.FOKUS_MIN_GROUP_SIZE = 2
    row.small_cell_threshold = 3
    row.save()
    assert SmallCells.of(project_a).threshold == 3


def _gender_table(rows: list[ByGender], threshold: int) -> Table:
    small = SmallCells(threshold=threshold)
    total = sum(rows, ByGender())
    return Table(
        slug="t",
        caption="",
        columns=["", "W", "M", "O", "All"],
        rows=[Row(f"r{i}", gender_cells(r, small)) for i, r in enumerate(rows)]
        + [Row("Total", gender_cells(total, small), is_total=True)],
        small=small,
    ).protect(down=GENDER_DOWN, across=GENDER_ACROSS)


def _solutions(table: Table, limit: int) -> list[dict]:
    """Every assignment of 0..limit to the hidden cells that agrees with what is shown: each
    row's W + M + O = All, and each column's rows add up to the totals row (what a reader
    knows)."""
    grid = [[cell.value for cell in row.cells] for row in table.rows]
    hidden = [
        (r, c)
        for r, row in enumerate(table.rows)
        for c, cell in enumerate(row.cells)
        if cell.hidden
    ]
    found = []
    for guess in itertools.product(range(limit + 1), repeat=len(hidden)):
        values = [list(row) for row in grid]
        for (r, c), value in zip(hidden, guess, strict=True):
            values[r][c] = value
        rows_ok = all(v[0] + v[1] + v[2] == v[3] for v in values)
        columns_ok = all(sum(v[c] for v in values[:-1]) == values[-1][c] for c in range(4))
        if rows_ok and columns_ok:
            found.append(dict(zip(hidden, guess, strict=True)))
    return found


def test_women_4_men_2_of_6_does_not_give_the_men_away():
    table = _gender_table([ByGender(women=4, men=2)], threshold=3)
    texts = [[text for _cell, text in cells] for _row, cells in table.display_rows]
    assert texts[0][1] == MARKER  # the 2 men
    assert "2" not in texts[0] + texts[1]
    # Whatever the reader tries, more than one number of men fits what is shown.
    men = {solution[0, 1] for solution in _solutions(table, 6)}
    assert len(men) > 1
    # The export hides the same cells.
    assert table.export_rows()[0][2] == MARKER


def test_no_hidden_count_is_the_only_unknown_of_a_line():
    table = _gender_table(
        [ByGender(4, 1, 0), ByGender(7, 9, 0), ByGender(6, 6, 2), ByGender(0, 3, 0)], threshold=3
    )
    hidden = [[cell.hidden for cell in row.cells] for row in table.rows]
    assert hidden[0][1] and hidden[2][2]  # the 1 man and the 2 others
    # A row (W + M + O = All) or a column (down to the totals row) with exactly one hidden
    # cell would give it away.
    assert all(sum(row) != 1 for row in hidden)
    assert all(sum(row[c] for row in hidden) != 1 for c in range(4))


def test_a_part_and_its_whole_do_not_give_the_rest_away():
    # Before the end 4 of 5 exits: the 1 at the end would be 5 − 4.
    values = {"before": 4, "all": 5}
    hidden = protect(values, set(), [Line(("before",), "all", 3)])
    assert hidden == {"before"}


def test_a_share_of_a_hidden_count_is_hidden():
    small = SmallCells(threshold=5)
    table = Table(
        slug="t",
        caption="",
        columns=["", "n", "high", "share"],
        rows=[
            Row("a", [count_cell(8, small), count_cell(2, small), share_cell(Decimal(25), 1, 0)]),
            Row("b", [count_cell(2, small), count_cell(2, small), share_cell(Decimal(100), 1, 0)]),
            Row(
                "Total",
                [count_cell(10, small), count_cell(4, small), share_cell(Decimal(40), 1, 0)],
                is_total=True,
            ),
        ],
        small=small,
    ).protect(down=(0, 1), across=[((1,), 0)])
    for _row, cells in table.display_rows:
        count, share = cells[1], cells[2]
        assert count[0].kind == Kind.COUNT
        if count[0].hidden:
            assert share[1] == "–"
    # The bases 8 and 2 add up to the total 10: with b's 2 hidden, a's 8 is hidden too.
    assert table.rows[0].cells[0].hidden and table.rows[1].cells[0].hidden
