"""Invitation letters (kallelser): writing one down and rendering it as a PDF for posting.

The letter row keeps everything the participant was told, so a letter renders the same every
time it is printed again; only the recipient's address is read from the referral."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort
from fokus import text_limits
from fokus.audit import log_access
from fokus.models import AccessAction, User
from fokus.pdf import render_pdf
from participants.models import Enrolment, InvitationLetter
from participants.services import project_coordinators


class LetterError(ValidationError):
    """A rule refused the letter; the message is for the user."""


def can_write_letter(enrolment: Enrolment) -> bool:
    """Letters go to people who are about to start or are taking part."""
    return enrolment.is_running


@transaction.atomic
def letter_create(
    *,
    actor: User,
    enrolment: Enrolment,
    intake_at: datetime,
    intake_place: str,
    contact: User,
    contact_phone: str,
    group_starts_at: datetime | None = None,
    group_place: str = "",
    message: str = "",
) -> InvitationLetter:
    """Write down an invitation letter for an accepted or active participation."""
    # The lock keeps a letter from being written while the participation is being ended.
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not can_write_letter(enrolment):
        raise LetterError(
            _("Invitation letters are only written for accepted or active participations.")
        )
    if not project_coordinators(enrolment.project_id).filter(pk=contact.pk).exists():
        raise LetterError({"contact": _("Choose one of the project's coordinators.")})
    if group_starts_at is not None and group_starts_at <= intake_at:
        raise LetterError(
            {"group_date": _("The first group session must be after the intake talk.")}
        )
    if too_long := text_limits.over_limit(message=(message.strip(), text_limits.SHORT)):
        raise LetterError(too_long)
    letter = InvitationLetter.objects.create(
        enrolment=enrolment,
        intake_at=intake_at,
        intake_place=intake_place.strip(),
        group_starts_at=group_starts_at,
        group_place=group_place.strip() if group_starts_at else "",
        contact=contact,
        contact_phone=contact_phone.strip(),
        message=message.strip(),
        created_by=actor,
    )
    # No names, addresses or free text in the log: only which letter and when the talk is.
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=enrolment,
        detail=f"kallelse {letter.pk}, intake {timezone.localtime(intake_at):%Y-%m-%d %H:%M}",
    )
    return letter


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if rest:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", rest) % {"count": rest})
    return " ".join(parts)


def programme_shape(cohort: Cohort) -> str:
    """One sentence on the group programme, as the participant reads it."""
    weeks = ngettext(
        "The group programme runs for %(count)d week",
        "The group programme runs for %(count)d weeks",
        cohort.group_weeks,
    ) % {"count": cohort.group_weeks}
    sessions = ngettext(
        "%(count)d session a week", "%(count)d sessions a week", cohort.group_sessions_per_week
    ) % {"count": cohort.group_sessions_per_week}
    length = _("each session lasts %(duration)s") % {"duration": _duration(cohort.session_minutes)}
    return f"{weeks}, {sessions}; {length}."


def letter_context(letter: InvitationLetter) -> dict:
    """What the PDF template shows. Call with the language and time zone active."""
    enrolment = letter.enrolment
    referral = enrolment.referral
    project = enrolment.project
    cohort = enrolment.cohort
    # A person with protected identity gets nothing with their name or address on it from us:
    # the referring case officer hands the letter over.
    protected = referral.protected_identity
    return {
        "letter": letter,
        "project": project,
        "federation": project.federation,
        "protected": protected,
        "recipient_name": "" if protected else referral.name,
        "street_address": "" if protected else referral.street_address,
        "postal_code": "" if protected else referral.postal_code,
        "city": "" if protected else referral.city,
        "officer_name": referral.officer_name,
        "agency_name": referral.referring_agency.name,
        "letter_date": timezone.localdate(letter.created_at),
        "cohort": cohort,
        "programme_shape": programme_shape(cohort) if cohort else "",
        "contact": letter.contact,
    }


def render_letter_pdf(letter: InvitationLetter) -> bytes:
    """The letter as an A4 PDF in Swedish, laid out for a C5/DL window envelope."""
    letter = InvitationLetter.objects.select_related(
        "enrolment__project__federation",
        "enrolment__cohort",
        "enrolment__referral__referring_agency",
        "contact",
    ).get(pk=letter.pk)
    return render_pdf("participants/letter_pdf.html", letter_context(letter))
