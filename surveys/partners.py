"""The partner survey's distribution: the contact register, personal one-time links sent by
e-mail, and reminders (each with a new link: see `surveys.links`). The sending itself runs as
a background job with progress per e-mail (`surveys.jobs`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
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


def invitations_to_remind(survey: Survey, *, today: date | None = None) -> QuerySet[Invitation]:
    """Invitations of active contacts who have not answered a still valid link."""
    today = today or timezone.localdate()
    return (
        Invitation.objects.filter(
            survey=survey,
            contact__isnull=False,
            contact__is_active=True,
            expires_on__gte=today,
        )
        .exclude(answered_q())
        .order_by("pk")
    )


# The e-mails go out one by one from a background job (`surveys.jobs`), each inside the
# transaction that stores its link: a send that fails leaves no link behind (the contact is
# offered again), and a job run again after a crash skips whoever already has theirs.


@transaction.atomic
def invitation_send(
    *,
    actor: User,
    survey: Survey,
    contact: Contact,
    expires_on: date,
    mail_connection=None,
) -> bool:
    """Invite one contact not yet invited and e-mail them their personal link. False if there
    was nothing to do (already invited, no longer active, or not the project's)."""
    Survey.objects.lock_links(survey=survey)
    if not contacts_to_invite(survey).filter(pk=contact.pk).exists():
        return False
    token = new_token()
    Invitation.objects.create(
        survey=survey,
        contact=contact,
        token_hash=hash_token(token),
        expires_on=expires_on,
        sent_at=timezone.now(),
        sent_by=actor,
    )
    mail = _mail(
        template="surveys/email/invitation.txt",
        subject=_("Survey: %(survey)s") % {"survey": survey.name},
        contact=contact,
        survey=survey,
        url=personal_url(token),
        expires_on=expires_on,
    )
    mail.connection = mail_connection
    mail.send()
    return True


@transaction.atomic
def invitation_remind(
    *,
    actor: User,
    survey: Survey,
    invitation_id: int,
    not_since,
    today: date | None = None,
    mail_connection=None,
) -> bool:
    """E-mail one reminder with a NEW link: only the old token's hash is stored, so the old
    token cannot be sent again, and replacing the hash makes the old link stop working. False
    if the invitation no longer needs one (answered, expired, inactive contact) or was
    reminded at or after `not_since` (by this same reminder round, before a crash)."""
    invitation = (
        invitations_to_remind(survey, today=today)
        .select_for_update(of=("self",))
        .select_related("contact")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or (invitation.reminded_at and invitation.reminded_at >= not_since):
        return False
    token = new_token()
    invitation.token_hash = hash_token(token)
    invitation.reminders += 1
    invitation.reminded_at = timezone.now()
    invitation.save(update_fields=["token_hash", "reminders", "reminded_at"])
    mail = _mail(
        template="surveys/email/reminder.txt",
        subject=_("Reminder: %(survey)s") % {"survey": survey.name},
        contact=invitation.contact,
        survey=survey,
        url=personal_url(token),
        expires_on=invitation.expires_on,
    )
    mail.connection = mail_connection
    mail.send()
    return True
