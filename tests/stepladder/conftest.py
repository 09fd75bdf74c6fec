"""Participations and ratings for the step-ladder tests.

The participations at each stage are the participants tests' own fixtures, imported so that
both apps start from the same states. Nothing here is autouse: the other step-ladder modules
define their own fixtures and only take what they ask for.
"""

from datetime import date

import pytest
from django.utils import timezone

from stepladder import services
from stepladder.models import Ladder, Marker, RatingKind, Step
from tests.participants.conftest import (  # noqa: F401  (fixtures)
    accept,
    accepted,
    other_coordinator,
    started,
)


@pytest.fixture
def today(monkeypatch):
    """Fix the date the app sees as today (the clock is outside the project). The default,
    2027-06-01, lies inside a participation started 2026-09-01 for twelve months."""

    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    set_today(date(2027, 6, 1))
    return set_today


@pytest.fixture
def ladder(db) -> Ladder:
    return Ladder.objects.get(is_default=True)


@pytest.fixture
def step(ladder):
    """step(3) → step 3 of the default ladder."""

    def get(number: int, of: Ladder | None = None) -> Step:
        return Step.objects.get(ladder=of or ladder, number=number)

    return get


@pytest.fixture
def marker(step):
    """marker(2, 1) → the first marker of step 2 of the default ladder."""

    def get(number: int, position: int, of: Ladder | None = None) -> Marker:
        return Marker.objects.get(step=step(number, of), position=position)

    return get


@pytest.fixture
def rate(coordinator, step):
    """rate(enrolment, date, step number, kind=…, markers=[…]) through the service, as the
    project's coordinator. Needs `today` (or a real today) on or after the date."""

    def make(enrolment, rated_on, number, kind=RatingKind.QUARTERLY, **fields):
        return services.rating_create(
            actor=fields.pop("actor", coordinator),
            enrolment=enrolment,
            rated_on=rated_on,
            kind=kind,
            step=step(number),
            **fields,
        )

    return make
