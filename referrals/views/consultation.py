"""Consultation-only cases: an agency asks the ärendegrupp for advice about a situation,
without a referral and without the person's identity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fokus import policy
from fokus.models import Agency, Project
from fokus.policy import ProjectAccess
from fokus.policy import views as policy_views
from fokus.policy.views import project_view
from referrals import meetings as meeting_services
from referrals.forms.meeting import AdviceForm, ConsultationForm
from referrals.models import Consultation
from referrals.views.meeting import meeting_queryset, render_meeting


def render_consultation_list(
    request: HttpRequest,
    project: Project,
    *,
    status: int = 200,
    error: str = "",
    failed: tuple[int, AdviceForm] | None = None,
) -> HttpResponse:
    user = request.user
    access = policy.ProjectAccess(user, project)
    can_advise = access.can("referrals.review")
    meetings = list(meeting_queryset(project)) if can_advise else []
    rows = []
    for consultation in (
        Consultation.objects.for_user(user)
        .filter(project=project)
        .select_related("raised_by_agency", "meeting")
        .order_by("-created_at")
    ):
        form = None
        if can_advise:
            if failed and failed[0] == consultation.pk:
                form = failed[1]
            else:
                form = AdviceForm(
                    meetings=meetings,
                    initial={"advice": consultation.advice},
                    auto_id=f"a{consultation.pk}_%s",
                )
        row_error = error if failed and failed[0] == consultation.pk else ""
        rows.append((consultation, form, row_error))
    return render(
        request,
        "referrals/consultation_list.html",
        {
            "project": project,
            "rows": rows,
            "error": error,
            "can_raise": access.can("consultations.raise"),
            "can_see_meetings": can_advise,
        },
        status=status,
    )


@project_view("consultations.view")
def consultation_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return render_consultation_list(request, access.project)


@project_view("consultations.raise")
def consultation_create(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    agency_ids = access.consultation_agency_ids
    agencies = list(
        Agency.objects.filter(federation_id=project.federation_id, pk__in=agency_ids).order_by(
            "name"
        )
    )
    upcoming = list(
        meeting_queryset(project).filter(date__gte=timezone.localdate()).order_by("date", "time")
    )
    kwargs = {"project": project, "agencies": agencies, "meetings": upcoming}
    if request.method == "POST":
        form = ConsultationForm(request.POST, **kwargs)
        if form.is_valid():
            consultation = meeting_services.consultation_create(
                actor=request.user,
                project=project,
                agency=form.chosen_agency(),
                summary=form.cleaned_data["summary"],
                question=form.cleaned_data["question"],
                meeting=form.cleaned_data["meeting"],
            )
            messages.success(request, _("The case was raised for advice."))
            if consultation.meeting_id and access.can("referrals.review"):
                return redirect("referrals:meeting-detail", consultation.meeting_id)
            return redirect("referrals:consultation-list", project.pk)
    else:
        form = ConsultationForm(**kwargs)
    return render(
        request,
        "referrals/consultation_form.html",
        {"form": form, "project": project},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def consultation_advice(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_any_role(request.user)
    consultation = policy_views.object_or_refusal(
        Consultation.objects.for_user(request.user).select_related("project"),
        user=request.user,
        refusal=_("Only the project's ärendegrupp records advice."),
        pk=pk,
    )
    project = policy.project_access_for(
        request.user, consultation.project, "referrals.review"
    ).project
    form = AdviceForm(
        request.POST, meetings=list(meeting_queryset(project)), auto_id=f"a{consultation.pk}_%s"
    )
    if not form.is_valid():
        message = (
            form.errors["next"][0]
            if "next" in form.errors
            else _("The advice was not saved. Correct the marked field.")
        )
        page = form.next_meeting()
        if page is not None:
            return render_meeting(
                request,
                page,
                status=400,
                error=message,
                failed=("advice", consultation.pk, form),
            )
        return render_consultation_list(
            request, project, status=400, error=message, failed=(consultation.pk, form)
        )
    meeting_services.consultation_advise(
        actor=request.user,
        consultation=consultation,
        advice=form.cleaned_data["advice"],
    )
    messages.success(request, _("The group's advice was saved."))
    page = form.next_meeting()
    if page is not None:
        return redirect("referrals:meeting-detail", page.pk)
    return redirect("referrals:consultation-list", project.pk)
