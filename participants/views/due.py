"""The coordinators' due list for a project: overdue and upcoming, filterable."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from fokus.audit import log_access
from fokus.models import AccessAction
from fokus.policy import ProjectAccess
from fokus.policy.views import project_view
from participants.due import due_list as compute_due_list
from participants.forms.due import DueFilterForm
from participants.models import Enrolment


@require_safe
@project_view("participants.coordinate")
def due_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    today = timezone.localdate()
    form = DueFilterForm(request.GET or None, project=project)
    enrolments = Enrolment.objects.for_user(request.user).filter(project=project)
    status = 200
    if form.is_bound:
        if form.is_valid():
            enrolments = form.apply(enrolments)
        else:
            enrolments, status = enrolments.none(), 400
    due = compute_due_list(enrolments, today)
    log_access(
        actor=request.user,
        action=AccessAction.VIEW,
        obj=project,
        detail=f"due list: {len(due.overdue)} overdue, {len(due.upcoming)} upcoming",
    )
    return render(
        request,
        "participants/due_list.html",
        {
            "project": project,
            "form": form,
            "due": due,
            "today": today,
        },
        status=status,
    )
