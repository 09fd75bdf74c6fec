"""Participations at each stage, for the participants tests."""

from datetime import date

import pytest

from fokus.roles import Role
from participants.models import Enrolment
from participants.services import enrolment_start
from referrals.models import ReferralStatus
from referrals.services import Decision, referral_decide
from tests.conftest import make_user, test_personnummer


@pytest.fixture
def accept(make_referral, coordinator, cohort):
    """Accept a submitted referral as the ärendegrupp would; returns its enrolment."""

    def make(serial: str = "980", **fields):
        referral = make_referral(
            status=ReferralStatus.SUBMITTED,
            personnummer=test_personnummer("19850101", serial),
            **fields,
        )
        referral_decide(
            actor=coordinator, referral=referral, decision=Decision.ACCEPT, cohort=cohort
        )
        return Enrolment.objects.get(referral=referral)

    return make


@pytest.fixture
def accepted(accept):
    return accept()


@pytest.fixture
def started(accepted, coordinator):
    return enrolment_start(
        actor=coordinator,
        enrolment=accepted,
        coordinator=coordinator,
        enrolled_on=date(2026, 9, 1),
        income_source_before="sickness_benefit",
        occupation_before="other",
        education_level="compulsory",
    )


@pytest.fixture
def other_coordinator(fed_a, project_a_other):
    """A coordinator of federation A who works in another project."""
    return make_user(
        fed_a,
        "koordinator2@a.example",
        "Klara Annanprojekt",
        (Role.COORDINATOR, {"project": project_a_other}),
    )
