"""Submitting, withdrawing, deciding and consent withdrawal, through the services."""

from datetime import date

import pytest
from django.core import mail

from participants.models import Enrolment
from referrals import services
from referrals.models import CaseGroupMeeting, DeclineReason, Referral, ReferralStatus
from referrals.services import Decision, ReferralError
from tests.referrals.conftest import test_personnummer

TODAY = date(2026, 6, 1)


@pytest.fixture
def submitted(make_referral, case_officer_a, django_capture_on_commit_callbacks):
    referral = make_referral()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_submit(actor=case_officer_a, referral=referral, today=TODAY)
    referral.refresh_from_db()
    return referral


def test_it_submits_and_queues_for_the_next_meeting(make_referral, project_a, case_officer_a):
    CaseGroupMeeting.objects.create(project=project_a, date=date(2026, 5, 1))  # past
    upcoming = CaseGroupMeeting.objects.create(project=project_a, date=date(2026, 6, 10))
    CaseGroupMeeting.objects.create(project=project_a, date=date(2026, 7, 1))
    referral = make_referral()
    services.referral_submit(actor=case_officer_a, referral=referral, today=TODAY)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.meeting == upcoming
    assert referral.submitted_at is not None
    assert [h.status for h in referral.history.all()] == [ReferralStatus.SUBMITTED]


def test_it_refuses_to_submit_with_a_failed_hard_rule_and_changes_nothing(
    make_referral, case_officer_a
):
    referral = make_referral(consent=False)
    with pytest.raises(ReferralError):
        services.referral_submit(actor=case_officer_a, referral=referral, today=TODAY)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert not referral.history.exists()


def test_it_asks_for_a_comment_on_a_soft_warning(make_referral, case_officer_a):
    referral = make_referral(sufficient_swedish="no")
    with pytest.raises(ReferralError):
        services.referral_submit(actor=case_officer_a, referral=referral, today=TODAY)
    referral.eligibility_comment = "Tolk behövs inte i gruppen enligt handläggaren."
    referral.save()
    result = services.referral_submit(actor=case_officer_a, referral=referral, today=TODAY)
    assert result.warnings


def test_it_refuses_a_duplicate_without_revealing_the_other_referral(
    submitted, make_referral, agency_fk, case_officer_b
):
    again = make_referral(
        agency=agency_fk, officer=case_officer_b, personnummer=submitted.personnummer
    )
    with pytest.raises(ReferralError) as refused:
        services.referral_submit(actor=case_officer_b, referral=again, today=TODAY)
    message = " ".join(refused.value.messages)
    assert "redan" in message
    assert "Arbetsförmedlingen" not in message and submitted.name not in message


def test_it_allows_a_new_referral_after_the_first_was_declined(
    submitted, make_referral, case_group_member
):
    services.referral_decide(
        actor=case_group_member,
        referral=submitted,
        decision=Decision.DECLINE,
        reason=DeclineReason.NOT_TARGET_GROUP,
        today=TODAY,
    )
    again = make_referral(personnummer=submitted.personnummer)
    services.referral_submit(actor=submitted.created_by, referral=again, today=TODAY)


def test_it_mails_the_officer_a_link_and_no_personal_data(submitted, case_officer_a):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [case_officer_a.email]
    text = message.subject + message.body
    assert str(submitted.public_id) in text
    for secret in (
        submitted.name,
        submitted.personnummer,
        submitted.formatted_personnummer,
        "Insats A",
    ):
        assert secret not in text


def test_it_withdraws_before_the_decision_with_a_reason(submitted, case_officer_a):
    with pytest.raises(ReferralError):
        services.referral_withdraw(actor=case_officer_a, referral=submitted, reason="  ")
    services.referral_withdraw(actor=case_officer_a, referral=submitted, reason="Fick jobb")
    submitted.refresh_from_db()
    assert submitted.status == ReferralStatus.WITHDRAWN
    assert submitted.history.last().note == "Fick jobb"


