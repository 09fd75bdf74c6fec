"""Referral fixtures. Personnummer here use serial numbers 980–999, which Skatteverket keeps
for testing and never gives to real people."""

from datetime import date

import pytest
from django.utils import timezone

from participants.models import Cohort
from referrals.demo import demo_personnummer
from referrals.models import Consent, ConsentMethod, Referral


def test_personnummer(birth: str, serial: str = "980") -> str:
    """12 digits for a birth date YYYYMMDD and a test serial 980–999."""
    return demo_personnummer(birth, int(serial))


# pytest should not collect the helper above as a test.
test_personnummer.__test__ = False


@pytest.fixture
def cohort(project_a, municipality_a):
    return Cohort.objects.create(
        project=project_a,
        municipality=municipality_a,
        start_date=date(2026, 9, 1),
        places=16,
        places_per_agency=4,
        release_date=date(2026, 8, 15),
    )


@pytest.fixture
def make_referral(project_a, agency_af, case_officer_a, municipality_a, cohort):
    """A complete draft with consent, ready to submit; override any field by keyword."""

    def make(*, consent=True, agency=None, officer=None, **fields):
        values = {
            "federation": project_a.federation,
            "project": project_a,
            "cohort": cohort,
            "referring_agency": agency or agency_af,
            "created_by": officer or case_officer_a,
            "name": "Testa Testsson",
            "personnummer": test_personnummer("19850101"),
            "home_municipality": municipality_a,
            "far_from_labour_market": "yes",
            "long_term_unemployed": "yes",
            "needs_rehabilitation": "yes",
            "sufficient_swedish": "yes",
            "social_services_involved": True,
        }
        values.update(fields)
        referral = Referral.objects.create(**values)
        if consent:
            Consent.objects.create(
                referral=referral,
                consents_social_services=True,
                consents_af=True,
                consents_fk=True,
                consents_region=True,
                consents_project=True,
                method=ConsentMethod.IN_PERSON,
                given_on=timezone.localdate(),
                place="Ekeby",
                recorded_by=values["created_by"],
            )
        return referral

    return make
