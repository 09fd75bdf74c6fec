"""Fetching what a view works on: a project the user may see, and a participation in the
user's federation whose project the user coordinates. Another federation's object is a 404,
the wrong role a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from fokus import access
from fokus.models import Project
from participants import permissions
from participants.models import Enrolment


def project_for(request: HttpRequest, project_pk: int) -> Project:
    access.require_any_role(request.user)
    return get_object_or_404(Project.objects.for_user(request.user), pk=project_pk)


def enrolment_for(request: HttpRequest, public_id) -> Enrolment:
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
