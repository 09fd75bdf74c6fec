from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fokus import access
from fokus.access import Role
from fokus.models import Membership, Project


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    access.require_any_role(request.user)
    projects = Project.objects.for_user(request.user).prefetch_related("municipalities")
    return render(
        request,
        "fokus/project_list.html",
        {"projects": projects, "can_create": access.is_federation_admin(request.user)},
    )


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_any_role(request.user)
    team = Membership.objects.filter(
        role__in=[Role.COORDINATOR, Role.CASE_GROUP_MEMBER], user__is_active=True
    ).select_related("user", "agency")
    project = get_object_or_404(
        Project.objects.for_user(request.user).prefetch_related(
            "municipalities", Prefetch("memberships", queryset=team, to_attr="team")
        ),
        pk=pk,
    )
    coordinators = [m for m in project.team if m.role == Role.COORDINATOR]
    case_group = sorted(
        (m for m in project.team if m.role == Role.CASE_GROUP_MEMBER),
        key=lambda m: (m.agency.name, m.is_substitute),
    )
    return render(
        request,
        "fokus/project_detail.html",
        {
            "project": project,
            "coordinators": coordinators,
            "case_group": case_group,
            "can_edit": access.can_manage_project_settings(request.user, project),
        },
    )
