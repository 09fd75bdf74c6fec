"""The case officer's view of the participants shared with their agency (DOMAIN §9): those
their agency referred, under a consent in force that covers the agency."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fokus import policy
from fokus.audit import log_access
from fokus.models import AccessAction
from participants.models import Enrolment


@login_required
@require_safe
def officer_participant_list(request: HttpRequest) -> HttpResponse:
    if not policy.case_officer_agency_ids(request.user):
        raise PermissionDenied(_("This page is for the agencies' case officers."))
    enrolments = list(
        Enrolment.objects.shared_with_officer(request.user)
        .select_related(
            "project", "referral__referring_agency", "cohort__municipality", "coordinator"
        )
        .order_by("project__name", "referral__name", "referral__alias", "pk")
    )
    log_access(
        actor=request.user,
        action=AccessAction.VIEW,
        detail=f"my participants: {len(enrolments)} listed",
    )
    return render(request, "participants/officer_participant_list.html", {"enrolments": enrolments})
