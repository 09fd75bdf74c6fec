"""Planning pages (a project's starts and, for rolling intake, yearly places) and the
participants: the list, the participant page, starting, extending and ending a participation,
and the follow-up 90 days after the end.

Participants are the project's coordinators' business. An enrolment is fetched in the user's
federation (another federation's: 404) and then the role is checked (the wrong role: 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fokus import access
from fokus.audit import log_access
from fokus.models import AccessAction, IntakeMode, Project
from fokus.services import federation_object_save
from participants import permissions, services
from participants.forms import (
    CohortForm,
    EnrolmentExitForm,
    EnrolmentExtendForm,
    EnrolmentStartForm,
    FollowUpForm,
    ParticipantFilterForm,
    YearForm,
    YearQuotaFormSet,
    year_quota_initial,
)
from participants.models import Cohort, Enrolment
from referrals import project_access, quota


def _project(request: HttpRequest, project_pk: int) -> Project:
    access.require_any_role(request.user)
    return get_object_or_404(Project.objects.for_user(request.user), pk=project_pk)


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


# --- Participants -------------------------------------------------------------------------------


def _enrolment(request: HttpRequest, public_id) -> Enrolment:
    access.require_any_role(request.user)
    enrolment = get_object_or_404(
        Enrolment.objects.in_federation(request.user).select_related(
            "project",
            "cohort__municipality",
            "coordinator",
            "referral__home_municipality",
            "follow_up__recorded_by",
        ),
        public_id=public_id,
    )
    if not permissions.can_coordinate(request.user, enrolment):
        raise PermissionDenied(_("Only the project's coordinators work with its participants."))
    return enrolment


@login_required
@require_safe
def participant_list(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _project(request, project_pk)
    project_access.require(access.can_coordinate(request.user, project))
    form = ParticipantFilterForm(request.GET or None, project=project)
    enrolments = (
        Enrolment.objects.for_user(request.user)
        .filter(project=project)
        .select_related("referral", "cohort__municipality", "coordinator", "follow_up")
        .order_by("cohort__start_date", "referral__name", "referral__alias", "pk")
    )
    status = 200
    if form.is_bound:
        if form.is_valid():
            if form.cleaned_data["cohort"]:
                enrolments = enrolments.filter(cohort=form.cleaned_data["cohort"])
            if form.cleaned_data["status"]:
                enrolments = enrolments.filter(status=form.cleaned_data["status"])
        else:
            enrolments, status = enrolments.none(), 400
    return render(
        request,
        "participants/participant_list.html",
        {"project": project, "form": form, "enrolments": enrolments},
        status=status,
    )


@login_required
@require_safe
def participant_detail(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = _enrolment(request, public_id)
    user = request.user
    log_access(actor=user, action=AccessAction.VIEW, obj=enrolment, request=request)
    follow_up = getattr(enrolment, "follow_up", None)
    return render(
        request,
        "participants/participant_detail.html",
        {
            "enrolment": enrolment,
            "referral": enrolment.referral,
            "extensions": enrolment.extensions.select_related("by"),
            "follow_up": follow_up,
            "follow_up_overdue": bool(follow_up and follow_up.is_overdue(timezone.localdate())),
            "can_see_details": permissions.can_see_details(user, enrolment),
            "can_start": permissions.can_start(user, enrolment),
            "can_extend": permissions.can_extend(user, enrolment),
            "can_exit": permissions.can_exit(user, enrolment),
            "can_record_follow_up": permissions.can_record_follow_up(user, enrolment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_start(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = _enrolment(request, public_id)
    if not permissions.can_start(request.user, enrolment):
        raise PermissionDenied(_("Only an accepted participation that has not started can start."))
    if request.method == "POST":
        form = EnrolmentStartForm(request.POST, enrolment=enrolment)
        if form.is_valid():
            try:
                services.enrolment_start(
                    actor=request.user, enrolment=enrolment, request=request, **form.cleaned_data
                )
            except services.EnrolmentError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The participation of %(name)s has started.") % {"name": enrolment}
                )
                return redirect("participants:participant-detail", enrolment.public_id)
    else:
        form = EnrolmentStartForm(
            enrolment=enrolment,
            initial={"coordinator": request.user.pk, "enrolled_on": timezone.localdate()},
        )
    return render(
        request,
        "participants/enrolment_start.html",
        {
            "enrolment": enrolment,
            "referral": enrolment.referral,
            "form": form,
            "period_months": enrolment.cohort.period_months if enrolment.cohort else 12,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_extend(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = _enrolment(request, public_id)
    if not permissions.can_extend(request.user, enrolment):
        raise PermissionDenied(_("Only an active participation can be extended."))
    current = enrolment.planned_exit_on
    if request.method == "POST":
        form = EnrolmentExtendForm(request.POST, current=current)
        if form.is_valid():
            try:
                services.enrolment_extend(
                    actor=request.user, enrolment=enrolment, request=request, **form.cleaned_data
                )
            except services.EnrolmentError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The planned exit date was moved."))
                return redirect("participants:participant-detail", enrolment.public_id)
    else:
        form = EnrolmentExtendForm(current=current)
    return render(
        request,
        "participants/enrolment_extend.html",
        {
            "enrolment": enrolment,
            "form": form,
            "extensions": enrolment.extensions.select_related("by"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_exit(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = _enrolment(request, public_id)
    if not permissions.can_exit(request.user, enrolment):
        raise PermissionDenied(_("Only an active participation can be ended."))
    if request.method == "POST":
        form = EnrolmentExitForm(request.POST)
        if form.is_valid():
            try:
                services.enrolment_exit(
                    actor=request.user, enrolment=enrolment, request=request, **form.cleaned_data
                )
            except services.EnrolmentError as error:
                # The service names the fields it refuses: each error shows at its field.
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The participation of %(name)s has ended.") % {"name": enrolment}
                )
                return redirect("participants:participant-detail", enrolment.public_id)
    else:
        form = EnrolmentExitForm(initial={"exited_on": timezone.localdate()})
    return render(
        request,
        "participants/enrolment_exit.html",
        {"enrolment": enrolment, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_record(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = _enrolment(request, public_id)
    if not permissions.can_record_follow_up(request.user, enrolment):
        raise PermissionDenied(_("Only an ended participation has a follow-up to record."))
    follow_up = enrolment.follow_up
    if request.method == "POST":
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.follow_up_record(
                    actor=request.user, follow_up=follow_up, request=request, **form.cleaned_data
                )
            except services.EnrolmentError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The follow-up was recorded."))
                return redirect("participants:participant-detail", enrolment.public_id)
    elif follow_up.done_on:
        # A correction starts from the answers given.
        form = FollowUpForm(
            initial={
                "done_on": follow_up.done_on,
                "self_sufficient": "yes" if follow_up.self_sufficient else "no",
                "income_source": follow_up.income_source,
                "occupation": follow_up.occupation,
                "comment": follow_up.comment,
            }
        )
    else:
        form = FollowUpForm(initial={"done_on": timezone.localdate()})
    return render(
        request,
        "participants/follow_up_record.html",
        {"enrolment": enrolment, "follow_up": follow_up, "form": form},
        status=400 if form.errors else 200,
    )
