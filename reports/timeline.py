"""Finalised follow-up and exit reports in the participant's timeline (registered in
`participants.timeline.SOURCES` by `ReportsConfig.ready`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import Enrolment
from participants.timeline import Event
from reports.models import ParticipantReport, ReportStatus


def report_events(enrolment: Enrolment, *, editable: bool) -> list[Event]:
    """One event per finalised report, linking to its stored PDF. Two queries (the reports,
    the agencies they were shared with). Drafts are work in progress, not events."""
    reports = (
        ParticipantReport.objects.filter(enrolment=enrolment, status=ReportStatus.FINAL)
        .select_related("finalised_by", "supersedes")
        .prefetch_related("shared_with")
    )
    events = []
    for report in reports:
        moment = timezone.localtime(report.finalised_at)
        details = []
        if report.supersedes_id:
            details.append(
                _("Version %(version)d, replaces version %(old)d")
                % {"version": report.version, "old": report.supersedes.version}
            )
        agencies = [agency.name for agency in report.shared_with.all()]
        details.append(
            _("Shared with: %(agencies)s") % {"agencies": ", ".join(agencies)}
            if agencies
            else _("Not shared with any agency.")
        )
        by = report.finalised_by
        events.append(
            Event(
                moment.date(),
                moment.time().replace(microsecond=0),
                "report",
                _("%(report)s finalised") % {"report": report.get_kind_display()},
                details,
                (by.full_name or by.email) if by else "",
                reverse("reports:participant-report-pdf", args=[report.pk]),
            )
        )
    return events
