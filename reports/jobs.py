"""The final report's PDF as a background job, for projects too large to draw while the
browser waits (more than FOKUS_SYNC_PDF_MAX_PARTICIPANTS participants in the period). Smaller
projects get the PDF straight away (`reports.views.project.final_report_pdf`)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fokus.audit import log_access
from fokus.jobs import Progress, job_handler
from fokus.models import AccessAction, Job, Project
from fokus.pdf import PDF_LANGUAGE, render_pdf
from reports import figures, project_reports
from reports.figures import Period

FINAL_PDF = "reports.final_pdf"


def draws_in_background(project: Project, period: Period) -> bool:
    return figures.started_in(project, period).count() > settings.FOKUS_SYNC_PDF_MAX_PARTICIPANTS


def final_report_file_name(project: Project, period: Period) -> str:
    slug = slugify(project.name) or f"projekt-{project.pk}"
    return f"slutrapport-{slug}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.pdf"


def final_report_print_detail(period: Period) -> str:
    """The access log's words for printing the final report (the same whichever way)."""
    return f"slutrapport {period.start:%Y-%m-%d}–{period.end:%Y-%m-%d}"


def final_report_job_params(period: Period) -> dict:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


# Safe to run again: it only reads, and a second run draws the same PDF anew.
@job_handler(FINAL_PDF, permission="reports.view")
def final_report_pdf(job: Job, progress: Progress) -> dict:
    project = job.project
    period = Period(date.fromisoformat(job.params["from"]), date.fromisoformat(job.params["to"]))
    progress(0, 3, label=_("Counting the figures"))
    # Built in Swedish, as the PDF is rendered: some figures are formatted while building.
    with translation.override(PDF_LANGUAGE):
        context = project_reports.final_report_context(project, period)
    context |= {"for_pdf": True, "printed_on": timezone.localdate()}
    progress(1, 3, label=_("Drawing the PDF"))
    content = render_pdf("reports/final_report_pdf.html", context)
    progress(2, 3, label=_("Saving the PDF"))
    name = final_report_file_name(project, period)
    job.result_file.save(name, ContentFile(content), save=False)
    log_access(
        actor=job.created_by,
        action=AccessAction.PRINT,
        obj=project,
        detail=final_report_print_detail(period),
    )
    progress(3, 3, label=_("Saving the PDF"))
    return {"file_name": name, "message": _("The final report's PDF is ready.")}
