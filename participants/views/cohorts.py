"""Planning pages: a project's starts (cohorts) with their programme shape and, for rolling
intake, yearly places per agency."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.forms import YearForm
from cohorts.models import Cohort
from fokus import conflicts, policy
from fokus.models import IntakeMode, Project
from fokus.policy import ProjectAccess
from fokus.policy.views import project_view
from fokus.services import federation_object_save
from participants import services
from participants.forms.cohorts import CohortForm, YearQuotaFormSet, year_quota_initial
from participants.models import Enrolment
from referrals import quota


@project_view("project.view")
def cohort_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    # The board counts every start's places in one aggregate query, the participations in
    # another.
    board = quota.cohort_board(project, today=timezone.localdate())
    # Counts only, so every role that sees the project's starts sees them.
    counts = (
        Enrolment.objects.in_federation(request.user).filter(project=project).counts_per_cohort()
    )
    none = {"enrolled": 0, "active": 0, "exited": 0}
    return render(
        request,
        "participants/cohort_list.html",
        {
            "project": project,
            "board": [(row, counts.get(row.cohort.pk, none)) for row in board],
            "can_manage": access.can("cohorts.manage"),
            "can_coordinate": access.can("participants.coordinate"),
            "can_see_steps": access.can("figures.view"),
            "rolling": project.intake_mode == IntakeMode.ROLLING,
        },
    )


def _cohort_form(request: HttpRequest, *, project: Project, cohort: Cohort | None):
    if request.method == "POST":
        form = CohortForm(request.POST, instance=cohort, project=project)
        if form.is_valid():
            values = dict(form.cleaned_data)
            version = values.pop("version")
            try:
                saved = federation_object_save(
                    actor=request.user,
                    model=Cohort,
                    owner={"project": project},
                    values=values,
                    pk=cohort.pk if cohort else None,
                    version=version,
                )
            except conflicts.ConflictError as conflict:
                conflicts.keep_for_second_save(form, conflict)
            else:
                messages.success(request, _("The start %(cohort)s was saved.") % {"cohort": saved})
                return redirect("participants:cohort-list", project.pk)
    else:
        form = CohortForm(instance=cohort, project=project)
    title = _("Change start") if cohort else _("New start")
    status = 400 if form.errors else 200
    if getattr(form, "conflict", None):
        status = conflicts.CONFLICT_STATUS
    return render(
        request,
        "participants/cohort_form.html",
        {"form": form, "project": project, "title": title},
        status=status,
    )


@project_view("cohorts.manage")
def cohort_create(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _cohort_form(request, project=access.project, cohort=None)


@login_required
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_any_role(request.user)
    cohort = get_object_or_404(
        Cohort.objects.for_user(request.user).select_related("project"), pk=pk
    )
    policy.project_access_for(request.user, cohort.project, "cohorts.manage")
    return _cohort_form(request, project=cohort.project, cohort=cohort)


@project_view("cohorts.manage")
def year_quota_edit(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
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
            )
            messages.success(request, _("The places for %(year)d were saved.") % {"year": year})
            return redirect(f"{request.path}?year={year}")
        status = 400
    else:
        formset = YearQuotaFormSet(initial=initial, agencies=agencies)
    context.update(year=year, year_form=year_form, formset=formset)
    return render(request, "participants/year_quota_form.html", context, status=status)
