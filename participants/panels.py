"""The participant page is built from panels: what each app adds to it.

Higher apps (stepladder: the current step and the trajectory; reports: the reports shared with
an officer's agency) register a provider in their `AppConfig.ready`, so that participants does
not import them. A provider gets the page's `PanelRequest` and returns template context; the
participant templates show a panel when its keys are there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fokus.models import User
    from participants.models import Enrolment


@dataclass(frozen=True)
class PanelRequest:
    user: User
    enrolment: Enrolment
    today: date
    # True for the project's coordinators (the full page), False for a case officer's summary.
    coordinates: bool


Provider = Callable[[PanelRequest], dict]
PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def panel_context(*, user: User, enrolment: Enrolment, today: date, coordinates: bool) -> dict:
    page = PanelRequest(user=user, enrolment=enrolment, today=today, coordinates=coordinates)
    context: dict = {}
    for provider in PROVIDERS:
        context |= provider(page)
    return context
