"""The writes of the reports app: a participant's follow-up and exit reports (create, update,
finalise and share with the e-mail to the agencies, re-issue), a project report's narrative,
and a project's report settings.

Each is keyword-only, runs in one transaction and writes the access log (the client's address
comes from `fokus.request_context`); field-level history comes from django-pghistory.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fokus import conflicts, request_context, text_limits
from fokus.audit import log_access
from fokus.models import AccessAction, Agency, Project, User
from fokus.pdf import render_pdf
from fokus.policy import reports as report_policy
from fokus.roles import Role
from participants.models import Enrolment
from referrals.models import Consent
from reports.figures import Period
from reports.models import (
    ParticipantReport,
    ProjectReport,
    ProjectReportKind,
    ReportSettings,
    ReportStatus,
)
from reports.participant_reports import (
    CREATE_STATUSES,
    PDF_TEMPLATE,
    TEXT_FIELDS,
    Kind,
    report_context,
)
from reports.project_reports import sections_of
from reports.sharing import sharing_agencies


class ReportError(ValidationError):
    """A rule refused the change; the message is for the user."""


# --- A participant's reports --------------------------------------------------------------------


def _clean(text: str) -> str:
    return (text or "").strip()


def _check_texts(**texts: str) -> None:
    text_limits.check_lengths(ReportError, ParticipantReport, text_limits.NARRATIVE, **texts)


def _lock(report: ParticipantReport) -> ParticipantReport:
    return (
        ParticipantReport.objects.select_for_update(of=("self",))
        .select_related("enrolment")
        .get(pk=report.pk)
    )


@transaction.atomic
def participant_report_create(
    *,
    actor: User,
    enrolment: Enrolment,
    kind: str,
    mapping: str = "",
    summary: str = "",
    recommendations: str = "",
) -> ParticipantReport:
    """A new draft of `kind`. Follow-up reports while the participation is accepted or active,
    the exit report once it has ended; one report of each kind (corrections are re-issues)."""
    report_policy.require_write(actor, enrolment)
    _check_texts(mapping=mapping, summary=summary, recommendations=recommendations)
    # The lock orders concurrent creations, and a creation against an exit or withdrawal.
    enrolment = Enrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
    if kind not in CREATE_STATUSES:
        raise ReportError({"kind": _("Choose which report to write.")})
    if enrolment.status not in CREATE_STATUSES[kind]:
        if kind == Kind.EXIT:
            message = _("The exit report is written once the participation has ended.")
        else:
            message = _("Follow-up reports are written while the participation runs.")
        raise ReportError({"kind": message})
    if ParticipantReport.objects.filter(enrolment=enrolment, kind=kind).exists():
        raise ReportError(
            {
                "kind": _(
                    "There is already a report of this kind: edit its draft, or re-issue the "
                    "finalised one to correct it."
                )
            }
        )
    report = ParticipantReport.objects.create(
        enrolment=enrolment,
        kind=kind,
        mapping=_clean(mapping),
        summary=_clean(summary),
        recommendations=_clean(recommendations),
        created_by=actor,
    )
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=enrolment,
        detail=f"report {report.pk} created ({kind})",
    )
    return report


@transaction.atomic
def participant_report_update(
    *,
    actor: User,
    report: ParticipantReport,
    mapping: str,
    summary: str,
    recommendations: str,
    version: int | None = None,
) -> ParticipantReport:
    """Change a draft's texts. A finalised report never changes. `version`: the draft's edit
    version the user loaded; a draft saved since raises `ConflictError`, nothing written."""
    report = _lock(report)
    report_policy.require_write(actor, report.enrolment)
    if report.is_final:
        raise ReportError(_("A finalised report cannot be changed; re-issue it to correct it."))
    if not report_policy.can_change(report.enrolment):
        raise ReportError(_("The consent has been withdrawn: the report can no longer change."))
    values = {"mapping": mapping, "summary": summary, "recommendations": recommendations}
    _check_texts(**values)
    conflicts.check(
        report, version=version, yours={name: _clean(values[name]) for name in TEXT_FIELDS}
    )
    changed = [name for name in TEXT_FIELDS if getattr(report, name) != _clean(values[name])]
    if not changed:
        return report
    for name in changed:
        setattr(report, name, _clean(values[name]))
    report.edit_version = conflicts.next_version(report)
    report.save(update_fields=[*changed, "edit_version", "updated_at"])
    # The texts are case content: the log names the fields, not what they say.
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=report.enrolment,
        detail=f"report {report.pk} changed ({', '.join(changed)})",
    )
    return report


def _officer_emails(agencies: list[Agency], federation_id: int) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.CASE_OFFICER,
            memberships__federation_id=federation_id,
            memberships__agency__in=agencies,
        )
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _notify_agencies(report: ParticipantReport, agencies: list[Agency]) -> None:
    """Tell each case officer of the agencies that a report is there, once the transaction
    commits: a link and nothing else, no name, no personnummer, not even the project (which
    can reveal a diagnosis)."""
    if not agencies:
        return
    recipients = _officer_emails(agencies, report.enrolment.federation_id)
    if not recipients:
        return
    path = reverse("reports:participant-report-list", args=[report.enrolment.public_id])
    link = request_context.current().absolute_url(path)
    # The organisation's language, whoever finalised.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A report is available in Fokus")
        body = render_to_string("reports/email/report_shared.txt", {"link": link})

    def send() -> None:
        # One message per officer: recipients do not see each other's addresses.
        messages = [
            EmailMessage(subject=subject, body=body, to=[recipient]) for recipient in recipients
        ]
        get_connection().send_messages(messages)

    transaction.on_commit(send)


@transaction.atomic
def participant_report_finalise(*, actor: User, report: ParticipantReport) -> ParticipantReport:
    """Render the PDF once, store it with its SHA-256 and share it with the agencies the
    consent covers (`sharing_agencies`); their case officers are e-mailed after the commit.
    A re-issued version makes the one it supersedes "superseded" by being final."""
    report = _lock(report)
    enrolment = report.enrolment
    report_policy.require_write(actor, enrolment)
    if report.is_final:
        raise ReportError(_("The report has already been finalised."))
    # Held until the commit: a withdrawal waits for the sharing decision to be stored, and is
    # then obeyed by every download (`fokus.policy.reports.shared_with_officer`).
    list(Consent.objects.select_for_update().filter(referral_id=enrolment.referral_id))
    enrolment = Enrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
    if not report_policy.can_change(enrolment):
        raise ReportError(_("The consent has been withdrawn: nothing more is shared."))

    report.status = ReportStatus.FINAL
    report.finalised_at = timezone.now()
    report.finalised_by = actor
    # The participation as it stands now, under the locks, for the sharing and the content.
    report.enrolment = enrolment
    agencies = sharing_agencies(enrolment)
    content = render_pdf(PDF_TEMPLATE, report_context(report, shared_with=agencies))

    # A random name: no person in the file system either.
    report.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
    stored = report.pdf.name
    try:
        report.pdf_sha256 = hashlib.sha256(content).hexdigest()
        report.save()
        report.shared_with.set(agencies)
        log_access(
            actor=actor,
            action=AccessAction.CREATE,
            obj=enrolment,
            detail=f"report {report.pk} finalised",
        )
    except Exception:
        report.pdf.storage.delete(stored)
        raise
    _notify_agencies(report, agencies)
    return report


@transaction.atomic
def participant_report_reissue(*, actor: User, report: ParticipantReport) -> ParticipantReport:
    """A new draft version of a finalised report, with its texts, to correct it. The old
    version stands (and is what the agencies get) until the new one is finalised."""
    report = _lock(report)
    report_policy.require_write(actor, report.enrolment)
    if not report.is_final:
        raise ReportError(_("Only a finalised report can be re-issued; edit the draft instead."))
    if not report_policy.can_change(report.enrolment):
        raise ReportError(_("The consent has been withdrawn: nothing more is shared."))
    if ParticipantReport.objects.filter(supersedes=report).exists():
        raise ReportError(_("A new version of this report already exists."))
    if ParticipantReport.objects.filter(
        enrolment_id=report.enrolment_id, kind=report.kind, status=ReportStatus.DRAFT
    ).exists():
        raise ReportError(_("There is already a draft of this report."))
    draft = ParticipantReport.objects.create(
        enrolment_id=report.enrolment_id,
        kind=report.kind,
        version=report.version + 1,
        supersedes=report,
        mapping=report.mapping,
        summary=report.summary,
        recommendations=report.recommendations,
        created_by=actor,
    )
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=report.enrolment,
        detail=f"report {draft.pk} created as version {draft.version} of report {report.pk}",
    )
    return draft


# --- A project's reports ------------------------------------------------------------------------


@transaction.atomic
def project_report_save(
    *,
    actor: User,
    project: Project,
    kind: str,
    period: Period,
    values: dict[str, str],
    version: int | None = None,
) -> ProjectReport:
    """Write a report's narrative sections. The final report has one narrative per project
    (created with the project's period); an interim report one per half-year. `version`: the
    narrative's edit version the user loaded, 0 when there was none yet; one saved since raises
    `ConflictError` and nothing is written."""
    if kind == ProjectReportKind.FINAL:
        report = (
            ProjectReport.objects.select_for_update()
            .filter(project=project, kind=kind)
            .order_by("-updated_at", "-pk")
            .first()
        )
    else:
        report = (
            ProjectReport.objects.select_for_update()
            .filter(project=project, kind=kind, period_start=period.start, period_end=period.end)
            .first()
        )
    text_limits.check_lengths(
        ReportError,
        ProjectReport,
        text_limits.NARRATIVE,
        **{name: values.get(name, "") for name in sections_of(kind)},
    )
    created = report is None
    if created:
        report = ProjectReport(
            project=project, kind=kind, period_start=period.start, period_end=period.end
        )
    else:
        conflicts.check(
            report,
            version=version,
            yours={name: values.get(name, "").strip() for name in sections_of(kind)},
        )
        report.edit_version = conflicts.next_version(report)
    for name in sections_of(kind):
        setattr(report, name, values.get(name, "").strip())
    report.updated_by = actor
    report.save()
    log_access(
        actor=actor,
        action=AccessAction.CREATE if created else AccessAction.CHANGE,
        obj=project,
        detail=f"{kind} report narrative {period.start:%Y-%m-%d}–{period.end:%Y-%m-%d}",
    )
    return report


@transaction.atomic
def report_settings_save(
    *,
    actor: User,
    project: Project,
    small_cell_threshold: int,
) -> ReportSettings:
    """The project's small-cell threshold, created on its first save. The log names the fields
    that changed. (The form keeps it within the floor; the database within 2–10.)"""
    instance = ReportSettings.objects.select_for_update().filter(project=project).first()
    created = instance is None
    if created:
        instance = ReportSettings(project=project)
    values = {"small_cell_threshold": small_cell_threshold}
    changed = sorted(name for name, value in values.items() if getattr(instance, name) != value)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.save()
    log_access(
        actor=actor,
        action=AccessAction.CREATE if created else AccessAction.CHANGE,
        obj=instance,
        detail="" if created else ", ".join(changed),
    )
    return instance
