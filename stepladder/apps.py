from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StepLadderConfig(AppConfig):
    name = "stepladder"
    verbose_name = _("Step ladder")

    def ready(self):
        # The participants app lists what is due and what happened, and builds its page from
        # panels; ratings are part of both.
        # Registered here so that participants does not depend on this app.
        from participants import due, panels, timeline
        from stepladder import due as rating_due
        from stepladder import timeline as rating_timeline
        from stepladder.panels import step_panel

        if rating_due.ratings not in due.DUE_RULES:
            due.DUE_RULES.append(rating_due.ratings)
        if rating_timeline.rating_events not in timeline.SOURCES:
            timeline.SOURCES.append(rating_timeline.rating_events)
        panels.register(step_panel)
