"""The förbund's summary across projects (DOMAIN §7): for a period, the new and the discharged
participants of each project of the federation, women / men / all, with a totals row; and per
project the participants active now and the mean step movement.

Everything is computed by the database in two queries, whatever the number of projects and
participants: the federation's projects with their small-cell threshold, and one aggregate
over the participations grouped by project, built on the annotations of
`stepladder.stats.with_steps`.

What is counted, so that the page can say it:

* **Who.** The participations `stepladder.stats` counts: started (`enrolled_on` set), consent
  not withdrawn — a withdrawn consent means the person's data may no longer be used, so they
  drop out of the figures, for earlier periods too.
* **New.** `enrolled_on` within the period, both ends included.
* **Discharged.** Status exited and `exited_on` within the period, both ends included.
* **Gender** is the referral's: "women", "men"; "all" also holds "other / does not want to
  say" and not recorded, so it can be more than women + men.
* **Active now** and **mean step movement** do not depend on the period: participations with
  status active today, and the mean of (latest step − first step) over the participations
  rated at least twice (first and latest rating as `stepladder.stats` defines them).
* **Small cells** are always hidden: a count from 1 to threshold − 1 is shown as "x" (the
  threshold is the project's `ReportSettings.small_cell_threshold`, never below the floor
  `settings.FOKUS_MIN_GROUP_SIZE`, 5 unless set; see `reports.smallcells`). The "all" column
  is hidden the same way. A mean movement with fewer than threshold participations behind it
  is shown as "–".
* **Totals** are the exact sums of the projects' counts — hidden cells included — and are
  themselves hidden when below the highest threshold of the federation's projects.
* **Secondary suppression** (`reports.smallcells.protect`): a hidden count must not be
  computable from its total, so where a column (a project's count and the totals row) or a
  row (women + men, the rest of "all" being other or not known) would leave exactly one
  unknown, the next-smallest count of that line is hidden too, as "x" as well.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import formats

from fokus.models import Project
from participants.models import Enrolment
from referrals.models import Gender
from reports.figures import Period
from reports.smallcells import MARKER, Line, is_small, min_group_size, protect
from stepladder.stats import rounded, with_steps

# Shown instead of a mean with too few participations behind it (or none).
NOT_SHOWN = "–"
MINUS = "\u2212"  # the typographic minus sign: "−0,3"


def default_period(today: date) -> Period:
    """The current calendar year to date."""
    return Period(date(today.year, 1, 1), today)


@dataclass(frozen=True)
class Counts:
    """A project's raw figures, before any cell is hidden."""

    new_women: int = 0
    new_men: int = 0
    new_all: int = 0
    exited_women: int = 0
    exited_men: int = 0
    exited_all: int = 0
    active: int = 0
    moved: int = 0  # participations rated at least twice
    movement_sum: int = 0  # the sum of their (latest step − first step)

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def mean_movement(self) -> Decimal | None:
        if not self.moved:
            return None
        return rounded(Decimal(self.movement_sum) / Decimal(self.moved))


# The counts of a row in the order of the table's columns.
COUNT_COLUMNS = (
    "new_women",
    "new_men",
    "new_all",
    "exited_women",
    "exited_men",
    "exited_all",
    "active",
)


def signed(value: Decimal) -> str:
    """One decimal with its sign, in the active language: "+1,2", "−0,3", "0,0"."""
    number = formats.number_format(abs(value), 1, use_l10n=True)
    if value > 0:
        return f"+{number}"
    if value < 0:
        return f"{MINUS}{number}"
    return number


@dataclass(frozen=True)
class SummaryRow:
    """One project's row, or the totals row (`is_total`, no project)."""

    project_id: int | None
    name: str
    threshold: int
    counts: Counts
    is_total: bool = False
    hidden: frozenset[str] = frozenset()  # the names of the counts hidden (COUNT_COLUMNS)

    @property
    def cells(self) -> list[str]:
        """The counts as shown, in column order: a hidden count is "x"."""
        return [
            MARKER if name in self.hidden else str(getattr(self.counts, name))
            for name in COUNT_COLUMNS
        ]

    @property
    def mean_movement(self) -> Decimal | None:
        """The mean step movement, or None when fewer than threshold participations (or none)
        are behind it."""
        if self.counts.moved < self.threshold:
            return None
        return self.counts.mean_movement

    @property
    def movement_display(self) -> str:
        mean = self.mean_movement
        return NOT_SHOWN if mean is None else signed(mean)

    @property
    def export_cells(self) -> list[int | str | Decimal]:
        """The row for a spreadsheet, name first: numbers stay numbers (the mean a signed
        decimal), hidden cells are the same texts as on the page."""
        shown = [
            MARKER if name in self.hidden else getattr(self.counts, name) for name in COUNT_COLUMNS
        ]
        mean = self.mean_movement
        return [self.name, *shown, NOT_SHOWN if mean is None else mean]


