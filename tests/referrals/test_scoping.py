"""Who sees which referrals, meetings and consultations."""

from datetime import date

import pytest

from referrals.models import CaseGroupMeeting, Consultation, Referral, ReferralStatus


@pytest.fixture
def referrals(make_referral, agency_fk, case_officer_b):
    from tests.referrals.conftest import test_personnummer

    return {
        "af_draft": make_referral(),
        "af_submitted": make_referral(
            status=ReferralStatus.SUBMITTED, personnummer=test_personnummer("19850101", "981")
        ),
        "fk_submitted": make_referral(
            agency=agency_fk,
            officer=case_officer_b,
            status=ReferralStatus.SUBMITTED,
            personnummer=test_personnummer("19850101", "982"),
        ),
    }


def _visible(user) -> set[str]:
    return set(Referral.objects.for_user(user).values_list("personnummer", flat=True))


def _names(referrals, *keys) -> set[str]:
    return {referrals[key].personnummer for key in keys}


def test_it_shows_a_case_officer_only_their_agencys_referrals(
    referrals, case_officer_a, case_officer_b
):
    assert _visible(case_officer_a) == _names(referrals, "af_draft", "af_submitted")
    assert _visible(case_officer_b) == _names(referrals, "fk_submitted")


def test_it_shows_coordinators_and_the_case_group_no_drafts(
    referrals, coordinator, case_group_member
):
    expected = _names(referrals, "af_submitted", "fk_submitted")
    assert _visible(coordinator) == expected
    assert _visible(case_group_member) == expected


def test_it_shows_staff_admins_and_outsiders_nothing(
    referrals, federation_staff, federation_admin, outsider, outsider_admin, no_role_user
):
    for user in (federation_staff, federation_admin, outsider, outsider_admin, no_role_user):
        assert _visible(user) == set()


def test_it_hides_another_projects_referrals_from_its_coordinator(
    referrals, coordinator, project_a_other, make_referral
):
    from tests.referrals.conftest import test_personnummer

    other = make_referral(
        project=project_a_other,
        cohort=None,
        status=ReferralStatus.SUBMITTED,
        personnummer=test_personnummer("19850101", "983"),
    )
    assert other.personnummer not in _visible(coordinator)


def test_it_scopes_meetings_and_consultations(
    project_a,
    agency_fk,
    case_officer_b,
    case_officer_a,
    coordinator,
    case_group_member,
    federation_staff,
    outsider,
):
    meeting = CaseGroupMeeting.objects.create(project=project_a, date=date(2026, 6, 10))
    consultation = Consultation.objects.create(
        project=project_a,
        raised_by_agency=agency_fk,
        raised_by=case_officer_b,
        summary="Person i 40-årsåldern",
        question="Vilken insats passar?",
    )
    for user in (coordinator, case_group_member):
        assert list(CaseGroupMeeting.objects.for_user(user)) == [meeting]
        assert list(Consultation.objects.for_user(user)) == [consultation]
    assert list(Consultation.objects.for_user(case_officer_b)) == [consultation]
    for user in (case_officer_a, federation_staff, outsider):
        assert not Consultation.objects.for_user(user).exists()
        assert not CaseGroupMeeting.objects.for_user(user).exists()
