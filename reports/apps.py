from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # The participants app lists what is due and what happened, and builds its page from
        # panels; follow-up and exit
        # reports are part of both. Registered here so that participants does not depend on
        # this app.
        from participants import due, panels, timeline
        from reports import due as report_due
        from reports import jobs  # noqa: F401  (registers the final report's PDF job)
        from reports import timeline as report_timeline
        from reports.panels import shared_reports_panel

        if report_due.reports not in due.DUE_RULES:
            due.DUE_RULES.append(report_due.reports)
        if report_timeline.report_events not in timeline.SOURCES:
            timeline.SOURCES.append(report_timeline.report_events)
        panels.register(shared_reports_panel)