@dataclass(frozen=True)
class FederationSummary:
    period: Period
    rows: list[SummaryRow]
    total: SummaryRow

    @property
    def thresholds(self) -> list[int]:
        """The different thresholds in use, smallest first (for the explanation)."""
        return sorted({row.threshold for row in self.rows})


def _projects(federation_id: int) -> list[tuple[int, str, int]]:
    floor = min_group_size()
    return list(
        Project.objects.filter(federation_id=federation_id)
        .annotate(
            threshold=Greatest(
                Coalesce("report_settings__small_cell_threshold", Value(floor)), Value(floor)
            )
        )
        .order_by("name", "pk")
        .values_list("pk", "name", "threshold")
    )


def _counts_per_project(federation_id: int, period: Period) -> dict[int, Counts]:
    span = (period.start, period.end)
    new = Q(enrolled_on__range=span)
    exited = Q(status=Enrolment.Status.EXITED, exited_on__range=span)
    women = Q(referral__gender=Gender.WOMAN)
    men = Q(referral__gender=Gender.MAN)
    rated_twice = Q(previous_step__isnull=False)
    rows = (
        with_steps(Enrolment.objects.filter(federation_id=federation_id))
        .values("project_id")
        .annotate(
            new_women=Count("pk", filter=new & women),
            new_men=Count("pk", filter=new & men),
            new_all=Count("pk", filter=new),
            exited_women=Count("pk", filter=exited & women),
            exited_men=Count("pk", filter=exited & men),
            exited_all=Count("pk", filter=exited),
            active=Count("pk", filter=Q(status=Enrolment.Status.ACTIVE)),
            moved=Count("pk", filter=rated_twice),
            sum_latest=Sum("latest_step", filter=rated_twice),
            sum_first=Sum("first_step", filter=rated_twice),
        )
        .order_by()
    )
    result = {}
    for row in rows:
        project_id = row.pop("project_id")
        movement_sum = (row.pop("sum_latest") or 0) - (row.pop("sum_first") or 0)
        result[project_id] = Counts(**row, movement_sum=movement_sum)
    return result


def federation_summary(federation_id: int, period: Period) -> FederationSummary:
    """The summary of every project of the federation for the period (see the module
    docstring). The caller has checked that the user may see the federation's aggregates."""
    counts = _counts_per_project(federation_id, period)
    rows = [
        SummaryRow(project_id=pk, name=name, threshold=threshold, counts=counts.get(pk, Counts()))
        for pk, name, threshold in _projects(federation_id)
    ]
    total_counts = sum((row.counts for row in rows), Counts())
    total_threshold = max((row.threshold for row in rows), default=min_group_size())
    total = SummaryRow(
        project_id=None, name="", threshold=total_threshold, counts=total_counts, is_total=True
    )
    rows, total = _protected([*rows, total])
    return FederationSummary(period=period, rows=rows, total=total)


# The counts of a row that add up: women + men (+ other or not known, not shown) = all.
_ACROSS = (
    (("new_women", "new_men"), "new_all"),
    (("exited_women", "exited_men"), "exited_all"),
)


def _protected(rows: list[SummaryRow]) -> tuple[list[SummaryRow], SummaryRow]:
    """The rows (the totals row last) with their hidden counts: the small ones and those that
    would give a small one away (see the module docstring)."""
    values, hidden, lines = {}, set(), []
    last = len(rows) - 1
    for r, row in enumerate(rows):
        for name in COUNT_COLUMNS:
            values[r, name] = getattr(row.counts, name)
            if is_small(values[r, name], row.threshold):
                hidden.add((r, name))
        for members, total in _ACROSS:
            lines.append(Line(tuple((r, m) for m in members), (r, total), row.threshold))
    if last > 0:
        for name in COUNT_COLUMNS:
            members = tuple((r, name) for r in range(last))
            lines.append(Line(members, (last, name), rows[last].threshold))
    hidden = protect(values, hidden, lines)
    rows = [
        replace(row, hidden=frozenset(name for name in COUNT_COLUMNS if (r, name) in hidden))
        for r, row in enumerate(rows)
    ]
    return rows[:-1], rows[-1]
