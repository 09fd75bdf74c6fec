"""Fetching a participation for a view, by the one rule in `fokus.policy`: another
federation's or another project's participation is a 404, the wrong role in one's own project
a 403. Project pages use `fokus.policy.views.project_view` instead."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from fokus import policy
from participants.models import Enrolment


def enrolment_for(request: HttpRequest, public_id) -> Enrolment:
    policy.require_any_role(request.user)
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
    policy.project_access_for(request.user, enrolment.project, "participants.coordinate")
    return enrolment


def enrolment_for_reader(request: HttpRequest, public_id) -> tuple[Enrolment, bool]:
    """A participation the user may read, and whether they coordinate it. Case officers read
    the participations shared with their agency (see `EnrolmentQuerySet.shared_with_officer`);
    another agency's participant is a 404 to them, as another agency's referral is."""
    policy.require_any_role(request.user)
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
    policy.require_project(request.user, enrolment.project)
    if policy.enrolments.can_coordinate(request.user, enrolment):
        return enrolment, True
    if Enrolment.objects.shared_with_officer(request.user).filter(pk=enrolment.pk).exists():
        return enrolment, False
    if policy.case_officer_agency_ids(request.user):
        raise Http404
    raise PermissionDenied(_("Only the project's coordinators work with its participants."))
