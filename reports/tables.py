"""The building blocks of a report's figure tables: a `Table` of `Row`s of `Cell`s, shown on
the web page and in the PDF (`reports/_figure_table.html`) and downloaded as CSV/XLSX — the
same object each time, so a figure cannot differ between them. The tables themselves are in
`reports.final_tables` and `reports.interim_tables`.

Small cells (`reports.smallcells`, always on): every count of people from 1 to the threshold
minus one is shown as "x" in every count table of both reports and their exports. A table
that has totals then hides more counts (`Table.protect`, `reports.smallcells.protect`), so
that no hidden count can be worked out from its row or column total: its builder names the
lines that add up (`down`: the rows above the totals row; `across`: cells of a row that add
up to another cell of it). A share or mean whose count or base is hidden is hidden too ("–"),
since share × base would give the count back and a mean of one person is their step. Step
numbers and the programme shape are never hidden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from fokus.models import Project
from reports.figures import ByGender, Period
from reports.smallcells import MARKER, Line, SmallCells, protect

DASH = "–"


class Kind:
    COUNT = "count"  # a number of people: hidden when small
    NUMBER = "number"  # any other whole number (weeks, minutes): never hidden
    MEAN = "mean"  # one decimal
    PERCENT = "percent"  # one decimal and " %"
    TEXT = "text"


@dataclass(frozen=True)
class Cell:
    value: Any
    kind: str = Kind.TEXT
    hidden: bool = False  # a small count, a count hidden to protect one, a share of one
    # The cells of the same row (by index) this one is computed from: a share's count and
    # base, a mean's number of people. Hidden when one of them is.
    basis: tuple[int, ...] = ()

    @property
    def numeric(self) -> bool:
        return self.kind in (Kind.COUNT, Kind.NUMBER, Kind.MEAN, Kind.PERCENT)

    def text(self, small: SmallCells) -> str:
        """As shown on the page and in the PDF, in the active language's number format."""
        if self.value is None:
            return DASH if self.numeric else ""
        if self.hidden:
            return MARKER if self.kind == Kind.COUNT else DASH
        if self.kind == Kind.MEAN:
            return number_format(self.value, 1)
        if self.kind == Kind.PERCENT:
            return f"{number_format(self.value, 1)} %"
        return str(self.value)

    def export(self, small: SmallCells):
        """As written to CSV/XLSX: numbers stay numbers, a hidden count is "x"."""
        if self.hidden:
            return MARKER if self.kind == Kind.COUNT else None
        return self.value


@dataclass
class Row:
    label: str
    cells: list[Cell]
    is_total: bool = False


@dataclass
class Table:
    slug: str  # in the export URL
    caption: str
    columns: list[str]  # the first one heads the row labels
    rows: list[Row] = field(default_factory=list)
    small: SmallCells = field(default_factory=SmallCells)

    @property
    def display_rows(self) -> list[tuple[Row, list[tuple[Cell, str]]]]:
        return [(row, [(cell, cell.text(self.small)) for cell in row.cells]) for row in self.rows]

    def export_rows(self) -> list[list]:
        return [[row.label, *(cell.export(self.small) for cell in row.cells)] for row in self.rows]

    def protect(
        self,
        *,
        down: Iterable[int] = (),
        across: Iterable[tuple[Sequence[int], int]] = (),
    ) -> Table:
        """Hide the counts that would give a hidden one away (secondary suppression, see
        `reports.smallcells.protect`), then the shares and means computed from a hidden count.

        `down`: the cells (by index) whose totals-row cell is the sum of the cells above it in
        the rows before the totals row. `across`: (members, total) cell indexes of every row
        whose total cell is the sum of the members plus a remainder that is not shown.
        """
        if self.small.hide:
            self._protect_counts(list(down), list(across))
        for row in self.rows:
            hidden = {i for i, cell in enumerate(row.cells) if cell.hidden}
            row.cells = [
                replace(cell, hidden=True)
                if not cell.hidden and any(i in hidden for i in cell.basis)
                else cell
                for cell in row.cells
            ]
        return self

    def _protect_counts(self, down: list[int], across: list[tuple[Sequence[int], int]]) -> None:
        values, hidden, lines = {}, set(), []
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row.cells):
                if cell.kind == Kind.COUNT and cell.value is not None:
                    values[r, c] = cell.value
                    if cell.hidden:
                        hidden.add((r, c))
        threshold = self.small.threshold
        total_row = next((r for r, row in enumerate(self.rows) if row.is_total), None)
        if total_row is not None:
            above = [r for r in range(total_row) if not self.rows[r].is_total]
            for c in down:
                members = tuple((r, c) for r in above if (r, c) in values)
                if (total_row, c) in values and members:
                    lines.append(Line(members, (total_row, c), threshold))
        for r in range(len(self.rows)):
            for members, total in across:
                keys = tuple((r, c) for c in members if (r, c) in values)
                if (r, total) in values and keys:
                    lines.append(Line(keys, (r, total), threshold))
        for r, c in protect(values, hidden, lines) - hidden:
            row = self.rows[r]
            row.cells[c] = replace(row.cells[c], hidden=True)


def count_cell(n: int, small: SmallCells) -> Cell:
    return Cell(n, Kind.COUNT, hidden=small.hides(n))


def share_cell(percent: Decimal | None, *basis: int) -> Cell:
    """A share of the row's cells `basis` (its count and its base, by index)."""
    return Cell(percent, Kind.PERCENT, basis=basis)


def mean_cell(value: Decimal | None, *basis: int) -> Cell:
    """A mean over the people counted in the row's cell `basis` (by index)."""
    return Cell(value, Kind.MEAN, basis=basis)


def gender_cells(counts: ByGender, small: SmallCells) -> list[Cell]:
    return [count_cell(n, small) for n in (counts.women, counts.men, counts.other, counts.total)]


# How the gender cells add up: women + men + other = all.
GENDER_DOWN = (0, 1, 2, 3)
GENDER_ACROSS = (((0, 1, 2), 3),)


def gender_columns(first: str) -> list[str]:
    return [first, _("Women"), _("Men"), _("Other or not known"), _("All")]


def municipality_label(name: str) -> str:
    return name or _("Municipality not known")


TableBuilder = Callable[[Project, Period, SmallCells], Table]
