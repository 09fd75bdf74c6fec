"""The minutes of an ärendemöte: the decisions taken at it, read from the status history."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fokus.audit import log_access
from fokus.models import AccessAction
from referrals.models import (
    CaseGroupMeeting,
    Consultation,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)
from referrals.views.fetching import reviewer_meeting


@dataclass
class MinutesLine:
    flagged: bool
    agency: str
    display_name: str = ""
    decision: str = ""
    outcome: str = ""
    comment: str = ""
    decided_by: str = ""
    decided_at: object = None


_ACCEPTED = {ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED, ReferralStatus.EXITED}


DECISION_STATUSES = [ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.WAIT_LISTED]


def decisions_at(user, meeting: CaseGroupMeeting):
    """The decisions taken at the meeting, in order, for referrals the user may see: read from
    the status history, so a later decision at another meeting does not rewrite these."""
    return (
        meeting.decisions.filter(
            status__in=DECISION_STATUSES,
            referral__in=Referral.objects.for_user(user),
        )
        .select_related("referral__referring_agency", "cohort__municipality", "by")
        .order_by("at", "pk")
    )


def minutes_line(change: ReferralStatusChange) -> MinutesLine:
    referral = change.referral
    line = MinutesLine(
        flagged=referral.status == ReferralStatus.CONSENT_WITHDRAWN,
        agency=referral.referring_agency.name,
    )
    if line.flagged:
        return line
    line.display_name = referral.display_name
    line.decided_by = str(change.by or "")
    line.decided_at = change.at
    line.comment = change.comment
    if change.status == ReferralStatus.ACCEPTED:
        line.decision = _("Accepted")
        line.outcome = str(change.cohort or "")
    elif change.status == ReferralStatus.DECLINED:
        line.decision = _("Declined")
        line.outcome = change.get_decline_reason_display()
    else:
        line.decision = _("Wait-listed")
    return line


@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reviewer_meeting(request, pk)
    decided = decisions_at(request.user, meeting)
    consultations = (
        Consultation.objects.for_user(request.user)
        .filter(meeting=meeting)
        .select_related("raised_by_agency")
    )
    log_access(
        actor=request.user,
        action=AccessAction.VIEW,
        obj=meeting,
        federation_id=meeting.project.federation_id,
        detail="minutes",
    )
    return render(
        request,
        "referrals/meeting_minutes.html",
        {
            "project": meeting.project,
            "meeting": meeting,
            "lines": [minutes_line(r) for r in decided],
            "consultations": consultations,
            "attendees": meeting.attendees.order_by("full_name"),
        },
    )
