"""Step-ladder figures of a start (cohort) and of a project: the distribution of current
steps, means per municipality, the share on steps 4–6 at exit, movement, and — for the
project's coordinators only — who went down.

The project permission "figures.view": the project's coordinators see everything; federation
staff and admins see the aggregates only (no names, `sees_individuals`); anyone else with a
role in the project gets 403, another federation or a project of no role of the user's 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from cohorts.models import Cohort
from fokus import policy
from fokus.audit import log_access
from fokus.models import AccessAction
from fokus.policy import ProjectAccess
from fokus.policy.views import project_view
from participants.models import Enrolment
from stepladder.charts_bar import distribution_chart
from stepladder.stats import step_statistics


def _render(request: HttpRequest, context: dict, enrolments, *, individuals: bool):
    statistics = step_statistics(enrolments, with_went_down=individuals)
    if individuals:
        # Names only for the project's coordinators; the aggregates alone are not logged.
        log_access(
            actor=request.user,
            action=AccessAction.VIEW,
            obj=context["cohort"] or context["project"],
            detail=f"step statistics: {len(statistics.went_down)} named, "
            f"{statistics.participants} counted",
        )
    context |= {
        "stats": statistics,
        "chart": distribution_chart(statistics),
        "can_see_individuals": individuals,
    }
    return render(request, "stepladder/steps_overview.html", context)


@login_required
@require_safe
def cohort_steps(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_any_role(request.user)
    # Starts are planning data, visible to every role of the federation; the figures are not.
    cohort = get_object_or_404(
        Cohort.objects.for_user(request.user).select_related("project", "municipality"), pk=pk
    )
    access = policy.project_access_for(request.user, cohort.project, "figures.view")
    individuals = access.sees_individuals
    enrolments = Enrolment.objects.in_federation(request.user).filter(cohort=cohort)
    return _render(
        request,
        {"project": cohort.project, "cohort": cohort, "cohorts": None},
        enrolments,
        individuals=individuals,
    )


@login_required
@require_safe
@project_view("figures.view")
def project_steps(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    individuals = access.sees_individuals
    enrolments = Enrolment.objects.in_federation(request.user).filter(project=project)
    cohorts = project.cohorts.select_related("municipality").order_by(
        "start_date", "municipality__name"
    )
    return _render(
        request,
        {"project": project, "cohort": None, "cohorts": list(cohorts)},
        enrolments,
        individuals=individuals,
    )
