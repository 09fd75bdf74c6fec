"""Participant surveys' links: a cohort's anonymous link (and QR code), and personal links
per participant when the project follows individuals. The partner survey's contacts and
e-mails are in `surveys.partners`, what every link shares (and why a new list means new
tokens) in `surveys.links`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cohorts.models import Cohort
from fokus.audit import log_access
from fokus.models import AccessAction, User
from participants.models import Enrolment
from surveys.answering import hash_token, new_token
from surveys.links import personal_url, with_answered
from surveys.models import AnonymousLink, Invitation, Survey

# Who gets a personal link to a participant survey: those who have taken part. Someone who
# withdrew their consent is no longer asked anything.
PARTICIPANT_STATUSES = (Enrolment.Status.ACTIVE, Enrolment.Status.EXITED)


# --- Participant surveys: the cohort's anonymous link -----------------------------------------


def active_anonymous_link(survey: Survey, cohort: Cohort) -> AnonymousLink | None:
    return AnonymousLink.objects.filter(survey=survey, cohort=cohort, is_active=True).first()


@transaction.atomic
def anonymous_link_create(
    *,
    actor: User,
    survey: Survey,
    cohort: Cohort,
    expires_on: date | None,
    renew: bool = False,
) -> AnonymousLink:
    """The cohort's active link, created if there is none. With `renew`, the current link is
    switched off (printed copies stop working) and a new one made."""
    Survey.objects.lock_links(survey=survey)
    current = active_anonymous_link(survey, cohort)
    if current is not None and not renew:
        return current
    if current is not None:
        current.is_active = False
        current.save(update_fields=["is_active"])
    token = new_token()
    link = AnonymousLink.objects.create(
        survey=survey,
        cohort=cohort,
        token_hash=hash_token(token),
        expires_on=expires_on,
        created_by=actor,
    )
    # Only the hash is stored: the caller shows the plain token now or never.
    link.token = token
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=survey,
        detail=f"anonymous link for start {cohort.pk}" + (" (renewed)" if current else ""),
    )
    return link


# --- Participant surveys: personal links when the project follows individuals ----------------


@dataclass(frozen=True)
class ParticipantRow:
    enrolment: Enrolment
    invitation: Invitation | None
    answered: bool = False


def cohort_participants(survey: Survey, cohort: Cohort) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(
            project_id=survey.project_id, cohort=cohort, status__in=PARTICIPANT_STATUSES
        )
        .select_related("referral")
        .order_by("referral__name", "pk")
    )


def participant_rows(survey: Survey, cohort: Cohort) -> list[ParticipantRow]:
    """Who in the cohort has a personal link, and who has answered."""
    enrolments = list(cohort_participants(survey, cohort))
    invitations = {
        invitation.enrolment_id: invitation
        for invitation in with_answered(survey.invitations.filter(enrolment__in=enrolments))
    }
    return [
        ParticipantRow(
            enrolment=enrolment,
            invitation=invitations.get(enrolment.pk),
            answered=bool(invitations.get(enrolment.pk) and invitations[enrolment.pk].has_answered),
        )
        for enrolment in enrolments
    ]


@dataclass(frozen=True)
class IssuedLink:
    """A personal link shown once on the printed list; the token is not kept anywhere."""

    enrolment: Enrolment
    url: str
    renewed: bool


@transaction.atomic
def participant_links_issue(
    *,
    actor: User,
    survey: Survey,
    cohort: Cohort,
    expires_on: date,
    reissue: bool = False,
) -> list[IssuedLink]:
    """A personal link for every participant of the cohort who has none. With `reissue`,
    also new links for those who have one but have not answered (their old links stop
    working). The answers are linked to the person, so the creation is logged."""
    Survey.objects.lock_links(survey=survey)
    enrolments = list(cohort_participants(survey, cohort))
    invitations = {
        invitation.enrolment_id: invitation
        for invitation in with_answered(
            Invitation.objects.select_for_update(of=("self",)).filter(
                survey=survey, enrolment__in=enrolments
            )
        )
    }
    now = timezone.now()
    issued = []
    for enrolment in enrolments:
        invitation = invitations.get(enrolment.pk)
        token = new_token()
        if invitation is None:
            Invitation.objects.create(
                survey=survey,
                enrolment=enrolment,
                token_hash=hash_token(token),
                expires_on=expires_on,
                sent_at=now,
                sent_by=actor,
            )
        elif reissue and not invitation.has_answered:
            invitation.token_hash = hash_token(token)
            invitation.expires_on = expires_on
            invitation.reminders += 1
            invitation.reminded_at = now
            invitation.save(update_fields=["token_hash", "expires_on", "reminders", "reminded_at"])
        else:
            continue
        issued.append(
            IssuedLink(
                enrolment=enrolment,
                url=personal_url(token),
                renewed=invitation is not None,
            )
        )
    if issued:
        renewed = sum(1 for link in issued if link.renewed)
        log_access(
            actor=actor,
            action=AccessAction.CREATE,
            obj=survey,
            detail=f"personal links for {len(issued) - renewed} participants of start "
            f"{cohort.pk}, new links for {renewed}, valid until {expires_on:%Y-%m-%d}",
        )
    return issued
