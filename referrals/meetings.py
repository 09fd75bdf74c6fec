"""The ärendegrupp's writes: meetings and their queue, decisions taken at a meeting, and
consultations. Each runs in a transaction and writes the access log; the referral's own state
changes go through `referrals.services`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from fokus.audit import log_access
from fokus.models import AccessAction, Agency, Project, User
from referrals import services
from referrals.models import (
    DECIDABLE_STATUSES,
    CaseGroupMeeting,
    Consultation,
    Referral,
    ReferralStatus,
)
from referrals.services import ReferralError


def _lock_project(project_id: int) -> None:
    # The same lock submissions and decisions take (referrals.services), so a referral
    # submitted while a meeting is created is queued exactly once.
    Project.objects.select_for_update().only("pk").get(pk=project_id)


def waiting_for_meeting(project: Project, *, today: date) -> QuerySet[Referral]:
    """Submitted referrals with no meeting, or left undecided by a meeting that has passed."""
    return Referral.objects.filter(project=project, status=ReferralStatus.SUBMITTED).filter(
        Q(meeting=None) | Q(meeting__date__lt=today)
    )


@transaction.atomic(savepoint=False)  # one UPDATE; free inside meeting_create's transaction
def queue_waiting_referrals(*, project: Project, today: date) -> int:
    """Put every waiting referral on the next upcoming meeting; returns how many moved."""
    meeting = services.next_meeting(project, today=today)
    if meeting is None:
        return 0
    return waiting_for_meeting(project, today=today).update(
        meeting=meeting, updated_at=timezone.now()
    )


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    project: Project,
    date: date,
    time: time | None = None,
    location: str = "",
    today: date | None = None,
) -> tuple[CaseGroupMeeting, int]:
    """Book an ärendemöte; every referral waiting for a meeting is queued on the next one.
    Returns the meeting and how many referrals were queued."""
    today = today or timezone.localdate()
    _lock_project(project.pk)
    meeting = CaseGroupMeeting.objects.create(
        project=project, date=date, time=time, location=location.strip()
    )
    queued = queue_waiting_referrals(project=project, today=today)
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=meeting,
        federation_id=project.federation_id,
        detail=f"{queued} referrals queued",
    )
    return meeting, queued


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: CaseGroupMeeting,
    date: date,
    time: time | None,
    location: str,
    attendees: Iterable[User],
    notes: str,
    today: date | None = None,
) -> tuple[CaseGroupMeeting, int]:
    """Save the meeting; a date moved into the past sends its undecided referrals on."""
    today = today or timezone.localdate()
    project = meeting.project
    _lock_project(project.pk)
    meeting = CaseGroupMeeting.objects.get(pk=meeting.pk, project=project)
    attendees = list(attendees)
    values = {"date": date, "time": time, "location": location.strip(), "notes": notes}
    changed = [name for name, value in values.items() if getattr(meeting, name) != value]
    if {u.pk for u in attendees} != set(meeting.attendees.values_list("pk", flat=True)):
        changed.append("attendees")
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.save()
    meeting.attendees.set(attendees)
    queued = queue_waiting_referrals(project=project, today=today)
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=meeting,
        federation_id=project.federation_id,
        detail=", ".join(sorted(changed)),
    )
    return meeting, queued


@transaction.atomic
def referral_move(
    *,
    actor: User,
    referral: Referral,
    meeting: CaseGroupMeeting,
) -> Referral:
    referral = services.referral_move_to_meeting(actor=actor, referral=referral, meeting=meeting)
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=referral,
        detail=f"moved to meeting {meeting.date:%Y-%m-%d}",
    )
    return referral


@transaction.atomic
def referral_decide_at_meeting(
    *,
    actor: User,
    referral: Referral,
    meeting: CaseGroupMeeting,
    decision: str,
    cohort: Cohort | None = None,
    reason: str = "",
    comment: str = "",
) -> Referral:
    """Record the decision as taken at `meeting`: the minutes list the decisions of the
    meeting they were taken at, so a referral decided early or from the wait list is moved
    there first. A refused decision rolls the move back with it."""
    if meeting.project_id != referral.project_id:
        raise ReferralError(_("The meeting belongs to another project."))
    _lock_project(referral.project_id)
    Referral.objects.filter(pk=referral.pk, status__in=DECIDABLE_STATUSES).exclude(
        meeting=meeting
    ).update(meeting=meeting)
    return services.referral_decide(
        actor=actor,
        referral=referral,
        decision=decision,
        cohort=cohort,
        reason=reason,
        comment=comment,
        meeting=meeting,
    )


@transaction.atomic
def consultation_create(
    *,
    actor: User,
    project: Project,
    agency: Agency,
    summary: str,
    question: str,
    meeting: CaseGroupMeeting | None = None,
) -> Consultation:
    """Raise an anonymised case with the ärendegrupp for advice, optionally at a meeting."""
    if meeting is not None and meeting.project_id != project.pk:
        raise ReferralError(_("The meeting belongs to another project."))
    consultation = Consultation.objects.create(
        project=project,
        raised_by=actor,
        raised_by_agency=agency,
        summary=summary.strip(),
        question=question.strip(),
        meeting=meeting,
    )
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=consultation,
        federation_id=project.federation_id,
    )
    return consultation


@transaction.atomic
def consultation_advise(
    *,
    actor: User,
    consultation: Consultation,
    advice: str,
) -> Consultation:
    consultation.advice = advice.strip()
    consultation.save(update_fields=["advice"])
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=consultation,
        federation_id=consultation.project.federation_id,
        detail="advice",
    )
    return consultation
