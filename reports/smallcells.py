"""Small cells: counts so small that a reader could pick out the people behind them.

In every report that shows counts of people (the final and interim reports, their exports and
the förbund summary) a count from 1 up to the threshold minus one is hidden. The threshold is
the project's `ReportSettings.small_cell_threshold`, never below the deployment's floor
`settings.FOKUS_MIN_GROUP_SIZE` (5 unless set), which the survey results use too; a project
without a settings row gets the floor. Nobody can turn hiding off: the reports go to the
förbund, whose staff must not be able to single anybody out, and the coordinators who need the
people see them in the participant pages.

Zero stays 0 (nobody can be picked out of nobody). A hidden count is shown as "x" (`MARKER`),
the same whether it is small itself or hidden to protect another one (`protect`): a marker
that told the two apart ("<5" for the small ones) would give a bound from which the small one
can be worked out. Shares and means whose count is hidden are hidden too.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings

from fokus.models import Project
from reports.models import ReportSettings

MARKER = "x"


def min_group_size() -> int:
    """The floor of every threshold: `settings.FOKUS_MIN_GROUP_SIZE`."""
    return settings.FOKUS_MIN_GROUP_SIZE


def is_small(count: int | None, threshold: int) -> bool:
    """True for a count that would be suppressed: 0 < count < threshold."""
    return count is not None and 0 < count < threshold


@dataclass(frozen=True)
class SmallCells:
    """Whether and from what threshold counts are hidden (always, unless a caller inside the
    project builds a table for itself)."""

    hide: bool = True
    threshold: int = field(default_factory=min_group_size)

    @classmethod
    def of(cls, project: Project) -> SmallCells:
        floor = min_group_size()
        own = (
            ReportSettings.objects.filter(project=project)
            .values_list("small_cell_threshold", flat=True)
            .first()
        )
        return cls(threshold=max(own or floor, floor))

    def hides(self, count: int | None) -> bool:
        return self.hide and is_small(count, self.threshold)

    @property
    def marker(self) -> str:
        return MARKER


# --- Secondary suppression ---------------------------------------------------------------------

Key = Hashable


@dataclass(frozen=True)
class Line:
    """An additive line of a table: the count at `total` is the sum of the counts at `members`
    plus a remainder not shown as a cell of its own (women + men ≤ all, when "other" is not a
    column; before the end ≤ all exits). `threshold` decides whether that remainder is small."""

    members: tuple[Key, ...]
    total: Key
    threshold: int


def protect(values: dict[Key, int], hidden: Iterable[Key], lines: Sequence[Line]) -> set[Key]:
    """Complementary (secondary) suppression: the hidden cells (`hidden`, the small counts)
    and the further ones hidden so that none of them can be worked out from a total.

    A line with exactly one unknown — one hidden member, or a hidden total, or a small
    remainder that is not shown at all — gives that unknown away (total − the shown members).
    For such a line we hide one more cell: the smallest shown member that is not 0 (the one
    that costs the reader least; a hidden 0 protects nothing when the reader can guess it is
    0), else a 0 member, else the total. Hiding a cell can leave another line (the cell's
    column, say) with one unknown, so the lines are checked again until no line has exactly
    one; every round hides one more cell, so it ends. This is the usual heuristic of
    statistical offices; it does not guarantee that a sum of hidden cells is wide (two hidden
    cells of 1 and 1 are known to make 2 together), which a threshold of 5 makes harmless
    enough for these reports.

    The reader is assumed to know every remainder that is 0 or at least the threshold (they
    may guess "other gender: 0"), so only a small remainder counts as unknown.
    """
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for line in lines:
            unknown = sum(1 for key in line.members if key in hidden)
            unknown += line.total in hidden
            remainder = values[line.total] - sum(values[key] for key in line.members)
            unknown += is_small(remainder, line.threshold)
            if unknown != 1:
                continue
            shown = [key for key in line.members if key not in hidden]
            nonzero = [key for key in shown if values[key]]
            if shown:
                hidden.add(min(nonzero or shown, key=lambda key: values[key]))
            elif line.total not in hidden:  # every member hidden already: the total then
                hidden.add(line.total)
            else:  # a line without members: nothing to add up
                continue
            changed = True
    return hidden
