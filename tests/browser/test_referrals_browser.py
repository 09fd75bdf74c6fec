"""The referral flow in a real browser, with axe on every page it passes."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import CaseGroupMeeting, Referral, ReferralStatus
from tests.browser.conftest import log_in
from tests.conftest import test_personnummer

pytestmark = pytest.mark.browser


def test_it_keeps_a_draft_with_a_bad_personnummer_and_passes_axe(
    page, case_officer_a, project_a, cohort, axe_violations
):
    log_in(page, case_officer_a)
    page.goto("/referrals/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Ny anvisning").click()
    page.get_by_role("button", name="Skapa utkast").click()
    page.wait_for_url("**/edit/")
    page.get_by_label("Namn", exact=True).fill("Testa Testsson")
    page.get_by_label("Personnummer").fill("850101-1235")  # wrong check digit
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("Ingenting sparades")).to_be_visible()
    assert page.get_by_label("Namn", exact=True).input_value() == "Testa Testsson"
    assert axe_violations(page) == []


def test_it_lets_the_case_group_accept_a_queued_referral(
    page, case_group_member, make_referral, project_a, axe_violations
):
    meeting = CaseGroupMeeting.objects.create(
        project=project_a, date=timezone.localdate() + timedelta(days=3)
    )
    referral = make_referral(
        status=ReferralStatus.SUBMITTED,
        meeting=meeting,
        personnummer=test_personnummer("19850101", "981"),
    )
    log_in(page, case_group_member)
    page.goto(f"/meetings/{meeting.pk}/")
    assert axe_violations(page) == []
    card = page.locator("article").filter(has_text=referral.name)
    assert referral.formatted_personnummer not in card.inner_text()
    card.get_by_text("Registrera beslutet").click()
    card.get_by_label("Anta").check()
    card.get_by_role("button", name="Spara beslut").click()
    expect(page.locator(".alert-success")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    page.goto(f"/projects/{project_a.pk}/places/")
    assert axe_violations(page) == []
    assert Referral.objects.get(pk=referral.pk).enrolment is not None
