"""Step-ladder figures of a start (cohort) and of a project: the distribution of current
steps, means per municipality, the share on steps 4–6 at exit, movement, and — for the
project's coordinators only — who went down.

The project's coordinators see everything; federation staff and admins see the aggregates
only (no names); anyone else in the federation gets 403, another federation 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fokus import access
from fokus.models import Project
from participants.models import Cohort, Enrolment
from stepladder.charts_bar import distribution_chart
from stepladder.stats import step_statistics


def _sees_individuals(request: HttpRequest, project: Project) -> bool:
    """True for the project's coordinators, False for federation staff (aggregates only);
    anyone else may not see the figures at all. `project` is already in the user's
    federation."""
    if access.can_coordinate(request.user, project):
        return True
    if access.is_federation_staff(request.user):
        return False
    raise PermissionDenied(
        _("Only the project's coordinators and the federation's staff see these figures.")
    )


def _render(request: HttpRequest, context: dict, enrolments, *, individuals: bool):
    statistics = step_statistics(enrolments, with_went_down=individuals)
    context |= {
        "stats": statistics,
        "chart": distribution_chart(statistics),
        "can_see_individuals": individuals,
    }
    return render(request, "stepladder/steps_overview.html", context)


@login_required
@require_safe
def cohort_steps(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_any_role(request.user)
    # Starts are planning data, visible to every role of the federation; the figures are not.
    cohort = get_object_or_404(
        Cohort.objects.for_user(request.user).select_related("project", "municipality"), pk=pk
    )
    access.require_project(request.user, cohort.project)
    individuals = _sees_individuals(request, cohort.project)
    enrolments = Enrolment.objects.in_federation(request.user).filter(cohort=cohort)
    return _render(
        request,
        {"project": cohort.project, "cohort": cohort, "cohorts": None},
        enrolments,
        individuals=individuals,
    )


@login_required
@require_safe
def project_steps(request: HttpRequest, project_pk: int) -> HttpResponse:
    access.require_any_role(request.user)
    project = get_object_or_404(Project.objects.for_user(request.user), pk=project_pk)
    individuals = _sees_individuals(request, project)
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
