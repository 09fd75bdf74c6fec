"""The partner survey's distribution: the contact register, personal one-time links sent by
e-mail, and reminders (each with a new link: see `surveys.links`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from fokus.audit import log_access
from fokus.models import AccessAction, Agency, Project, User
from surveys.answering import hash_token, new_token
from surveys.links import answered_q, personal_url, with_answered
from surveys.models import Contact, Invitation, Survey

logger = logging.getLogger(__name__)


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


CONTACT_FIELDS = ("name", "agency", "role", "email", "is_active")


@transaction.atomic
def contact_save(
    *,
    actor: User,
    project: Project,
    contact: Contact | None = None,
    name: str,
    agency: Agency | None,
    role: str,
    email: str,
    is_active: bool = True,
) -> Contact:
    """Create a contact of the project's register, or change `contact`. The log names the
    project and the contact's number and changed fields, not the person: the register is the
    coordinators' own."""
    values = {"name": name, "agency": agency, "role": role, "email": email, "is_active": is_active}
    if contact is None:
        contact = Contact.objects.create(project=project, **values)
        action, detail = AccessAction.CREATE, f"survey contact {contact.pk} created"
    else:
        contact = Contact.objects.select_for_update().get(pk=contact.pk, project=project)
        changed = sorted(key for key in CONTACT_FIELDS if getattr(contact, key) != values[key])
        for key, value in values.items():
            setattr(contact, key, value)
        contact.save()
        action, detail = AccessAction.CHANGE, f"survey contact {contact.pk}: " + ", ".join(changed)
    log_access(actor=actor, action=action, obj=project, detail=detail)
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
        for invitation in with_answered(survey.invitations.filter(contact__isnull=False))
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
) -> int:
    """Create an invitation per contact not yet invited and e-mail each their personal link
    once the transaction has committed. Returns how many were invited."""
    Survey.objects.lock_links(survey=survey)
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
                url=personal_url(token),
                expires_on=expires_on,
            )
        )
    if mails:
        log_access(
            actor=actor,
            action=AccessAction.CREATE,
            obj=survey,
            detail=f"personal links e-mailed to {len(mails)} contacts, "
            f"valid until {expires_on:%Y-%m-%d}",
        )
        transaction.on_commit(lambda: _send_mails(mails))
    return len(mails)


@transaction.atomic
def invitations_remind(*, actor: User, survey: Survey, today: date | None = None) -> int:
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
                url=personal_url(token),
                expires_on=invitation.expires_on,
            )
        )
    if mails:
        log_access(
            actor=actor,
            action=AccessAction.CHANGE,
            obj=survey,
            detail=f"reminders with new personal links e-mailed to {len(mails)} contacts",
        )
        transaction.on_commit(lambda: _send_mails(mails))
    return len(mails)
