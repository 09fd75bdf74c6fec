"""The ärendegrupp sees a referral whole while it is queued and for a period after the
decision (the federation's `case_group_access_days`); then a summary, without the consent
document. The referring officer and the coordinators keep everything."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import gettext as _

from fokus import policy
from fokus.models import AccessLogEntry
from referrals.models import CaseGroupMeeting, Referral, ReferralStatus, ReferralStatusChange
from tests import clock, world
from tests.world import test_personnummer

DECIDED_ON = date(2026, 11, 1)
LAST_FULL_DAY = "2026-12-01"  # the day of the decision + 30 days
FIRST_SUMMARY_DAY = "2026-12-02"

PERSONNUMMER = test_personnummer("19850101", "987")
# What the ärendegrupp no longer sees after the period (besides the personnummer).
SECRETS = [
    "Testa Testsson",
    "070-765 43 21",
    "testa@privat.example",
    "Storgatan 7",
    "Har varit sjukskriven i två år",
    "Får försörjningsstöd sedan 2024",
]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _decided_referral(make_referral, coordinator, *, status=ReferralStatus.ACCEPTED, **fields):
    """A referral decided on DECIDED_ON, with contact details, free text and a signed
    consent on file."""
    values = {"decided_at": clock.moment(DECIDED_ON), **fields}
    referral = make_referral(
        consent=False,
        status=status,
        personnummer=PERSONNUMMER,
        phone="070-765 43 21",
        email="testa@privat.example",
        street_address="Storgatan 7",
        background="Har varit sjukskriven i två år",
        income_social_assistance="yes",
        income_social_assistance_comment="Får försörjningsstöd sedan 2024",
        submitted_at=clock.moment(date(2026, 10, 1)),
        decided_by=coordinator,
        **values,
    )
    world.give_consent(referral, given_on=date(2026, 9, 30), signed_pdf=True)
    return referral


@pytest.fixture
def accepted(make_referral, coordinator, media_root):
    return _decided_referral(make_referral, coordinator)


def detail(client, referral: Referral):
    return client.get(reverse("referrals:referral-detail", args=[referral.public_id]))


def document(client, referral: Referral):
    return client.get(reverse("referrals:consent-document", args=[referral.public_id]))


def _assert_whole(response, referral):
    content = response.content.decode()
    assert response.status_code == 200
    assert referral.formatted_personnummer in content
    for secret in SECRETS:
        assert secret in content


def _assert_summary(response, referral):
    content = response.content.decode()
    assert response.status_code == 200
    assert referral.personnummer[:8] not in content
    for secret in SECRETS:
        assert secret not in content, secret
    # What the summary keeps: birth year, municipality, agency, status.
    assert "1985" in content
    assert "Ekeby" in content
    assert "Arbetsförmedlingen" in content
    assert str(ReferralStatus.ACCEPTED.label) in content


@pytest.mark.today(LAST_FULL_DAY)
def test_it_shows_the_case_group_the_whole_referral_until_the_last_day_then_a_summary(
    persona_client, accepted, case_group_member
):
    client = persona_client("case_group_member")
    _assert_whole(detail(client, accepted), accepted)
    assert document(client, accepted).status_code == 200

    with time_machine.travel(clock.moment(date.fromisoformat(FIRST_SUMMARY_DAY)), tick=True):
        client = persona_client("case_group_member")  # yesterday's session has expired
        response = detail(client, accepted)
        refused = document(client, accepted)

    _assert_summary(response, accepted)
    assert reverse("referrals:consent-document", args=[accepted.public_id]) not in (
        response.content.decode()
    )
    assert refused.status_code == 403
    assert AccessLogEntry.objects.filter(
        actor=case_group_member, object_id=str(accepted.public_id), detail="summary only"
    ).exists()


@pytest.mark.today(FIRST_SUMMARY_DAY)
def test_it_refuses_the_case_group_the_consent_document_after_the_period(
    persona_client, accepted, case_group_member
):
    response = document(persona_client("case_group_member"), accepted)

    assert response.status_code == 403
    assert not AccessLogEntry.objects.filter(
        actor=case_group_member, detail="consent document"
    ).exists()


@pytest.mark.today(FIRST_SUMMARY_DAY)
@pytest.mark.parametrize("persona", ["coordinator", "case_officer_a"])
def test_it_keeps_the_whole_referral_for_coordinators_and_the_referring_officer(
    persona_client, accepted, persona
):
    _assert_summary(detail(persona_client("case_group_member"), accepted), accepted)

    client = persona_client(persona)
    _assert_whole(detail(client, accepted), accepted)
    assert document(client, accepted).status_code == 200


@pytest.mark.today("2026-11-07")
@pytest.mark.parametrize(("days", "whole"), [(6, True), (5, False)])
def test_it_follows_the_federations_setting(persona_client, accepted, fed_a, days, whole):
    fed_a.case_group_access_days = days
    fed_a.save()

    response = detail(persona_client("case_group_member"), accepted)

    if whole:
        _assert_whole(response, accepted)
    else:
        _assert_summary(response, accepted)


@pytest.mark.parametrize(
    ("status", "today", "whole"),
    [
        (ReferralStatus.DECLINED, date(2026, 12, 1), True),
        (ReferralStatus.DECLINED, date(2026, 12, 2), False),
        (ReferralStatus.ENROLLED, date(2026, 12, 2), False),
        (ReferralStatus.EXITED, date(2026, 12, 2), False),
        # Queued: whole however old.
        (ReferralStatus.SUBMITTED, date(2030, 1, 1), True),
        (ReferralStatus.WAIT_LISTED, date(2030, 1, 1), True),
    ],
)
def test_the_rule_counts_from_the_day_of_the_decision(
    accepted, case_group_member, status, today, whole
):
    accepted.status = status
    assert policy.referrals.case_group_sees_full(case_group_member, accepted, today) is whole


def test_the_rule_gives_a_decided_referral_without_a_decision_time_the_summary(
    accepted, case_group_member, coordinator
):
    accepted.decided_at = None
    today = DECIDED_ON
    assert not policy.referrals.case_group_sees_full(case_group_member, accepted, today)
    assert policy.referrals.case_group_sees_full(coordinator, accepted, today)


def test_it_counts_a_withdrawal_from_the_day_it_was_withdrawn(
    make_referral, coordinator, case_group_member, media_root
):
    referral = _decided_referral(
        make_referral, coordinator, status=ReferralStatus.WITHDRAWN, decided_at=None
    )
    Referral.objects.filter(pk=referral.pk).update(updated_at=clock.moment(DECIDED_ON))
    referral.refresh_from_db()

    sees = policy.referrals.case_group_sees_full
    assert sees(case_group_member, referral, date(2026, 12, 1))
    assert not sees(case_group_member, referral, date(2026, 12, 2))


@pytest.mark.today(FIRST_SUMMARY_DAY)
def test_the_referral_list_shows_the_case_group_a_summary_row(persona_client, accepted):
    response = persona_client("case_group_member").get(reverse("referrals:referral-list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Testa Testsson" not in content
    assert accepted.masked_personnummer not in content
    assert _("Summary: born %(year)s") % {"year": 1985} in content


def _decided_at_meeting(referral: Referral, coordinator) -> CaseGroupMeeting:
    meeting = CaseGroupMeeting.objects.create(project=referral.project, date=DECIDED_ON)
    ReferralStatusChange.objects.create(
        referral=referral,
        status=ReferralStatus.ACCEPTED,
        by=coordinator,
        meeting=meeting,
        cohort=referral.cohort,
        comment="Behöver stöd med sin sjukdom",
    )
    return meeting


@pytest.mark.today(LAST_FULL_DAY)
@pytest.mark.parametrize("url_name", ["referrals:meeting-minutes", "referrals:meeting-detail"])
def test_the_meeting_page_and_minutes_hide_name_and_comment_after_the_period(
    persona_client, accepted, coordinator, url_name
):
    meeting = _decided_at_meeting(accepted, coordinator)
    url = reverse(url_name, args=[meeting.pk])
    last_day = persona_client("case_group_member").get(url).content.decode()
    assert "Testa Testsson" in last_day

    with time_machine.travel(clock.moment(date.fromisoformat(FIRST_SUMMARY_DAY)), tick=True):
        group = persona_client("case_group_member").get(url).content.decode()
        minutes_keeper = persona_client("coordinator").get(url).content.decode()

    assert "Testa Testsson" not in group
    assert "Behöver stöd med sin sjukdom" not in group
    assert "1985" in group
    assert "Testa Testsson" in minutes_keeper
    if url_name == "referrals:meeting-minutes":  # the meeting page shows no comments
        assert "Behöver stöd med sin sjukdom" in minutes_keeper
