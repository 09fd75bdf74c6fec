"""The reports' panel on the participant page (`participants.panels`): a case officer sees
the follow-up and exit reports shared with their agency."""

from __future__ import annotations

from fokus.policy import reports as report_policy
from participants.panels import PanelRequest


def shared_reports_panel(page: PanelRequest) -> dict:
    if page.coordinates:
        return {}
    return {"shared_reports": report_policy.shared_reports_for(page.user, page.enrolment)}
