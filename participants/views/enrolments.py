"""The participants: the list, the participant page, starting, extending and ending a
participation, and the follow-up 90 days after the end."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fokus import conflicts, policy
from fokus.audit import log_access
from fokus.models import AccessAction
from fokus.policy import ProjectAccess
from fokus.policy.views import project_view
from participants import attendance, plans, services
from participants.due import due_list
from participants.forms.enrolments import (
    EnrolmentExitForm,
    EnrolmentExtendForm,
    EnrolmentStartForm,
    FollowUpForm,
    ParticipantFilterForm,
)
from participants.models import Enrolment
from participants.panels import panel_context
from participants.timeline import timeline
from participants.views.lookup import enrolment_for as _enrolment
from participants.views.lookup import enrolment_for_reader


@require_safe
@project_view("participants.coordinate")
def participant_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
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
    enrolments = list(enrolments)
    log_access(
        actor=request.user,
        action=AccessAction.VIEW,
        obj=project,
        detail=f"participant list: {len(enrolments)} listed",
    )
    return render(
        request,
        "participants/participant_list.html",
        {"project": project, "form": form, "enrolments": enrolments},
        status=status,
    )


@login_required
@require_safe
def participant_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The participant page. Coordinators of the project get everything; a case officer whose
    agency referred the person, under a consent that covers it, gets the summary and the plan
    (not the coordinators' notes). Every opening is written to the access log."""
    enrolment, coordinates = enrolment_for_reader(request, public_id)
    user = request.user
    today = timezone.localdate()
    log_access(actor=user, action=AccessAction.VIEW, obj=enrolment)
    follow_up = getattr(enrolment, "follow_up", None)
    context = {
        "enrolment": enrolment,
        "referral": enrolment.referral,
        "follow_up": follow_up,
        "attendance": attendance.attendance_summary(enrolment),
        "goals": plans.current_goals(enrolment),
        **panel_context(user=user, enrolment=enrolment, today=today, coordinates=coordinates),
    }
    if not coordinates:
        return render(request, "participants/participant_officer.html", context)
    context.update(
        extensions=enrolment.extensions.select_related("by"),
        follow_up_overdue=bool(follow_up and follow_up.is_overdue(today)),
        due=due_list(Enrolment.objects.for_user(user).filter(pk=enrolment.pk), today),
        timeline=timeline(enrolment, editable=True),
        can_see_details=policy.enrolments.can_see_details(user, enrolment),
        can_start=policy.enrolments.can_start(user, enrolment),
        can_extend=policy.enrolments.can_extend(user, enrolment),
        can_exit=policy.enrolments.can_exit(user, enrolment),
        can_record_follow_up=policy.enrolments.can_record_follow_up(user, enrolment),
        can_record_meeting=policy.enrolments.can_record_meeting(user, enrolment),
    )
    return render(request, "participants/participant_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_start(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = _enrolment(request, public_id)
    if not policy.enrolments.can_start(request.user, enrolment):
        raise PermissionDenied(_("Only an accepted participation that has not started can start."))
    if request.method == "POST":
        form = EnrolmentStartForm(request.POST, enrolment=enrolment)
        if form.is_valid():
            try:
                services.enrolment_start(
                    actor=request.user, enrolment=enrolment, **form.cleaned_data
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
    if not policy.enrolments.can_extend(request.user, enrolment):
        raise PermissionDenied(_("Only an active participation can be extended."))
    current = enrolment.planned_exit_on
    if request.method == "POST":
        form = EnrolmentExtendForm(request.POST, current=current)
        if form.is_valid():
            try:
                services.enrolment_extend(
                    actor=request.user, enrolment=enrolment, **form.cleaned_data
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
    if not policy.enrolments.can_exit(request.user, enrolment):
        raise PermissionDenied(_("Only an active participation can be ended."))
    if request.method == "POST":
        form = EnrolmentExitForm(request.POST)
        if form.is_valid():
            try:
                services.enrolment_exit(
                    actor=request.user, enrolment=enrolment, **form.cleaned_data
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
    if not policy.enrolments.can_record_follow_up(request.user, enrolment):
        raise PermissionDenied(_("Only an ended participation has a follow-up to record."))
    follow_up = enrolment.follow_up
    if request.method == "POST":
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.follow_up_record(
                    actor=request.user, follow_up=follow_up, **form.cleaned_data
                )
            except conflicts.ConflictError as conflict:
                conflicts.keep_for_second_save(form, conflict)
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
                "version": follow_up.edit_version,
            }
        )
    else:
        form = FollowUpForm(
            initial={"done_on": timezone.localdate(), "version": follow_up.edit_version}
        )
    status = 400 if form.errors else 200
    if getattr(form, "conflict", None):
        status = conflicts.CONFLICT_STATUS
    return render(
        request,
        "participants/follow_up_record.html",
        {"enrolment": enrolment, "follow_up": follow_up, "form": form},
        status=status,
    )