def test_it_accepts_into_a_cohort_and_creates_the_enrolment(submitted, case_group_member, cohort):
    services.referral_decide(
        actor=case_group_member, referral=submitted, decision=Decision.ACCEPT, today=TODAY
    )
    submitted.refresh_from_db()
    assert submitted.status == ReferralStatus.ACCEPTED
    assert submitted.decided_by == case_group_member
    enrolment = Enrolment.objects.get(referral=submitted)
    assert enrolment.cohort == cohort
    with pytest.raises(ReferralError):
        services.referral_withdraw(actor=submitted.created_by, referral=submitted, reason="x")


def test_it_requires_a_reason_to_decline(submitted, case_group_member):
    with pytest.raises(ReferralError):
        services.referral_decide(
            actor=case_group_member, referral=submitted, decision=Decision.DECLINE, today=TODAY
        )
    with pytest.raises(ReferralError):
        services.referral_decide(
            actor=case_group_member,
            referral=submitted,
            decision=Decision.DECLINE,
            reason=DeclineReason.OTHER,
            comment="",
            today=TODAY,
        )
    services.referral_decide(
        actor=case_group_member,
        referral=submitted,
        decision=Decision.DECLINE,
        reason=DeclineReason.OTHER,
        comment="Annan insats passar bättre",
        today=TODAY,
    )
    submitted.refresh_from_db()
    assert submitted.status == ReferralStatus.DECLINED


def test_it_keeps_the_wait_list_order(make_referral, case_officer_a, case_group_member):
    first = make_referral(personnummer=test_personnummer("19850101", "981"))
    second = make_referral(personnummer=test_personnummer("19850101", "982"))
    for referral in (first, second):
        services.referral_submit(actor=case_officer_a, referral=referral, today=TODAY)
    for referral in (first, second):
        services.referral_decide(
            actor=case_group_member, referral=referral, decision=Decision.WAIT_LIST, today=TODAY
        )
    # Wait-listing the first again keeps its place at the head of the list.
    services.referral_decide(
        actor=case_group_member, referral=first, decision=Decision.WAIT_LIST, today=TODAY
    )
    order = list(
        Referral.objects.filter(status=ReferralStatus.WAIT_LISTED).order_by("wait_listed_at")
    )
    assert order == [first, second]


def test_it_stops_everything_when_consent_is_withdrawn(submitted, case_group_member, coordinator):
    services.referral_decide(
        actor=case_group_member, referral=submitted, decision=Decision.ACCEPT, today=TODAY
    )
    services.consent_withdraw(
        actor=coordinator, referral=submitted, withdrawn_on=TODAY, channel="phone", note="Ringde"
    )
    submitted.refresh_from_db()
    assert submitted.status == ReferralStatus.CONSENT_WITHDRAWN
    assert submitted.consent.withdrawn_by == coordinator
    assert submitted.consent.withdrawn_at is not None
    assert Enrolment.objects.get(referral=submitted).status == Enrolment.Status.CONSENT_WITHDRAWN
    with pytest.raises(ReferralError):
        services.consent_withdraw(
            actor=coordinator, referral=submitted, withdrawn_on=TODAY, channel="phone"
        )


def test_it_decides_a_referral_only_once(submitted, case_group_member):
    services.referral_decide(
        actor=case_group_member, referral=submitted, decision=Decision.ACCEPT, today=TODAY
    )
    with pytest.raises(ReferralError):
        services.referral_decide(
            actor=case_group_member, referral=submitted, decision=Decision.ACCEPT, today=TODAY
        )
    assert Enrolment.objects.count() == 1


def test_it_lets_consent_be_withdrawn_after_a_decline(submitted, case_group_member, case_officer_a):
    from fokus import policy

    services.referral_decide(
        actor=case_group_member,
        referral=submitted,
        decision=Decision.DECLINE,
        reason=DeclineReason.NO_PLACE,
        today=TODAY,
    )
    submitted.refresh_from_db()
    assert policy.referrals.can_withdraw_consent(case_officer_a, submitted)
    services.consent_withdraw(
        actor=case_officer_a, referral=submitted, withdrawn_on=TODAY, channel="letter"
    )
    submitted.refresh_from_db()
    assert submitted.status == ReferralStatus.CONSENT_WITHDRAWN
    assert [h.status for h in submitted.history.all()][-2:] == [
        ReferralStatus.DECLINED,
        ReferralStatus.CONSENT_WITHDRAWN,
    ]
