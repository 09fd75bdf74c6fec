"""The interim report's (delårsrapport's) figure tables, by slug in `INTERIM_TABLES`: the
participants' flow, steps and exits of one half-year. Built from `reports.figures` with the
cells of `reports.tables`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from fokus.models import Project
from reports import figures
from reports.figures import ByGender, Period
from reports.smallcells import SmallCells
from reports.tables import (
    GENDER_ACROSS,
    GENDER_DOWN,
    Cell,
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


def flow_table(project: Project, period: Period, small: SmallCells) -> Table:
    result = figures.flow(project, period)
    return Table(
        slug="participants",
        caption=_("Participants new, active and exited in the period, by gender"),
        columns=gender_columns(_("Participants")),
        rows=[
            Row(_("New (started in the period)"), gender_cells(result.new, small)),
            Row(_("Active at some time in the period"), gender_cells(result.active, small)),
            Row(_("Exited in the period"), gender_cells(result.exited, small)),
        ],
        small=small,
    ).protect(across=GENDER_ACROSS)


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
            mean_cell(first.mean_at_enrolment if first else None, 1),
            count_cell(first.n_at_enrolment if first else 0, small),
            mean_cell(last.mean_at_exit if last else None, 3),
            count_cell(last.n_at_exit if last else 0, small),
            count_cell(share.count if share else 0, small),
            share_cell(share.percent if share else None, 4, 3),
        ]

    order = sorted(areas.items(), key=lambda item: figures._area_key(item[0], item[1][0]))
    rows = [Row(municipality_label(name), cells(first, last)) for _pk, (name, first, last) in order]
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
        # Those on steps 4–6 and the others make up those rated at exit.
    ).protect(down=(1, 3, 4), across=[((4,), 3)])


def interim_exits_table(project: Project, period: Period, small: SmallCells) -> Table:
    counts = figures.exits_by_reason(project, period)
    total = sum((c.counts for c in counts), ByGender())
    return Table(
        slug="exits-by-reason",
        caption=_("Exits in the period by reason and gender"),
        columns=gender_columns(_("Reason for exit")),
        rows=[
            Row(c.label or _("No reason recorded"), gender_cells(c.counts, small)) for c in counts
        ]
        + [Row(_("Total"), gender_cells(total, small), is_total=True)],
        small=small,
    ).protect(down=GENDER_DOWN, across=GENDER_ACROSS)


# The tables by slug, in the order of the report: the exports build one of them.
INTERIM_TABLES: dict[str, TableBuilder] = {
    "participants": flow_table,
    "steps": interim_steps_table,
    "exits-by-reason": interim_exits_table,
}
