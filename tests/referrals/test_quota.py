"""Places per cohort and agency, release of unused places, yearly quotas and the race for
the last place."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from cohorts.models import AgencyYearQuota
from fokus.models import AgencyKind
from fokus.roles import Role
from referrals import quota, services
from referrals.models import Referral, ReferralStatus
from referrals.services import ReferralError
from tests.conftest import make_user
from tests.referrals.conftest import test_personnummer

BEFORE_RELEASE = date(2026, 8, 1)
AFTER_RELEASE = date(2026, 8, 20)


def _fill(make_referral, n, *, agency=None, status=ReferralStatus.SUBMITTED, start=0):
    for i in range(start, start + n):
        make_referral(
            agency=agency,
            status=status,
            personnummer=test_personnummer("19850101", str(980 + i)),
        )


def test_it_refuses_a_fifth_referral_from_one_agency_and_names_who_has_places(
    make_referral, case_officer_a, agency_fk
):
    _fill(make_referral, 4)
    fifth = make_referral(personnummer=test_personnummer("19900101", "990"))
    with pytest.raises(ReferralError) as refused:
        services.referral_submit(actor=case_officer_a, referral=fifth, today=BEFORE_RELEASE)
    message = " ".join(refused.value.messages)
    assert "Försäkringskassan" in message
    assert "Arbetsförmedlingen" not in message.split(":", 1)[1]
    fifth.refresh_from_db()
    assert fifth.status == ReferralStatus.DRAFT


def test_it_opens_unused_places_to_every_agency_after_the_release_date(
    make_referral, case_officer_a
):
    _fill(make_referral, 4)
    fifth = make_referral(personnummer=test_personnummer("19900101", "990"))
    services.referral_submit(actor=case_officer_a, referral=fifth, today=AFTER_RELEASE)
    fifth.refresh_from_db()
    assert fifth.status == ReferralStatus.SUBMITTED


def test_it_frees_the_place_of_a_withdrawn_or_declined_referral(make_referral, case_officer_a):
    _fill(make_referral, 3)
    _fill(make_referral, 1, status=ReferralStatus.WITHDRAWN, start=3)
    _fill(make_referral, 1, status=ReferralStatus.DECLINED, start=4)
    _fill(make_referral, 1, status=ReferralStatus.WAIT_LISTED, start=5)
    fourth = make_referral(personnummer=test_personnummer("19900101", "990"))
    services.referral_submit(actor=case_officer_a, referral=fourth, today=BEFORE_RELEASE)
    assert Referral.objects.filter(status=ReferralStatus.SUBMITTED).count() == 4


def test_it_refuses_when_the_whole_start_is_full(make_referral, cohort, case_officer_a):
    cohort.places, cohort.places_per_agency = 4, 4
    cohort.save()
    _fill(make_referral, 4)
    late = make_referral(personnummer=test_personnummer("19900101", "990"))
    with pytest.raises(ReferralError, match="full"):
        services.referral_submit(actor=case_officer_a, referral=late, today=AFTER_RELEASE)


def test_it_shows_used_open_and_released_places_on_the_board(
    make_referral, project_a, cohort, agency_af, agency_fk, agency_soc
):
    _fill(make_referral, 3)
    board = quota.cohort_board(project_a, today=BEFORE_RELEASE)
    [row] = board
    af = row.for_agency(agency_af.pk)
    assert (row.used, row.free, row.released_places) == (3, 13, 0)
    assert (af.used, af.open_own) == (3, 1)
    assert row.for_agency(agency_fk.pk).open_own == 4
    after = quota.cohort_board(project_a, today=AFTER_RELEASE)[0]
    # AF's 1 unused and FK's 4 are released; the social services of Ekeby has 4 too.
    assert after.released_places == 1 + 4 + 4


def test_it_counts_the_board_in_constant_queries(
    make_referral, project_a, django_assert_max_num_queries
):
    _fill(make_referral, 2)
    with django_assert_max_num_queries(5):
        quota.cohort_board(project_a, today=BEFORE_RELEASE)
    _fill(make_referral, 2, start=2)
    with django_assert_max_num_queries(5):
        quota.cohort_board(project_a, today=BEFORE_RELEASE)


@pytest.mark.today("2026-03-02")  # the quota is per year of submission, which is now
def test_it_limits_rolling_intake_per_agency_and_year(
    make_referral, project_a, agency_af, case_officer_a
):
    project_a.intake_mode = "rolling"
    project_a.save()
    AgencyYearQuota.objects.create(project=project_a, agency=agency_af, year=2026, places=1)
    first = make_referral(cohort=None)
    services.referral_submit(actor=case_officer_a, referral=first, today=date(2026, 3, 1))
    second = make_referral(cohort=None, personnummer=test_personnummer("19900101", "990"))
    with pytest.raises(ReferralError):
        services.referral_submit(actor=case_officer_a, referral=second, today=date(2026, 3, 2))


def test_it_does_not_limit_rolling_intake_without_a_quota(make_referral, project_a, case_officer_a):
    project_a.intake_mode = "rolling"
    project_a.save()
    for i in range(3):
        referral = make_referral(
            cohort=None, personnummer=test_personnummer("19850101", str(980 + i))
        )
        services.referral_submit(actor=case_officer_a, referral=referral, today=date(2026, 3, 1))
    assert Referral.objects.filter(status=ReferralStatus.SUBMITTED).count() == 3


@pytest.mark.django_db(transaction=True)
def test_it_gives_the_last_place_to_exactly_one_of_two_officers(
    make_referral, cohort, fed_a, agency_af, case_officer_a
):
    """Two officers of the same agency submit at the same moment for its last place, each
    through their own database connection."""
    colleague = make_user(
        fed_a, "kollega@a.example", "Kerstin Kollega", (Role.CASE_OFFICER, {"agency": agency_af})
    )
    _fill(make_referral, 3)
    mine = make_referral(personnummer=test_personnummer("19900101", "990"))
    theirs = make_referral(officer=colleague, personnummer=test_personnummer("19900101", "991"))
    barrier = threading.Barrier(2)
    outcomes = {}

    def submit(actor, referral):
        try:
            barrier.wait(timeout=10)
            services.referral_submit(actor=actor, referral=referral, today=BEFORE_RELEASE)
            outcomes[referral.pk] = "booked"
        except ReferralError:
            outcomes[referral.pk] = "refused"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(case_officer_a, mine)),
        threading.Thread(target=submit, args=(colleague, theirs)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["booked", "refused"]
    assert Referral.objects.filter(status=ReferralStatus.SUBMITTED).count() == 4
    assert connection.vendor == "postgresql"


def test_it_only_lists_the_cohorts_own_social_services(project_a, cohort, fed_a, municipality_a2):
    from fokus.models import Agency

    Agency.objects.create(
        federation=fed_a,
        kind=AgencyKind.SOCIAL_SERVICES,
        name="Norrvik soc",
        municipality=municipality_a2,
    )
    names = {a.name for a in quota.referring_agencies(project_a, cohort)}
    assert "Norrvik soc" not in names
