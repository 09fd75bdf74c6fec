"""What the final report (slutrapport) and the interim report (delårsrapport) of a project show:
the narrative written in the app, the figure tables of `reports.final_tables` and
`reports.interim_tables`, and the results of the project's surveys, as the context of the page
and PDF templates.

The final report has one narrative per project whatever period its figures cover; an interim
report one per half-year. The project's coordinators and the federation's admins write them
(`reports.services.project_report_save`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models.functions import Coalesce, TruncDate
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy

from fokus.models import Project
from reports import figures
from reports.figures import Period
from reports.final_tables import FINAL_TABLES, steps_table
from reports.interim_tables import INTERIM_TABLES
from reports.models import (
    FINAL_SECTIONS,
    INTERIM_SECTIONS,
    ProjectReport,
    ProjectReportKind,
)
from reports.smallcells import MARKER, Line, SmallCells, protect
from reports.tables import DASH, Table, TableBuilder, count_cell
from stepladder.charts_bar import distribution_chart
from surveys.charts import Bar, BarChart, bar_chart
from surveys.models import Response, Survey
from surveys.results import OptionCount, QuestionResult, SurveyResults, survey_results
from surveys.smallgroups import TOO_FEW

# --- Surveys ---------------------------------------------------------------------------------


@dataclass
class SurveyQuestion:
    """A question's results as the report shows them, small counts hidden."""

    result: QuestionResult
    rows: list[tuple[OptionCount, str, str]]  # (option, count text, share text)
    chart: BarChart | None
    bars: list[tuple[Bar, str]]  # (bar, the text after it)
    answered: str
    # Answered of the survey's responses, "94,4 % (34/36)"; "" when withheld.
    answered_rate: str = ""


@dataclass
class SurveySection:
    results: SurveyResults
    questions: list[SurveyQuestion]
    responses: str
    response_rate: str
    response_rate_note: str = ""


def _hidden_options(result: QuestionResult, small: SmallCells) -> set[int]:
    """The options (by index) whose count is hidden: the small ones and, where the counts add
    up to those who answered (one choice, or a scale with its "don't know"), those that would
    give a small one away (`reports.smallcells.protect`)."""
    values = {i: option.count for i, option in enumerate(result.options)}
    hidden = {i for i, count in values.items() if small.hides(count)}
    if not small.hide or not hidden or result.is_multiple:
        return hidden
    values["answered"] = result.answered
    return protect(values, hidden, [Line(tuple(range(len(result.options))), "answered", 0)]) - {
        "answered"
    }


def _answered_rate(result: QuestionResult, small: SmallCells) -> str:
    """The question's answer rate; with a hidden count only the counts, hidden as they are
    elsewhere ("x/36"), as the survey's response rate does."""
    if small.hides(result.answered) or small.hides(result.respondents):
        answered = count_cell(result.answered, small).text(small)
        return f"{answered}/{count_cell(result.respondents, small).text(small)}"
    return result.answered_rate


def _survey_question(result: QuestionResult, small: SmallCells) -> SurveyQuestion:
    if result.withheld:
        return SurveyQuestion(result=result, rows=[], chart=None, bars=[], answered=str(TOO_FEW))
    hidden = _hidden_options(result, small)

    def share(index, option) -> str:
        if option.percent is None or index in hidden:
            return DASH
        return f"{number_format(option.percent, 1)} %"

    rows = [
        (o, MARKER if i in hidden else str(o.count), share(i, o))
        for i, o in enumerate(result.options)
    ]
    # A bar's length would give its hidden count away (and the longest sets the scale of the
    # others): with a hidden count the table alone is shown.
    chart = None if hidden else bar_chart(result)
    bars = []
    if chart is not None:
        for bar, (_option, count, percent) in zip(chart.bars, rows, strict=True):
            bars.append((bar, count if percent == DASH else f"{count} ({percent})"))
    return SurveyQuestion(
        result=result,
        rows=rows,
        chart=chart,
        bars=bars,
        answered=count_cell(result.answered, small).text(small),
        answered_rate=_answered_rate(result, small),
    )


def survey_sections(project: Project, period: Period, small: SmallCells) -> list[SurveySection]:
    """The results of each of the project's surveys answered in the period, without free
    text (the report leaves the project). A few queries per survey, none per response."""
    answered = (
        Response.objects.filter(survey__project=project)
        .alias(answered_date=Coalesce("answered_on", TruncDate("submitted_at")))
        .filter(answered_date__gte=period.start, answered_date__lte=period.end)
        .values("survey_id")
    )
    surveys = Survey.objects.filter(project=project, pk__in=answered).order_by("name", "version")
    sections = []
    for survey in surveys:
        results = survey_results(
            survey,
            date_from=period.start,
            date_to=period.end,
            include_free_text=False,
            minimum=small.threshold,
        )
        rate = results.response_rate
        if rate is None:  # nobody asked, or withheld with the rest
            rate_text = DASH
        elif small.hides(rate.answered) or small.hides(rate.invited):
            rate_text = f"{count_cell(rate.answered, small).text(small)}/" + count_cell(
                rate.invited, small
            ).text(small)
        else:
            rate_text = rate.display()
        sections.append(
            SurveySection(
                results=results,
                questions=[_survey_question(q, small) for q in results.questions if not q.is_text],
                responses=str(TOO_FEW)
                if results.withheld
                else count_cell(results.responses, small).text(small),
                response_rate=rate_text,
                response_rate_note=rate.note if rate is not None else "",
            )
        )
    return sections


