"""Getting surveys to the people who answer them: the partner contact register, personal
one-time links sent by e-mail with reminders, a cohort's anonymous link, and personal links per
participant when the project follows individuals.

Personal tokens are never stored: an invitation keeps only `hash_token(token)`, and the plain
token exists in the e-mail (or on the one printed list) alone. That is why a reminder, or a new
printed list, has to issue a *new* token — there is nothing to re-send — and the old link stops
working when its hash is replaced.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fokus.audit import log_access
from fokus.models import AccessAction, User
from participants.models import Cohort, Enrolment
from surveys.answering import hash_token, new_token
from surveys.models import AnonymousLink, Contact, Invitation, Response, Survey

logger = logging.getLogger(__name__)

# A personal link is valid this long unless the coordinator chooses another date.
DEFAULT_VALID_DAYS = 21

# Who gets a personal link to a participant survey: those who have taken part. Someone who
# withdrew their consent is no longer asked anything.
PARTICIPANT_STATUSES = (Enrolment.Status.ACTIVE, Enrolment.Status.EXITED)


def default_expiry(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=DEFAULT_VALID_DAYS)


def personal_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("surveys:answer-personal", args=[token]))


def anonymous_url(request: HttpRequest, link: AnonymousLink) -> str:
    return request.build_absolute_uri(reverse("surveys:answer-anonymous", args=[link.token]))


def answered_q() -> Q:
    """An invitation is answered once it has a response (answered_at is set with it)."""
    return Q(answered_at__isnull=False) | Q(
        Exists(Response.objects.filter(invitation=OuterRef("pk")))
    )


def _with_answered(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    return invitations.annotate(
        has_answered=ExpressionWrapper(answered_q(), output_field=BooleanField())
    )


def _lock(survey: Survey) -> None:
    """Serialise writes to one survey's links: two coordinators pressing "send" at once must
    not both invite the same contact (the unique constraint would turn that into a 500)."""
    Survey.objects.select_for_update().filter(pk=survey.pk).first()


def _send_mails(messages: list[EmailMessage]) -> None:
    # Runs after the commit. The invitations exist either way; a failed send is logged, and a
    # reminder issues fresh links to everyone who has not answered.
    try:
        get_connection().send_messages(messages)
    except Exception:
        logger.exception("Sending %d survey e-mails failed", len(messages))


def _mail(*, template: str, subject: str, contact: Contact, survey: Survey, url: str, expires_on):
    body = render_to_string(
        template,
        {
            "name": contact.name,
            "survey": survey,
            "project": survey.project,
            "url": url,
            "expires_on": expires_on,
        },
    )
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contact.email],
    )


# --- Contact register -------------------------------------------------------------------------


@transaction.atomic
def contact_save(*, actor: User, form: ModelForm, request: HttpRequest | None = None) -> Contact:
    """Save a contact form. The log names the project and the contact's number, not the
    person: the register is the coordinators' own."""
    created = form.instance.pk is None
    contact = form.save()
    detail = (
        f"survey contact {contact.pk} created"
        if created
        else f"survey contact {contact.pk}: " + ", ".join(sorted(form.changed_data))
    )
    log_access(
        actor=actor,
        action=AccessAction.CREATE if created else AccessAction.CHANGE,
        obj=contact.project,
        request=request,
        detail=detail,
    )
    return contact


# --- Partner survey: personal links by e-mail -------------------------------------------------


@dataclass(frozen=True)
class ContactRow:
    """One line of the sending page: a contact and their invitation, if any."""

    contact: Contact
    invitation: Invitation | None
    answered: bool = False
    expired: bool = False


def contact_rows(survey: Survey, *, today: date | None = None) -> list[ContactRow]:
    """The project's active contacts and everyone already invited (even if no longer active),
    with whether they have answered. Two queries."""
    today = today or timezone.localdate()
    invitations = {
        invitation.contact_id: invitation
        for invitation in _with_answered(survey.invitations.filter(contact__isnull=False))
    }
    contacts = (
        Contact.objects.filter(project_id=survey.project_id)
        .filter(Q(is_active=True) | Q(pk__in=invitations.keys()))
        .select_related("agency")
    )
    rows = []
    for contact in contacts:
        invitation = invitations.get(contact.pk)
        rows.append(
            ContactRow(
                contact=contact,
                invitation=invitation,
                answered=bool(invitation and invitation.has_answered),
                expired=bool(invitation and invitation.expires_on < today),
            )
        )
    return rows


def contacts_to_invite(survey: Survey) -> QuerySet[Contact]:
    """Active contacts of the survey's project who have no invitation yet: re-sending is not
    offered, those already invited get reminders instead."""
    return Contact.objects.filter(project_id=survey.project_id, is_active=True).exclude(
        invitations__survey=survey
    )


