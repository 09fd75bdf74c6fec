"""Every change of a referral's state: submit, withdraw, decide, consent and its withdrawal.

Each runs in a transaction, records the status history, writes the access log and tells the
referring officer by an e-mail holding no personal data.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from fokus import request_context
from fokus.audit import log_access
from fokus.models import AccessAction, Project, User
from referrals import eligibility, quota, signals
from referrals.models import (
    DECIDABLE_STATUSES,
    OPEN_STATUSES,
    PLACE_HOLDING_STATUSES,
    CaseGroupMeeting,
    Consent,
    DeclineReason,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)


class ReferralError(ValidationError):
    """A rule refused the change; the message is for the user."""


def _record(referral: Referral, *, actor: User | None, note: str = "", **decision) -> None:
    ReferralStatusChange.objects.create(
        referral=referral, status=referral.status, by=actor, note=note[:500], **decision
    )


def notify_officer(referral: Referral) -> None:
    """Tell the referring officer that something happened, with a link and nothing else:
    no name, no personnummer, not even the project (which can reveal a diagnosis)."""
    path = reverse("referrals:referral-detail", args=[referral.public_id])
    link = request_context.current().absolute_url(path)
    recipient = referral.created_by.email
    transaction.on_commit(
        lambda: send_mail(
            subject=_("A referral from your agency has a new status"),
            message=_(
                "A referral you submitted in Fokus has changed status.\n\n"
                "Log in to see it:\n%(link)s\n\n"
                "This message contains no personal data."
            )
            % {"link": link},
            from_email=None,
            recipient_list=[recipient],
        )
    )


def next_meeting(project: Project, *, today: date) -> CaseGroupMeeting | None:
    return (
        CaseGroupMeeting.objects.filter(project=project, date__gte=today)
        .order_by("date", "time")
        .first()
    )


def duplicate_exists(referral: Referral) -> bool:
    """Another open referral or participation of the same person in the same project."""
    if not referral.personnummer:
        return False
    return (
        Referral.objects.filter(
            project_id=referral.project_id,
            personnummer=referral.personnummer,
            status__in=OPEN_STATUSES,
        )
        .exclude(pk=referral.pk)
        .exists()
    )


def _lock_project(project_id: int) -> None:
    # Every submission and decision of a project takes this lock, so quota counts and the
    # duplicate check cannot be overtaken by a concurrent booking.
    Project.objects.select_for_update().only("pk").get(pk=project_id)


@dataclass
class SubmitResult:
    referral: Referral
    warnings: list[str]


@transaction.atomic
def referral_submit(
    *,
    actor: User,
    referral: Referral,
    today: date | None = None,
) -> SubmitResult:
    today = today or timezone.localdate()
    _lock_project(referral.project_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.DRAFT:
        raise ReferralError(_("Only a draft can be submitted."))
    result = eligibility.check(referral, today=today)
    if not result.ok:
        raise ReferralError(result.hard)
    if result.soft and not referral.eligibility_comment.strip():
        raise ReferralError(
            [
                *result.soft,
                _("Explain in the comment field why the person should take part anyway."),
            ]
        )
    if duplicate_exists(referral):
        raise ReferralError(
            _(
                "This person already has a referral to or a place in this project. A second "
                "referral cannot be submitted; contact the project's coordinator."
            )
        )
    message = quota.check_bookable(referral, cohort=referral.cohort, today=today)
    if message:
        raise ReferralError(message)
    referral.status = ReferralStatus.SUBMITTED
    referral.submitted_at = timezone.now()
    referral.meeting = next_meeting(referral.project, today=today)
    referral.save()
    _record(referral, actor=actor)
    log_access(actor=actor, action=AccessAction.CHANGE, obj=referral, detail="submitted")
    notify_officer(referral)
    return SubmitResult(referral=referral, warnings=result.soft)


@transaction.atomic
def referral_withdraw(*, actor: User, referral: Referral, reason: str) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in DECIDABLE_STATUSES:
        raise ReferralError(_("Only a referral that has not been decided can be withdrawn."))
    if not reason.strip():
        raise ReferralError(_("Give a reason for withdrawing the referral."))
    referral.status = ReferralStatus.WITHDRAWN
    referral.withdrawal_reason = reason.strip()
    referral.save()
    _record(referral, actor=actor, note=reason)
    log_access(actor=actor, action=AccessAction.CHANGE, obj=referral, detail="withdrawn")
    notify_officer(referral)
    return referral


@transaction.atomic
def referral_move_to_meeting(
    *, actor: User, referral: Referral, meeting: CaseGroupMeeting | None
) -> Referral:
    if meeting is not None and meeting.project_id != referral.project_id:
        raise ReferralError(_("The meeting belongs to another project."))
    if referral.status not in DECIDABLE_STATUSES:
        raise ReferralError(_("Only referrals waiting for a decision can be moved."))
    referral.meeting = meeting
    referral.save(update_fields=["meeting", "updated_at"])
    return referral


class Decision:
    ACCEPT = "accept"
    DECLINE = "decline"
    WAIT_LIST = "wait_list"


@transaction.atomic
def referral_decide(
    *,
    actor: User,
    referral: Referral,
    decision: str,
    cohort: Cohort | None = None,
    reason: str = "",
    comment: str = "",
    meeting: CaseGroupMeeting | None = None,
    today: date | None = None,
) -> Referral:
    """Record the ärendegrupp's decision (taken at `meeting`, when given). Accepting sends
    `referral_accepted`, on which participants opens the participation record."""
    today = today or timezone.localdate()
    _lock_project(referral.project_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in DECIDABLE_STATUSES:
        raise ReferralError(_("This referral has already been decided."))
    if decision == Decision.ACCEPT:
        _accept(referral, cohort=cohort, today=today)
    elif decision == Decision.DECLINE:
        if reason not in DeclineReason.values:
            raise ReferralError(_("Choose a reason for declining."))
        if reason == DeclineReason.OTHER and not comment.strip():
            raise ReferralError(_("Describe the reason for declining."))
        referral.status = ReferralStatus.DECLINED
        referral.decline_reason = reason
    elif decision == Decision.WAIT_LIST:
        if referral.status != ReferralStatus.WAIT_LISTED:
            referral.wait_listed_at = timezone.now()
        referral.status = ReferralStatus.WAIT_LISTED
    else:
        raise ReferralError(_("Choose a decision."))
    referral.decision_comment = comment.strip()
    referral.decided_at = timezone.now()
    referral.decided_by = actor
    referral.save()
    if referral.status == ReferralStatus.ACCEPTED:
        # participants opens the participation, in this transaction.
        signals.referral_accepted.send(sender=Referral, referral=referral)
    _record(
        referral,
        actor=actor,
        note=referral.get_decline_reason_display() if reason else "",
        meeting=meeting,
        cohort=referral.cohort if referral.status == ReferralStatus.ACCEPTED else None,
        decline_reason=referral.decline_reason
        if referral.status == ReferralStatus.DECLINED
        else "",
        comment=referral.decision_comment,
    )
    log_access(actor=actor, action=AccessAction.CHANGE, obj=referral, detail=decision)
    notify_officer(referral)
    return referral


def _accept(referral: Referral, *, cohort: Cohort | None, today: date) -> None:
    if referral.project.intake_mode == "cohort":
        cohort = cohort or referral.cohort
        if cohort is None or cohort.project_id != referral.project_id:
            raise ReferralError(_("Choose the start the person is accepted into."))
    holds_place = (
        referral.status in PLACE_HOLDING_STATUSES
        and cohort is not None
        and cohort.pk == referral.cohort_id
    ) or (referral.status in PLACE_HOLDING_STATUSES and cohort is None)
    if not holds_place:
        message = quota.check_bookable(referral, cohort=cohort, today=today)
        if message:
            raise ReferralError(message)
    referral.cohort = cohort
    referral.status = ReferralStatus.ACCEPTED
    referral.wait_listed_at = None


@transaction.atomic
def consent_record(*, actor: User, referral: Referral, consent: Consent) -> Consent:
    """Save the consent form's unsaved Consent for a draft referral (replacing an earlier
    draft consent: a consent covers one participation)."""
    if referral.status != ReferralStatus.DRAFT:
        raise ReferralError(_("The consent is recorded before the referral is submitted."))
    Consent.objects.filter(referral=referral).delete()
    consent.referral = referral
    consent.recorded_by = actor
    consent.save()
    log_access(actor=actor, action=AccessAction.CREATE, obj=consent)
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    actor: User,
    referral: Referral,
    withdrawn_on: date,
    channel: str,
    note: str = "",
) -> Referral:
    """Stop all sharing at once: the referral and any participation end, every list flags
    the person, and the ärendegrupp loses the details. The withdrawal itself is kept."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    consent = Consent.objects.select_for_update().filter(referral=referral).first()
    if consent is None or consent.is_withdrawn:
        raise ReferralError(_("There is no consent in force to withdraw."))
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_channel = channel
    consent.withdrawal_note = note.strip()
    consent.withdrawn_by = actor
    consent.withdrawn_at = timezone.now()
    consent.save()
    referral.status = ReferralStatus.CONSENT_WITHDRAWN
    referral.save()
    signals.consent_withdrawn.send(sender=Referral, referral=referral)
    _record(referral, actor=actor, note=consent.get_withdrawal_channel_display())
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=consent,
        detail="consent withdrawn",
    )
    notify_officer(referral)
    return referral
