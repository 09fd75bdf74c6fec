"""A coordinator's week in a real browser: a group session with everyone's attendance, the
participant page with its flag, plan and timeline, and the due list — with axe on each page."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participants.models import Attendance, GroupSession
from participants.services import enrolment_start
from referrals.models import ReferralStatus
from referrals.services import Decision, referral_decide
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_coordinator_records_a_session_and_sees_the_absence_flag(
    page, make_referral, coordinator, cohort, axe_violations
):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    referral_decide(actor=coordinator, referral=referral, decision=Decision.ACCEPT, cohort=cohort)
    enrolment = enrolment_start(
        actor=coordinator,
        enrolment=referral.enrolment,
        coordinator=coordinator,
        enrolled_on=date(2026, 9, 1),
        income_source_before="none",
        occupation_before="other",
        education_level="unknown",
    )
    yesterday = timezone.localdate() - timedelta(days=1)
    first = GroupSession.objects.create(
        cohort=cohort,
        date=yesterday - timedelta(days=7),
        duration_minutes=180,
        theme="stress",
        recorded_by=coordinator,
    )
    Attendance.objects.create(session=first, enrolment=enrolment, status="absent")

    log_in(page, coordinator)
    page.goto(f"/cohorts/{cohort.pk}/sessions/new/")
    assert axe_violations(page) == []
    page.get_by_label("Datum").fill(yesterday.isoformat())
    page.locator("select[name=theme]").select_option(label="Sömn")
    page.get_by_role("group", name="Testa Testsson").get_by_label("Frånvarande").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert enrolment.attendances.filter(session__date=yesterday, status="absent").exists()

    page.goto(f"/participants/{enrolment.public_id}/")
    expect(page.get_by_text("Två frånvarotillfällen i rad utan giltigt skäl").first).to_be_visible()
    expect(page.get_by_role("heading", name="Tidslinje")).to_be_visible()
    assert axe_violations(page) == []

    page.goto(f"/projects/{cohort.project_id}/due/")
    overdue = page.locator("section").filter(has=page.get_by_role("heading", name="Försenad"))
    flag = overdue.get_by_role(
        "cell", name="Två frånvarotillfällen i rad utan giltigt skäl", exact=True
    )
    expect(flag).to_be_visible()
    assert axe_violations(page) == []
