"""Fetching what a view works on: a project the user may see, and a participation in the
user's federation whose project the user coordinates. Another federation's object is a 404,
the wrong role a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
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
    access.require_project(request.user, enrolment.project)
    if not permissions.can_coordinate(request.user, enrolment):
        raise PermissionDenied(_("Only the project's coordinators work with its participants."))
    return enrolment


def enrolment_for_reader(request: HttpRequest, public_id) -> tuple[Enrolment, bool]:
    """A participation the user may read, and whether they coordinate it. Case officers read
    the participations shared with their agency (see `EnrolmentQuerySet.shared_with_officer`);
    another agency's participant is a 404 to them, as another agency's referral is."""
    access.require_any_role(request.user)
    enrolment = get_object_or_404(
        Enrolment.objects.in_federation(request.user).select_related(
            "project",
            "cohort__municipality",
            "coordinator",
            "referral__home_municipality",
            "referral__referring_agency",
            "follow_up__recorded_by",
        ),
        public_id=public_id,
    )
    access.require_project(request.user, enrolment.project)
    if permissions.can_coordinate(request.user, enrolment):
        return enrolment, True
    if Enrolment.objects.shared_with_officer(request.user).filter(pk=enrolment.pk).exists():
        return enrolment, False
    if access.case_officer_agency_ids(request.user):
        raise Http404
    raise PermissionDenied(_("Only the project's coordinators work with its participants."))
