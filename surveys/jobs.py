"""The partner survey's e-mails as background jobs, with progress per e-mail: the personal
links (`surveys.invite`) and the reminders (`surveys.remind`).

Safe to run again after a crash: each e-mail is sent inside the transaction that stores its
link (`surveys.partners`), so a contact already invited, or an invitation already reminded in
this round, is skipped on the second run."""

from __future__ import annotations

import logging
from datetime import date

from django.core.mail import get_connection
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fokus.audit import log_access
from fokus.jobs import JobError, Progress, job_handler
from fokus.models import AccessAction, Job
from surveys import partners
from surveys.models import Contact, Survey

logger = logging.getLogger(__name__)

INVITE = "surveys.invite"
REMIND = "surveys.remind"


def _survey(job: Job) -> Survey:
    survey = Survey.objects.select_related("project").get(
        pk=job.params["survey_id"], project=job.project
    )
    if not survey.is_open:
        raise JobError(_("The survey was closed before the e-mails were sent: none were sent."))
    return survey


def _send_all(job: Job, progress: Progress, items: list, send) -> tuple[int, int]:
    """Calls `send(item, connection)` for each item, reporting progress after each e-mail.
    A failed e-mail is logged and counted; the others still go out."""
    sent = failed = 0
    total = len(items)
    progress(0, total, label=_("Sending the e-mails"))
    # One connection to the mail server for the whole job; if it cannot be opened now, each
    # e-mail tries again on its own (and is counted as failed if that fails too).
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        logger.warning("Job %s: the mail server did not answer; trying each e-mail", job.pk)
    try:
        for number, item in enumerate(items, 1):
            try:
                sent += bool(send(item, connection))
            except Exception:
                logger.exception("Job %s: a survey e-mail could not be sent", job.pk)
                failed += 1
            progress(
                number,
                total,
                label=_("E-mail %(number)d of %(total)d") % {"number": number, "total": total},
            )
    finally:
        connection.close()
    if failed and not sent:
        raise JobError(
            _(
                "No e-mail could be sent: the mail server did not accept them. Nothing was "
                "sent; try again later, and contact support if it keeps happening."
            )
        )
    return sent, failed


def _message(done: str, failed: int) -> str:
    if not failed:
        return done
    return " ".join(
        [
            done,
            ngettext(
                "%(count)d e-mail could not be sent; send again to try once more.",
                "%(count)d e-mails could not be sent; send again to try once more.",
                failed,
            )
            % {"count": failed},
        ]
    )


@job_handler(INVITE, permission="surveys.manage")
def send_invitations(job: Job, progress: Progress) -> dict:
    survey = _survey(job)
    job.result_url = reverse("surveys:survey-send", args=[survey.public_id])
    expires_on = date.fromisoformat(job.params["expires_on"])
    contacts = list(
        Contact.objects.filter(project=survey.project, pk__in=job.params["contact_ids"]).order_by(
            "name", "pk"
        )
    )
    sent, failed = _send_all(
        job,
        progress,
        contacts,
        lambda contact, connection: partners.invitation_send(
            actor=job.created_by,
            survey=survey,
            contact=contact,
            expires_on=expires_on,
            mail_connection=connection,
        ),
    )
    if sent:
        log_access(
            actor=job.created_by,
            action=AccessAction.CREATE,
            obj=survey,
            detail=f"personal links e-mailed to {sent} contacts, valid until {expires_on:%Y-%m-%d}",
        )
    done = ngettext(
        "The survey was sent to %(count)d contact.",
        "The survey was sent to %(count)d contacts.",
        sent,
    ) % {"count": sent}
    return {"sent": sent, "failed": failed, "message": _message(done, failed)}


@job_handler(REMIND, permission="surveys.manage")
def send_reminders(job: Job, progress: Progress) -> dict:
    survey = _survey(job)
    job.result_url = reverse("surveys:survey-send", args=[survey.public_id])
    pending = list(partners.invitations_to_remind(survey).values_list("pk", flat=True))
    sent, failed = _send_all(
        job,
        progress,
        pending,
        lambda invitation_id, connection: partners.invitation_remind(
            actor=job.created_by,
            survey=survey,
            invitation_id=invitation_id,
            not_since=job.created_at,
            mail_connection=connection,
        ),
    )
    if sent:
        log_access(
            actor=job.created_by,
            action=AccessAction.CHANGE,
            obj=survey,
            detail=f"reminders with new personal links e-mailed to {sent} contacts",
        )
    done = ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", sent) % {"count": sent}
    return {"sent": sent, "failed": failed, "message": _message(done, failed)}
