"""The final report's (slutrapport's) figure tables, by slug in `FINAL_TABLES`: participants
per municipality, referrals per agency, steps, exits, destinations, follow-ups and starts.
Built from `reports.figures` with the cells of `reports.tables`."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from fokus.models import Project
from reports import figures
from reports.figures import ByGender, Period
from reports.smallcells import SmallCells
from reports.tables import (
    GENDER_ACROSS,
    GENDER_DOWN,
    Cell,
    Kind,
    Row,
    Table,
    TableBuilder,
    count_cell,
    gender_cells,
    gender_columns,
    mean_cell,
    municipality_label,
    share_cell,
)
from stepladder.stats import Figures, StepStatistics
from surveys.results import percent


def participants_table(project: Project, period: Period, small: SmallCells) -> Table:
    rows = figures.participants_by_municipality(project, period)
    total = sum((row.counts for row in rows), ByGender())
    return Table(
        slug="participants-by-municipality",
        caption=_("Participants who started in the period, per municipality and gender"),
        columns=gender_columns(_("Municipality")),
        rows=[Row(municipality_label(r.municipality), gender_cells(r.counts, small)) for r in rows]
        + [Row(_("Total"), gender_cells(total, small), is_total=True)],
        small=small,
    ).protect(down=GENDER_DOWN, across=GENDER_ACROSS)


def referrals_table(project: Project, period: Period, small: SmallCells) -> Table:
    cross = figures.referrals_by_agency(project, period)
    columns = [_("Referring agency")]
    columns += [municipality_label(name) for _pk, name in cross.columns] + [_("Total")]
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
    width = len(cross.columns)
    return Table(
        slug="referrals-by-agency",
        caption=_("Referrals submitted in the period, per referring agency and home municipality"),
        columns=columns,
        rows=rows,
        small=small,
    ).protect(down=range(width + 1), across=[(range(width), width)])


def _step_row(label: str, row: Figures, small: SmallCells, **kw) -> Row:
    share = row.share_high_at_exit
    return Row(
        label,
        [
            mean_cell(row.mean_at_enrolment, 3),
            mean_cell(row.mean_at_exit, 4),
            count_cell(row.participants, small),
            count_cell(row.n_at_enrolment, small),
            count_cell(row.n_at_exit, small),
            count_cell(share.count, small),
            share_cell(share.percent, 5, 4),
        ],
        **kw,
    )


def steps_table(statistics: StepStatistics, small: SmallCells) -> Table:
    rows = [
        _step_row(municipality_label(f.municipality), f, small) for f in statistics.municipalities
    ]
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
        # Those on steps 4–6 and the others make up those rated at exit.
    ).protect(down=(2, 3, 4, 5), across=[((5,), 4)])


def _exit_table(slug, caption, first, counts, small, *, none_label, shares=False) -> Table:
    """Early exits (before the participation's planned exit date) and all exits per reason or
    destination; with `shares`, each row's share of the early exits beside its count."""
    early = sum(c.early for c in counts)

    def cells(n_early: int, n_total: int) -> list[Cell]:
        row = [count_cell(n_early, small)]
        if shares:
            row.append(share_cell(percent(n_early, early), 0))
        return [*row, count_cell(n_total, small)]

    rows = [Row(c.label or none_label, cells(c.early, c.total)) for c in counts]
    rows.append(Row(_("Total"), cells(early, sum(c.total for c in counts)), is_total=True))
    columns = [first, _("Exits before the planned end")]
    if shares:
        columns.append(_("Share"))
    columns.append(_("All exits in the period"))
    every = len(columns) - 2  # the cell of all exits
    table = Table(slug=slug, caption=caption, columns=columns, rows=rows, small=small).protect(
        down=(0, every), across=[((0,), every)]
    )
    if shares and table.rows[-1].cells[0].hidden:
        # Share and count would give a hidden number of early exits back: no share then.
        for row in table.rows:
            row.cells[1] = replace(row.cells[1], hidden=True)
    return table


def exits_table(project: Project, period: Period, small: SmallCells) -> Table:
    return _exit_table(
        "exits-by-reason",
        _(
            "Exits in the period by reason; those before the participant's planned exit date "
            "counted apart, with their share of all such early exits"
        ),
        _("Reason for exit"),
        figures.exits_by_reason(project, period),
        small,
        none_label=_("No reason recorded"),
        shares=True,
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
    ).protect(down=(0, 1, 2), across=[((0, 1), 2)])


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
    ).protect(down=(1,))


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
