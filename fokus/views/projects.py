from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fokus import policy
from fokus.models import IntakeMode, Project
from fokus.policy import ProjectAccess
from fokus.policy.views import project_view
from fokus.roles import Role


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    policy.require_any_role(request.user)
    projects = Project.objects.for_user(request.user).prefetch_related("municipalities")
    return render(
        request,
        "fokus/project_list.html",
        {"projects": projects, "can_create": policy.is_federation_admin(request.user)},
    )


@project_view("project.view", url_kwarg="pk")
def project_detail(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    team = list(
        project.memberships.filter(
            role__in=[Role.COORDINATOR, Role.CASE_GROUP_MEMBER], user__is_active=True
        ).select_related("user", "agency")
    )
    coordinators = [m for m in team if m.role == Role.COORDINATOR]
    case_group = sorted(
        (m for m in team if m.role == Role.CASE_GROUP_MEMBER),
        key=lambda m: (m.agency.name, m.is_substitute),
    )
    manages_cohorts = access.can("cohorts.manage")
    return render(
        request,
        "fokus/project_detail.html",
        {
            "project": project,
            "coordinators": coordinators,
            "case_group": case_group,
            "can_edit": access.can("project.settings"),
            # Links to the planning and ärendegrupp pages, each shown only to who may use it.
            "can_see_cohorts": True,  # everyone who sees the project sees its starts
            "can_manage_cohorts": manages_cohorts,
            "can_edit_year_quotas": manages_cohorts and project.intake_mode == IntakeMode.ROLLING,
            "can_see_quota_board": access.can("referrals.review"),
            "can_use_meetings": access.can("referrals.review"),
            "can_see_consultations": access.can("consultations.view"),
            "can_raise_consultation": access.can("consultations.raise"),
            "can_see_counts": access.can("referrals.counts"),
            "can_see_participants": access.can("participants.coordinate"),
            # Step statistics and reports: everything for coordinators, aggregates for staff.
            "can_see_steps": access.can("figures.view"),
            "can_set_ladder": access.can("project.settings"),
            "can_see_reports": access.can("figures.view"),
            "can_import": access.can("imports.run"),
        },
    )
