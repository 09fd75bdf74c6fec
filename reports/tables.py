"""The building blocks of a report's figure tables: a `Table` of `Row`s of `Cell`s, shown on
the web page and in the PDF (`reports/_figure_table.html`) and downloaded as CSV/XLSX — the
same object each time, so a figure cannot differ between them. The tables themselves are in
`reports.final_tables` and `reports.interim_tables`.

Small cells: when the project's report settings ask for it (`hide_small_cells_in_final_report`,
off by default), every count of people from 1 to the threshold minus one is shown as "<3" in
every count table of both reports and their exports; a share whose count is hidden is hidden
too ("–"), since share × base would give the count back. Means, medians, step numbers and the
programme shape are never hidden. Totals are shown as they are (hidden only when small
themselves): with few rows a hidden cell can sometimes be worked out from its total, which
the threshold cannot prevent on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from fokus.models import Project
from reports.figures import ByGender, Period
from reports.smallcells import SmallCells, suppress

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
    hidden: bool = False  # a small count, or a share of one

    @property
    def numeric(self) -> bool:
        return self.kind in (Kind.COUNT, Kind.NUMBER, Kind.MEAN, Kind.PERCENT)

    def text(self, small: SmallCells) -> str:
        """As shown on the page and in the PDF, in the active language's number format."""
        if self.value is None:
            return DASH if self.numeric else ""
        if self.kind == Kind.COUNT:
            return suppress(self.value, small.threshold if self.hidden else None)
        if self.hidden:
            return DASH
        if self.kind == Kind.MEAN:
            return number_format(self.value, 1)
        if self.kind == Kind.PERCENT:
            return f"{number_format(self.value, 1)} %"
        return str(self.value)

    def export(self, small: SmallCells):
        """As written to CSV/XLSX: numbers stay numbers, a hidden count is "<3"."""
        if self.hidden:
            return small.marker if self.kind == Kind.COUNT else None
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


def count_cell(n: int, small: SmallCells) -> Cell:
    return Cell(n, Kind.COUNT, hidden=small.hides(n))


def share_cell(percent: Decimal | None, count: int, small: SmallCells) -> Cell:
    return Cell(percent, Kind.PERCENT, hidden=small.hides(count))


def mean_cell(value: Decimal | None) -> Cell:
    return Cell(value, Kind.MEAN)


def gender_cells(counts: ByGender, small: SmallCells) -> list[Cell]:
    return [count_cell(n, small) for n in (counts.women, counts.men, counts.other, counts.total)]


def gender_columns(first: str) -> list[str]:
    return [first, _("Women"), _("Men"), _("Other or not known"), _("All")]


def municipality_label(name: str) -> str:
    return name or _("Municipality not known")


TableBuilder = Callable[[Project, Period, SmallCells], Table]
