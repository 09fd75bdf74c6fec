"""Fetching what the ärendegrupp's pages work on, by the one rule in `fokus.policy`."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from fokus import policy
from fokus.models import Project
from fokus.policy import views as policy_views
from referrals.models import CaseGroupMeeting


def reviewer_project(request: HttpRequest, project_pk: int) -> Project:
    """The project, if the user is one of its coordinators or ärendegrupp members."""
    return policy_views.project_access(request, project_pk, "referrals.review").project


def reviewer_meeting(request: HttpRequest, pk: int) -> CaseGroupMeeting:
    """A meeting of a project the user reviews (the one rule: `fokus.policy`)."""
    policy.require_any_role(request.user)
    return policy_views.object_or_refusal(
        CaseGroupMeeting.objects.for_user(request.user).select_related("project"),
        user=request.user,
        refusal=_("Only the project's coordinators and ärendegrupp see meetings."),
        pk=pk,
    )