@transaction.atomic
def invitations_send(
    *,
    actor: User,
    survey: Survey,
    contacts: list[Contact],
    expires_on: date,
    request: HttpRequest,
) -> int:
    """Create an invitation per contact not yet invited and e-mail each their personal link
    once the transaction has committed. Returns how many were invited."""
    _lock(survey)
    allowed = set(contacts_to_invite(survey).values_list("pk", flat=True))
    now = timezone.now()
    subject = _("Survey: %(survey)s") % {"survey": survey.name}
    mails = []
    for contact in contacts:
        if contact.pk not in allowed:
            continue
        allowed.discard(contact.pk)
        token = new_token()
        Invitation.objects.create(
            survey=survey,
            contact=contact,
            token_hash=hash_token(token),
            expires_on=expires_on,
            sent_at=now,
            sent_by=actor,
        )
        mails.append(
            _mail(
                template="surveys/email/invitation.txt",
                subject=subject,
                contact=contact,
                survey=survey,
                url=personal_url(request, token),
                expires_on=expires_on,
            )
        )
    if mails:
        log_access(
            actor=actor,
            action=AccessAction.CREATE,
            obj=survey,
            request=request,
            detail=f"personal links e-mailed to {len(mails)} contacts, "
            f"valid until {expires_on:%Y-%m-%d}",
        )
        transaction.on_commit(lambda: _send_mails(mails))
    return len(mails)


@transaction.atomic
def invitations_remind(
    *, actor: User, survey: Survey, request: HttpRequest, today: date | None = None
) -> int:
    """E-mail a reminder to every active contact who has not answered a still valid
    invitation. Each gets a NEW link: only the old token's hash is stored, so the old token
    cannot be sent again, and replacing the hash makes the old link stop working."""
    today = today or timezone.localdate()
    pending = list(
        Invitation.objects.select_for_update(of=("self",))
        .filter(
            survey=survey,
            contact__isnull=False,
            contact__is_active=True,
            expires_on__gte=today,
        )
        .exclude(answered_q())
        .select_related("contact")
        .order_by("pk")
    )
    now = timezone.now()
    subject = _("Reminder: %(survey)s") % {"survey": survey.name}
    mails = []
    for invitation in pending:
        token = new_token()
        invitation.token_hash = hash_token(token)
        invitation.reminders += 1
        invitation.reminded_at = now
        invitation.save(update_fields=["token_hash", "reminders", "reminded_at"])
        mails.append(
            _mail(
                template="surveys/email/reminder.txt",
                subject=subject,
                contact=invitation.contact,
                survey=survey,
                url=personal_url(request, token),
                expires_on=invitation.expires_on,
            )
        )
    if mails:
        log_access(
            actor=actor,
            action=AccessAction.CHANGE,
            obj=survey,
            request=request,
            detail=f"reminders with new personal links e-mailed to {len(mails)} contacts",
        )
        transaction.on_commit(lambda: _send_mails(mails))
    return len(mails)


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
    request: HttpRequest | None = None,
) -> AnonymousLink:
    """The cohort's active link, created if there is none. With `renew`, the current link is
    switched off (printed copies stop working) and a new one made."""
    _lock(survey)
    current = active_anonymous_link(survey, cohort)
    if current is not None and not renew:
        return current
    if current is not None:
        current.is_active = False
        current.save(update_fields=["is_active"])
    link = AnonymousLink.objects.create(
        survey=survey, cohort=cohort, token=new_token(), expires_on=expires_on, created_by=actor
    )
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=survey,
        request=request,
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
        for invitation in _with_answered(survey.invitations.filter(enrolment__in=enrolments))
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
    request: HttpRequest,
) -> list[IssuedLink]:
    """A personal link for every participant of the cohort who has none. With `reissue`,
    also new links for those who have one but have not answered (their old links stop
    working). The answers are linked to the person, so the creation is logged."""
    _lock(survey)
    enrolments = list(cohort_participants(survey, cohort))
    invitations = {
        invitation.enrolment_id: invitation
        for invitation in _with_answered(
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
                url=personal_url(request, token),
                renewed=invitation is not None,
            )
        )
    if issued:
        renewed = sum(1 for link in issued if link.renewed)
        log_access(
            actor=actor,
            action=AccessAction.CREATE,
            obj=survey,
            request=request,
            detail=f"personal links for {len(issued) - renewed} participants of start "
            f"{cohort.pk}, new links for {renewed}, valid until {expires_on:%Y-%m-%d}",
        )
    return issued
