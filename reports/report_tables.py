"""The figure tables of a project's final and interim reports: one `Table` per count table,
built from `reports.figures`, shown on the web page and in the PDF
(`reports/_figure_table.html`) and downloaded as CSV/XLSX — the same object each time, so a
figure cannot differ between them.

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
from reports import figures
from reports.figures import ByGender, Period
from reports.models import DEFAULT_SMALL_CELL_THRESHOLD, ReportSettings
from reports.smallcells import is_small, suppress
from stepladder.stats import Figures, StepStatistics

DASH = "–"

# --- Tables ----------------------------------------------------------------------------------


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


def _share(percent: Decimal | None, count: int, small: SmallCells) -> Cell:
    return Cell(percent, Kind.PERCENT, hidden=small.hides(count))


def _mean(value: Decimal | None) -> Cell:
    return Cell(value, Kind.MEAN)


def _gender_cells(counts: ByGender, small: SmallCells) -> list[Cell]:
    return [count_cell(n, small) for n in (counts.women, counts.men, counts.other, counts.total)]


def _gender_columns(first: str) -> list[str]:
    return [first, _("Women"), _("Men"), _("Other or not known"), _("All")]


def _municipality(name: str) -> str:
    return name or _("Municipality not known")


# --- The final report's tables ---------------------------------------------------------------


def participants_table(project: Project, period: Period, small: SmallCells) -> Table:
    rows = figures.participants_by_municipality(project, period)
    total = sum((row.counts for row in rows), ByGender())
    return Table(
        slug="participants-by-municipality",
        caption=_("Participants who started in the period, per municipality and gender"),
        columns=_gender_columns(_("Municipality")),
        rows=[Row(_municipality(r.municipality), _gender_cells(r.counts, small)) for r in rows]
        + [Row(_("Total"), _gender_cells(total, small), is_total=True)],
        small=small,
    )


def referrals_table(project: Project, period: Period, small: SmallCells) -> Table:
    cross = figures.referrals_by_agency(project, period)
    columns = [_("Referring agency")]
    columns += [_municipality(name) for _pk, name in cross.columns] + [_("Total")]
    rows = [
        Row(
            name,
            [count_cell(cross.count(pk, column), small) for column, _name in cross.columns]
            + [count_cell(cross.row_total(pk), small)],
        )
        for pk, name in cross.rows
    ]
    rows.append(
        Row(
            _("Total"),
            [count_cell(cross.column_total(column), small) for column, _name in cross.columns]
            + [count_cell(cross.total, small)],
            is_total=True,
        )
    )
    return Table(
        slug="referrals-by-agency",
        caption=_("Referrals submitted in the period, per referring agency and home municipality"),
        columns=columns,
        rows=rows,
        small=small,
    )


def _step_row(label: str, row: Figures, small: SmallCells, **kw) -> Row:
    share = row.share_high_at_exit
    return Row(
        label,
        [
            _mean(row.mean_at_enrolment),
            _mean(row.mean_at_exit),
            count_cell(row.participants, small),
            count_cell(row.n_at_enrolment, small),
            count_cell(row.n_at_exit, small),
            count_cell(share.count, small),
            _share(share.percent, share.count, small),
        ],
        **kw,
    )


def steps_table(statistics: StepStatistics, small: SmallCells) -> Table:
    rows = [_step_row(_municipality(f.municipality), f, small) for f in statistics.municipalities]
    rows.append(_step_row(_("Total"), statistics.total, small, is_total=True))
    return Table(
        slug="steps",
        caption=_(
            "Mean step at enrolment and at exit (one decimal), and the share on steps 4–6 of "
            "those rated at exit, per municipality"
        ),
        columns=[
            _("Municipality"),
            _("Mean step at enrolment"),
            _("Mean step at exit"),
            _("Participants"),
            _("Rated at enrolment"),
            _("Rated at exit"),
            _("On steps 4–6 at exit"),
            _("Share on steps 4–6 at exit"),
        ],
        rows=rows,
        small=small,
    )


def _exit_table(slug, caption, first, counts, small, *, none_label) -> Table:
    rows = [
        Row(
            c.label or none_label,
            [count_cell(c.before_end, small), count_cell(c.total, small)],
        )
        for c in counts
    ]
    rows.append(
        Row(
            _("Total"),
            [
                count_cell(sum(c.before_end for c in counts), small),
                count_cell(sum(c.total for c in counts), small),
            ],
            is_total=True,
        )
    )
    return Table(
        slug=slug,
        caption=caption,
        columns=[first, _("Exits before the project's end"), _("All exits in the period")],
        rows=rows,
        small=small,
    )


def exits_table(project: Project, period: Period, small: SmallCells) -> Table:
    return _exit_table(
        "exits-by-reason",
        _("Exits in the period by reason; those before the project's end date counted apart"),
        _("Reason for exit"),
        figures.exits_by_reason(project, period),
        small,
        none_label=_("No reason recorded"),
    )


def destinations_table(project: Project, period: Period, small: SmallCells) -> Table:
    return _exit_table(
        "destinations",
        _("Destinations after exit, of the exits in the period"),
        _("Destination"),
        figures.destinations(project, period),
        small,
        none_label=_("No destination recorded"),
    )


def follow_ups_table(project: Project, period: Period, small: SmallCells) -> Table:
    result = figures.follow_ups(project, period)
    rows = [
        Row(
            r.label or _("No income source recorded"),
            [
                count_cell(r.self_sufficient, small),
                count_cell(r.not_self_sufficient, small),
                count_cell(r.total, small),
            ],
        )
        for r in result.rows
    ]
    rows.append(
        Row(
            _("Total, follow-ups done"),
            [
                count_cell(result.self_sufficient, small),
                count_cell(result.not_self_sufficient, small),
                count_cell(result.done, small),
            ],
            is_total=True,
        )
    )
    rows.append(
        Row(
            _("Follow-ups not done yet"),
            [Cell(None), Cell(None), count_cell(result.not_done, small)],
        )
    )
    return Table(
        slug="follow-ups",
        caption=_(
            "Outcome of the follow-up 90 days after exit, for the exits in the period: "
            "self-sufficient or not, by main income source"
        ),
        columns=[
            _("Main income source"),
            _("Self-sufficient"),
            _("Not self-sufficient"),
            _("All"),
        ],
        rows=rows,
        small=small,
    )


def cohort_starts_table(project: Project, period: Period, small: SmallCells) -> Table:
    cohorts = figures.cohort_starts(project, period)
    rows = [
        Row(
            cohort.start_date.isoformat(),
            [
                Cell(cohort.municipality.name),
                count_cell(cohort.started, small),
                Cell(cohort.group_weeks, Kind.NUMBER),
                Cell(cohort.group_sessions_per_week, Kind.NUMBER),
                Cell(cohort.session_minutes, Kind.NUMBER),
                Cell(cohort.talks_before_group, Kind.NUMBER),
                Cell(cohort.period_months, Kind.NUMBER),
            ],
        )
        for cohort in cohorts
    ]
    if cohorts:
        total = sum(cohort.started for cohort in cohorts)
        rows.append(
            Row(
                _("Total"),
                [Cell(""), count_cell(total, small), *(Cell(None, Kind.TEXT) for _i in range(5))],
                is_total=True,
            )
        )
    return Table(
        slug="cohort-starts",
        caption=_("Starts in the period: date, municipality, participants and programme shape"),
        columns=[
            _("Start date"),
            _("Municipality"),
            _("Participants started"),
            _("Weeks of group programme"),
            _("Group sessions per week"),
            _("Session length (minutes)"),
            _("Individual talks before the group"),
            _("Participation period (months)"),
        ],
        rows=rows,
        small=small,
    )


# --- The interim report's tables -------------------------------------------------------------


def flow_table(project: Project, period: Period, small: SmallCells) -> Table:
    result = figures.flow(project, period)
    return Table(
        slug="participants",
        caption=_("Participants new, active and exited in the period, by gender"),
        columns=_gender_columns(_("Participants")),
        rows=[
            Row(_("New (started in the period)"), _gender_cells(result.new, small)),
            Row(_("Active at some time in the period"), _gender_cells(result.active, small)),
            Row(_("Exited in the period"), _gender_cells(result.exited, small)),
        ],
        small=small,
    )


def interim_steps_table(project: Project, period: Period, small: SmallCells) -> Table:
    """Mean step at enrolment of those who started in the period, and at exit (with the share
    on steps 4–6) of those who exited in it, per municipality."""
    new = figures.steps(figures.started_in(project, period))
    exited = figures.steps(figures.exited_in(project, period))
    areas: dict[int | None, tuple[str, Any, Any]] = {}
    for f in new.municipalities:
        areas[f.municipality_id] = (f.municipality, f, None)
    for f in exited.municipalities:
        name, first, _none = areas.get(f.municipality_id, (f.municipality, None, None))
        areas[f.municipality_id] = (name, first, f)

    def cells(first, last) -> list[Cell]:
        share = last.share_high_at_exit if last else None
        return [
            _mean(first.mean_at_enrolment if first else None),
            count_cell(first.n_at_enrolment if first else 0, small),
            _mean(last.mean_at_exit if last else None),
            count_cell(last.n_at_exit if last else 0, small),
            count_cell(share.count if share else 0, small),
            _share(share.percent if share else None, share.count if share else 0, small),
        ]

    order = sorted(areas.items(), key=lambda item: figures._area_key(item[0], item[1][0]))
    rows = [Row(_municipality(name), cells(first, last)) for _pk, (name, first, last) in order]
    rows.append(Row(_("Total"), cells(new.total, exited.total), is_total=True))
    return Table(
        slug="steps",
        caption=_(
            "Mean step at enrolment of those who started in the period, and at exit of those "
            "who exited in it, with the share on steps 4–6 at exit"
        ),
        columns=[
            _("Municipality"),
            _("Mean step at enrolment"),
            _("Rated at enrolment"),
            _("Mean step at exit"),
            _("Rated at exit"),
            _("On steps 4–6 at exit"),
            _("Share on steps 4–6 at exit"),
        ],
        rows=rows,
        small=small,
    )


def interim_exits_table(project: Project, period: Period, small: SmallCells) -> Table:
    counts = figures.exits_by_reason(project, period)
    total = sum((c.counts for c in counts), ByGender())
    return Table(
        slug="exits-by-reason",
        caption=_("Exits in the period by reason and gender"),
        columns=_gender_columns(_("Reason for exit")),
        rows=[
            Row(c.label or _("No reason recorded"), _gender_cells(c.counts, small)) for c in counts
        ]
        + [Row(_("Total"), _gender_cells(total, small), is_total=True)],
        small=small,
    )


TableBuilder = Callable[[Project, Period, SmallCells], Table]


def _final_steps_table(project: Project, period: Period, small: SmallCells) -> Table:
    return steps_table(figures.steps(figures.started_in(project, period)), small)


# Each report's tables by slug, in the order of the report: the exports build one of them.
FINAL_TABLES: dict[str, TableBuilder] = {
    "participants-by-municipality": participants_table,
    "referrals-by-agency": referrals_table,
    "steps": _final_steps_table,
    "exits-by-reason": exits_table,
    "destinations": destinations_table,
    "follow-ups": follow_ups_table,
    "cohort-starts": cohort_starts_table,
}
INTERIM_TABLES: dict[str, TableBuilder] = {
    "participants": flow_table,
    "steps": interim_steps_table,
    "exits-by-reason": interim_exits_table,
}
