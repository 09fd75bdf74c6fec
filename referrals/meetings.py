"""The ärendegrupp's writes: meetings and their queue, decisions taken at a meeting, and
consultations. Each runs in a transaction and writes the access log; the referral's own state
changes go through `referrals.services`."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms import ModelForm
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
def queue_waiting_referrals(project: Project, *, today: date) -> int:
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
    form: ModelForm,
    today: date | None = None,
) -> tuple[CaseGroupMeeting, int]:
    today = today or timezone.localdate()
    _lock_project(project.pk)
    meeting = form.save(commit=False)
    meeting.project = project
    meeting.save()
    form.save_m2m()
    queued = queue_waiting_referrals(project, today=today)
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
    form: ModelForm,
    today: date | None = None,
) -> tuple[CaseGroupMeeting, int]:
    """Save the meeting; a date moved into the past sends its undecided referrals on."""
    today = today or timezone.localdate()
    project = form.instance.project
    _lock_project(project.pk)
    meeting = form.save()
    queued = queue_waiting_referrals(project, today=today)
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=meeting,
        federation_id=project.federation_id,
        detail=", ".join(sorted(form.changed_data)),
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
    form: ModelForm,
) -> Consultation:
    consultation = form.save(commit=False)
    consultation.project = project
    consultation.raised_by = actor
    consultation.raised_by_agency = agency
    consultation.save()
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
