"""The minutes of an ärendemöte: the decisions taken at it, read from the status history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from fokus import policy
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
        .select_related(
            "referral__referring_agency",
            "referral__home_municipality",
            "cohort__municipality",
            "by",
        )
        .order_by("at", "pk")
    )


def summary_label(referral: Referral) -> str:
    """What names a referral whose details the reader no longer sees
    (`policy.referrals.case_group_sees_full`): birth year and municipality, no name."""
    parts = [str(referral.home_municipality or "")]
    if referral.known_birth_year:
        parts.insert(0, _("born %(year)s") % {"year": referral.known_birth_year})
    return _("Summary: %(parts)s") % {"parts": ", ".join(p for p in parts if p) or "–"}


def minutes_line(change: ReferralStatusChange, *, user, today: date) -> MinutesLine:
    referral = change.referral
    line = MinutesLine(
        flagged=referral.status == ReferralStatus.CONSENT_WITHDRAWN,
        agency=referral.referring_agency.name,
    )
    if line.flagged:
        return line
    full = policy.referrals.case_group_sees_full(user, referral, today)
    line.display_name = referral.display_name if full else summary_label(referral)
    line.decided_by = str(change.by or "")
    line.decided_at = change.at
    # The decision's comment is free text: only while the whole referral is shown.
    line.comment = change.comment if full else ""
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
            "lines": [
                minutes_line(r, user=request.user, today=timezone.localdate()) for r in decided
            ],
            "consultations": consultations,
            "attendees": meeting.attendees.order_by("full_name"),
        },
    )
