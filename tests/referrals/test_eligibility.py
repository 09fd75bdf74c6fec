"""The target-group rules, each with an input that breaks it."""

from datetime import date

import pytest

from fokus.models import Municipality
from referrals import eligibility
from tests.referrals.conftest import test_personnummer

TODAY = date(2026, 6, 1)


def test_it_accepts_a_complete_referral(make_referral):
    result = eligibility.check(make_referral(), today=TODAY)
    assert result.ok, result.hard
    assert result.soft == []


@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        ("20100901", True),  # 16 on the cohort's start date 2026-09-01
        ("20100902", False),  # 16 one day after the start
        ("19610902", True),  # still 64 on the start date
        ("19610901", False),  # 65 on the start date
    ],
)
def test_it_checks_the_age_on_the_cohort_start_date(make_referral, birth, ok):
    referral = make_referral(personnummer=test_personnummer(birth))
    result = eligibility.check(referral, today=TODAY)
    assert result.ok is ok
    if not ok:
        assert any("16–64" in message for message in result.hard)


def test_it_uses_the_project_age_limits(make_referral, project_a):
    project_a.min_age, project_a.max_age = 18, 29
    project_a.save()
    referral = make_referral(personnummer=test_personnummer("19900101"))
    result = eligibility.check(referral, today=TODAY)
    assert any("18–29" in message for message in result.hard)


def test_it_requires_residence_in_a_participating_municipality(make_referral, fed_a):
    elsewhere = Municipality.objects.create(federation=fed_a, name="Långtbort")
    result = eligibility.check(make_referral(home_municipality=elsewhere), today=TODAY)
    assert any("kommuner" in message for message in result.hard)


def test_it_requires_the_start_in_the_home_municipality(make_referral, municipality_a2):
    result = eligibility.check(make_referral(home_municipality=municipality_a2), today=TODAY)
    assert any("Norrvik" in message for message in result.hard)


def test_it_requires_two_agencies(make_referral):
    result = eligibility.check(make_referral(social_services_involved=False), today=TODAY)
    assert any("två parter" in message for message in result.hard)


def test_it_counts_the_referring_agency_as_involved(make_referral):
    # AF refers and AF is ticked too: still only one agency.
    referral = make_referral(social_services_involved=False, af_involved=True)
    assert not eligibility.check(referral, today=TODAY).ok


def test_it_requires_every_target_group_answer(make_referral):
    result = eligibility.check(make_referral(needs_rehabilitation=""), today=TODAY)
    assert any("målgrupp" in message for message in result.hard)


def test_it_requires_consent(make_referral):
    result = eligibility.check(make_referral(consent=False), today=TODAY)
    assert any("samtycke" in message for message in result.hard)


def test_it_requires_name_and_personnummer_unless_protected(make_referral):
    result = eligibility.check(make_referral(name="", personnummer=""), today=TODAY)
    assert len([m for m in result.hard if "namn" in m]) == 1


def test_it_accepts_a_protected_identity_with_alias_birth_year_and_gender(make_referral):
    referral = make_referral(
        protected_identity=True,
        name="",
        personnummer="",
        alias="Blå",
        birth_year=1990,
        gender="woman",
    )
    assert eligibility.check(referral, today=TODAY).ok


def test_it_asks_a_protected_identity_for_alias_and_birth_year(make_referral):
    referral = make_referral(protected_identity=True, name="", personnummer="")
    result = eligibility.check(referral, today=TODAY)
    assert any("alias" in message for message in result.hard)


def test_it_warns_softly_about_swedish(make_referral):
    result = eligibility.check(make_referral(sufficient_swedish="no"), today=TODAY)
    assert result.ok
    assert any("svenska" in message for message in result.soft)


def test_it_requires_a_cohort_for_cohort_intake(make_referral):
    result = eligibility.check(make_referral(cohort=None), today=TODAY)
    assert any("uppstart" in message.lower() for message in result.hard)


def test_it_reads_the_birth_date_of_a_coordination_number(make_referral):
    referral = make_referral(personnummer=test_personnummer("19850161"))  # day 01 + 60
    assert eligibility.birth_date(referral) == date(1985, 1, 1)


def test_it_knows_the_birth_year_from_the_personnummer_or_the_register(make_referral):
    assert make_referral().known_birth_year == 1985
    protected = make_referral(
        protected_identity=True, name="", personnummer="", alias="Grön", birth_year=1977
    )
    assert protected.known_birth_year == 1977