# --- Narrative -------------------------------------------------------------------------------


def final_narrative(project: Project) -> ProjectReport | None:
    """The project's final-report narrative: one per project, whatever period is shown."""
    return (
        ProjectReport.objects.filter(project=project, kind=ProjectReportKind.FINAL)
        .order_by("-updated_at", "-pk")
        .first()
    )


def interim_narrative(project: Project, period: Period) -> ProjectReport | None:
    return ProjectReport.objects.filter(
        project=project,
        kind=ProjectReportKind.INTERIM,
        period_start=period.start,
        period_end=period.end,
    ).first()


def interim_narratives_written(project: Project) -> set[date]:
    """The first days of the half-years whose interim narrative has been written."""
    return set(
        ProjectReport.objects.filter(project=project, kind=ProjectReportKind.INTERIM).values_list(
            "period_start", flat=True
        )
    )


def narrative_initial(project: Project, kind: str, period: Period) -> dict[str, str]:
    """What a new narrative starts from: the project's description for the final report; for
    an interim report the background, purpose, goals and method of the previous one, which
    stay much the same from one half-year to the next."""
    if kind == ProjectReportKind.FINAL:
        return {"description": project.description}
    previous = (
        ProjectReport.objects.filter(
            project=project, kind=ProjectReportKind.INTERIM, period_end__lt=period.start
        )
        .order_by("-period_start")
        .first()
    )
    if previous is None:
        return {"background": project.description}
    return {name: getattr(previous, name) for name in ("background", "purpose", "goals", "method")}


def sections_of(kind: str) -> list[str]:
    return FINAL_SECTIONS if kind == ProjectReportKind.FINAL else INTERIM_SECTIONS


# --- Contexts --------------------------------------------------------------------------------


def _tables(builders: dict[str, TableBuilder], project, period, small) -> dict[str, Table]:
    return {slug: build(project, period, small) for slug, build in builders.items()}


def final_report_context(project: Project, period: Period) -> dict:
    """Everything the final report's page and PDF show (`reports/_final_report_body.html`)."""
    small = SmallCells.of(project)
    statistics = figures.steps(figures.started_in(project, period))
    tables = _tables(
        {k: v for k, v in FINAL_TABLES.items() if k != "steps"}, project, period, small
    )
    tables["steps"] = steps_table(statistics, small)
    narrative = final_narrative(project)
    return {
        "project": project,
        "federation": project.federation,
        "period": period,
        "is_project_period": period == Period.of_project(project),
        "narrative": narrative,
        "description": (narrative.description if narrative else "") or project.description,
        "tables": {slug.replace("-", "_"): table for slug, table in tables.items()},
        "stats": statistics,
        "step_chart": distribution_chart(statistics),
        "surveys": survey_sections(project, period, small),
        "small_cells": small,
        "export_query": f"from={period.start:%Y-%m-%d}&to={period.end:%Y-%m-%d}",
    }


INTERIM_HEADINGS = [
    ("background", gettext_lazy("Background")),
    ("purpose", gettext_lazy("Purpose")),
    ("goals", gettext_lazy("Goals")),
    ("method", gettext_lazy("Method and strategy")),
]
ANALYSIS_QUESTIONS = [
    ("success_factors", gettext_lazy("Success factors and difficulties")),
    ("intake_and_handover", gettext_lazy("How do intake and hand-over work?")),
    ("goals_met", gettext_lazy("Will the goals be met?")),
]


def interim_report_context(project: Project, year: int, half: int) -> dict:
    """Everything the interim report's page and PDF show (`_interim_report_body.html`)."""
    period = Period.half_year(year, half)
    small = SmallCells.of(project)
    tables = _tables(INTERIM_TABLES, project, period, small)
    narrative = interim_narrative(project, period)
    return {
        "project": project,
        "federation": project.federation,
        "period": period,
        "year": year,
        "half": half,
        "narrative": narrative,
        "headings": [
            (label, getattr(narrative, name) if narrative else "")
            for name, label in INTERIM_HEADINGS
        ],
        "analysis": [
            (label, getattr(narrative, name) if narrative else "")
            for name, label in ANALYSIS_QUESTIONS
        ],
        "results_text": narrative.results if narrative else "",
        "tables": {slug.replace("-", "_"): table for slug, table in tables.items()},
        "small_cells": small,
        "export_query": f"year={year}&half={half}",
    }


def half_years(project: Project, today: date) -> list[tuple[int, int, Period]]:
    """Every half-year from the project's start up to the one holding today or the project's
    end, whichever comes first (at least the first half-year)."""
    last = min(today, project.end_date)
    year, half = project.start_date.year, 1 if project.start_date.month <= 6 else 2
    result = []
    while True:
        period = Period.half_year(year, half)
        if result and period.start > last:
            break
        result.append((year, half, period))
        if period.end >= last:
            break
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return result
