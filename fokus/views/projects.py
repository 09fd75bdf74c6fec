from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fokus import access
from fokus.access import Role
from fokus.models import IntakeMode, Membership, Project
from referrals import project_access


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
    user = request.user
    reviewer = project_access.is_reviewer(user, project)
    manages_cohorts = project_access.can_manage_cohorts(user, project)
    return render(
        request,
        "fokus/project_detail.html",
        {
            "project": project,
            "coordinators": coordinators,
            "case_group": case_group,
            "can_edit": access.can_manage_project_settings(user, project),
            # Links to the planning and ärendegrupp pages, each shown only to who may use it.
            "can_see_cohorts": True,  # everyone who sees the project sees its starts
            "can_manage_cohorts": manages_cohorts,
            "can_edit_year_quotas": manages_cohorts and project.intake_mode == IntakeMode.ROLLING,
            "can_see_quota_board": reviewer,
            "can_use_meetings": reviewer,
            "can_see_consultations": project_access.can_see_consultations(user, project),
            "can_raise_consultation": project_access.can_raise_consultation(user, project),
            "can_see_counts": project_access.can_see_counts(user, project),
            "can_see_participants": access.can_coordinate(user, project),
            # Step statistics: aggregates for the federation's staff, everything for coordinators.
            "can_see_steps": access.can_coordinate(user, project)
            or access.is_federation_staff(user),
            "can_set_ladder": access.can_manage_project_settings(user, project),
            # Final and interim reports: the project's coordinators and the federation's staff.
            "can_see_reports": access.can_coordinate(user, project)
            or access.is_federation_staff(user),
        },
    )
