"""Small cells: counts so small that a reader could pick out the people behind them.

In reports that leave the project (the final report when the project asks for it, the
förbund summary always) a count of 1 up to the threshold minus one is shown as "<3" instead
of the number. Zero stays 0 (nobody can be picked out of nobody), and means, percentages and
step numbers are never suppressed: only counts of people. `SmallCells` is one project's
setting, as the figure tables (`reports.tables`) apply it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fokus.models import Project
from reports.models import DEFAULT_SMALL_CELL_THRESHOLD, ReportSettings


def is_small(count: int | None, threshold: int = DEFAULT_SMALL_CELL_THRESHOLD) -> bool:
    """True for a count that would be suppressed: 0 < count < threshold."""
    return count is not None and 0 < count < threshold


def suppress(count: int | None, threshold: int | None = DEFAULT_SMALL_CELL_THRESHOLD) -> str:
    """The count as text, or "<threshold" when 0 < count < threshold. A threshold of None
    (or below 2) turns suppression off. None is shown as an empty cell."""
    if count is None:
        return ""
    if threshold and threshold >= 2 and is_small(count, threshold):
        return f"<{threshold}"
    return str(count)


@dataclass(frozen=True)
class SmallCells:
    """Whether and from what threshold counts are hidden."""

    hide: bool = False
    threshold: int = DEFAULT_SMALL_CELL_THRESHOLD

    @classmethod
    def of(cls, project: Project) -> SmallCells:
        settings = ReportSettings.objects.filter(project=project).first()
        if settings is None:
            return cls()
        return cls(settings.hide_small_cells_in_final_report, settings.small_cell_threshold)

    def hides(self, count: int | None) -> bool:
        return self.hide and is_small(count, self.threshold)

    @property
    def marker(self) -> str:
        return f"<{self.threshold}"
