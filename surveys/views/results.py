"""A survey's results page and its CSV/XLSX export.

The project's coordinators see everything, free-text answers included; the federation's staff
see the aggregates only (a free-text question shows how many answered, never what): the
project permission "figures.view". For everyone, results of too few respondents are withheld
(`surveys.smallgroups`), on the page and in the export. Anyone else with a role in the
project gets 403; another federation's survey, a project the user has no role in, and a
built-in survey (never answered) are a 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from fokus import policy
from fokus.audit import log_access
from fokus.exports import FORMATS, table_response
from fokus.models import AccessAction
from surveys.charts import bar_chart
from surveys.forms.results import ResultFilterForm
from surveys.models import Survey
from surveys.results import SurveyResults
from surveys.results import survey_results as compute_results
from surveys.smallgroups import TOO_FEW, min_group_size


def _survey_for_results(request: HttpRequest, public_id) -> tuple[Survey, bool]:
    """The survey and whether the user may see its free-text answers (the coordinators; the
    federation's staff see aggregates only)."""
    policy.require_any_role(request.user)
    survey = get_object_or_404(
        Survey.objects.in_federation(request.user)
        .filter(project__isnull=False)
        .select_related("project"),
        public_id=public_id,
    )
    access = policy.project_access_for(request.user, survey.project, "figures.view")
    return survey, access.sees_individuals


def _filter_errors(form: ResultFilterForm) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


@login_required
@require_safe
def survey_results(request: HttpRequest, public_id) -> HttpResponse:
    survey, free_text = _survey_for_results(request, public_id)
    form = ResultFilterForm(request.GET or None, survey=survey)
    results, questions, status = None, [], 200
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else {}
        results = compute_results(survey, include_free_text=free_text, **filters)
        questions = [(result, bar_chart(result)) for result in results.questions]
        if free_text:
            # Free-text answers can hold personal data: their reading is traced.
            log_access(
                actor=request.user,
                action=AccessAction.VIEW,
                obj=survey,
                detail="results" + (f"; {form.describe()}" if form.is_bound else ""),
            )
    else:
        status = 400
    return render(
        request,
        "surveys/survey_results.html",
        {
            "survey": survey,
            "project": survey.project,
            "form": form,
            "filter_errors": _filter_errors(form) if status == 400 else [],
            "results": results,
            "questions": questions,
            "can_see_free_text": free_text,
            "min_group_size": min_group_size(),
            "query": request.GET.urlencode() if status == 200 else "",
        },
        status=status,
    )


EXPORT_HEADERS = (
    gettext_lazy("No."),
    gettext_lazy("Question"),
    gettext_lazy("Option or value"),
    gettext_lazy("Count"),
    gettext_lazy("Percent"),
    gettext_lazy("Answered"),
    gettext_lazy("Answer rate of the responses (per cent)"),
    gettext_lazy("Mean"),
    gettext_lazy("Median"),
)


def export_rows(results: SurveyResults) -> list[list]:
    """One row per question and option (or scale value), with the number who answered the
    question and their share of the responses; a scale's mean and median on each of its rows;
    a free-text question's number of answers, then — when the results include them —
    one row per answer with the text in the option column. What is withheld (too few answers,
    `surveys.smallgroups`) is one row saying so, for the whole survey or for the question."""
    width = len(EXPORT_HEADERS)
    if results.withheld:
        return [[None, None, str(TOO_FEW)] + [None] * (width - 3)]
    rows: list[list] = []
    for result in results.questions:
        question = result.question
        head = [question.position, question.text]
        if result.withheld:
            rows.append([*head, str(TOO_FEW)])
            continue
        if result.is_text:
            rows.append(
                [
                    *head,
                    _("Number of answers"),
                    result.answered,
                    None,
                    result.answered,
                    result.answered_percent,
                ]
            )
            rows.extend([*head, text] for text in result.texts or [])
            continue
        for option in result.options:
            rows.append(
                [
                    *head,
                    option.display,
                    option.count,
                    option.percent,
                    result.answered,
                    result.answered_percent,
                    result.mean,
                    result.median,
                ]
            )
    return [row + [None] * (width - len(row)) for row in rows]


@login_required
@require_safe
def survey_results_export(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    survey, free_text = _survey_for_results(request, public_id)
    if fmt not in FORMATS:
        raise Http404
    form = ResultFilterForm(request.GET or None, survey=survey)
    if form.is_bound and not form.is_valid():
        message = _("The filter could not be used: %(errors)s") % {
            "errors": " ".join(_filter_errors(form))
        }
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    filters = form.filters() if form.is_bound else {}
    results = compute_results(survey, include_free_text=free_text, **filters)
    log_access(
        actor=request.user,
        action=AccessAction.EXPORT,
        obj=survey,
        detail=f"results {fmt}"
        + ("" if free_text else "; aggregates only")
        + (f"; {form.describe()}" if form.is_bound else ""),
    )
    headers = [str(header) for header in EXPORT_HEADERS]
    stem = f"{slugify(_('Survey results'))}-{slugify(survey.name)}"
    return table_response(stem, headers, export_rows(results), fmt)
