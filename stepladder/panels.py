"""The step ladder's panel on the participant page (`participants.panels`)."""

from __future__ import annotations

from participants.panels import PanelRequest
from stepladder import progress, services


def step_panel(page: PanelRequest) -> dict:
    context = {
        "current_rating": progress.current_rating(page.enrolment),
        "chart": progress.trajectory_for(page.enrolment),
    }
    if page.coordinates:
        context["can_rate"] = bool(services.kinds_open(page.enrolment, page.today))
    return context
