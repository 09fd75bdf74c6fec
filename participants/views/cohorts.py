"""Planning pages: a project's starts (cohorts) with their programme shape and, for rolling
intake, yearly places per agency."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fokus import access
from fokus.models import IntakeMode, Project
from fokus.services import federation_object_save
from participants import services
from participants.forms.cohorts import CohortForm, YearForm, YearQuotaFormSet, year_quota_initial
from participants.models import Cohort, Enrolment
from participants.views.lookup import project_for as _project
from referrals import project_access, quota


def _participation_counts(project: Project) -> dict[int, dict[str, int]]:
    """Per start: how many have started (whatever their status now), are active, have exited.
    One aggregate query for all the project's starts."""
    Status = Enrolment.Status
    rows = (
        Enrolment.objects.filter(project=project)
        .exclude(cohort=None)
        .values("cohort_id")
        .annotate(
            enrolled=Count("id", filter=Q(enrolled_on__isnull=False)),
            active=Count("id", filter=Q(status=Status.ACTIVE)),
            exited=Count("id", filter=Q(status=Status.EXITED)),
        )
        .order_by()
    )
    return {row.pop("cohort_id"): row for row in rows}


@login_required
def cohort_list(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _project(request, project_pk)
    # The board counts every start's places in one aggregate query, the participations in
    # another.
    board = quota.cohort_board(project, today=timezone.localdate())
    counts = _participation_counts(project)
    none = {"enrolled": 0, "active": 0, "exited": 0}
    return render(
        request,
        "participants/cohort_list.html",
        {
            "project": project,
            "board": [(row, counts.get(row.cohort.pk, none)) for row in board],
            "can_manage": project_access.can_manage_cohorts(request.user, project),
            "can_coordinate": access.can_coordinate(request.user, project),
            "can_see_steps": access.can_coordinate(request.user, project)
            or access.is_federation_staff(request.user),
            "rolling": project.intake_mode == IntakeMode.ROLLING,
        },
    )


def _cohort_form(request: HttpRequest, *, project: Project, cohort: Cohort | None):
    if request.method == "POST":
        form = CohortForm(request.POST, instance=cohort, project=project)
        if form.is_valid():
            saved = federation_object_save(actor=request.user, form=form, request=request)
            messages.success(request, _("The start %(cohort)s was saved.") % {"cohort": saved})
            return redirect("participants:cohort-list", project.pk)
    else:
        form = CohortForm(instance=cohort, project=project)
    title = _("Change start") if cohort else _("New start")
    return render(
        request,
        "participants/cohort_form.html",
        {"form": form, "project": project, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
def cohort_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _project(request, project_pk)
    project_access.require(project_access.can_manage_cohorts(request.user, project))
    return _cohort_form(request, project=project, cohort=None)


@login_required
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_any_role(request.user)
    cohort = get_object_or_404(
        Cohort.objects.for_user(request.user).select_related("project"), pk=pk
    )
    access.require_project(request.user, cohort.project)
    project_access.require(project_access.can_manage_cohorts(request.user, cohort.project))
    return _cohort_form(request, project=cohort.project, cohort=cohort)


@login_required
def year_quota_edit(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _project(request, project_pk)
    project_access.require(project_access.can_manage_cohorts(request.user, project))
    context: dict = {"project": project, "rolling": project.intake_mode == IntakeMode.ROLLING}
    if not context["rolling"]:
        # Starts carry their own places; yearly places would never be counted.
        return render(request, "participants/year_quota_form.html", context)
    agencies = quota.referring_agencies(project)
    this_year = timezone.localdate().year
    source = request.POST if request.method == "POST" else request.GET
    year_form = YearForm(source if "year" in source else None, initial={"year": this_year})
    year = this_year
    status = 200
    if year_form.is_bound:
        if year_form.is_valid():
            year = year_form.cleaned_data["year"]
        else:
            status = 400
    initial = year_quota_initial(project, agencies, year)
    if request.method == "POST" and status == 200:
        formset = YearQuotaFormSet(request.POST, initial=initial, agencies=agencies)
        if formset.is_valid():
            services.year_quotas_save(
                actor=request.user,
                project=project,
                year=year,
                places_by_agency=formset.places_by_agency(),
                request=request,
            )
            messages.success(request, _("The places for %(year)d were saved.") % {"year": year})
            return redirect(f"{request.path}?year={year}")
        status = 400
    else:
        formset = YearQuotaFormSet(initial=initial, agencies=agencies)
    context.update(year=year, year_form=year_form, formset=formset)
    return render(request, "participants/year_quota_form.html", context, status=status)
