"""Consultation-only cases: an agency asks the ärendegrupp for advice about a situation,
without a referral and without the person's identity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fokus import access
from fokus.models import Agency, Project
from referrals import meetings as meeting_services
from referrals import project_access
from referrals.forms.meeting import AdviceForm, ConsultationForm
from referrals.models import Consultation
from referrals.views.meeting import meeting_queryset, render_meeting


def _visible_project(request: HttpRequest, project_pk: int) -> Project:
    access.require_any_role(request.user)
    return get_object_or_404(Project.objects.for_user(request.user), pk=project_pk)


def render_consultation_list(
    request: HttpRequest,
    project: Project,
    *,
    status: int = 200,
    error: str = "",
    failed: tuple[int, AdviceForm] | None = None,
) -> HttpResponse:
    user = request.user
    can_advise = project_access.is_reviewer(user, project)
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
            "can_raise": project_access.can_raise_consultation(user, project),
            "can_see_meetings": can_advise,
        },
        status=status,
    )


@login_required
def consultation_list(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _visible_project(request, project_pk)
    project_access.require(project_access.can_see_consultations(request.user, project))
    return render_consultation_list(request, project)


@login_required
def consultation_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _visible_project(request, project_pk)
    agency_ids = project_access.consultation_agency_ids(request.user, project)
    project_access.require(bool(agency_ids))
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
                form=form,
                request=request,
            )
            messages.success(request, _("The case was raised for advice."))
            if consultation.meeting_id and project_access.is_reviewer(request.user, project):
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
    access.require_any_role(request.user)
    consultation = (
        Consultation.objects.for_user(request.user).select_related("project").filter(pk=pk).first()
    )
    if consultation is None:
        visible = Project.objects.for_user(request.user)
        if Consultation.objects.filter(pk=pk, project__in=visible).exists():
            raise PermissionDenied(_("Only the project's ärendegrupp records advice."))
        raise Http404
    project = consultation.project
    project_access.require(project_access.is_reviewer(request.user, project))
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
        request=request,
    )
    messages.success(request, _("The group's advice was saved."))
    page = form.next_meeting()
    if page is not None:
        return redirect("referrals:meeting-detail", page.pk)
    return redirect("referrals:consultation-list", project.pk)
