"""The partner survey on a phone through a personal link: no account, errors announced and
nothing typed lost, a thank-you page — with axe on each page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from surveys.answering import hash_token, new_token
from surveys.definitions import survey_copy
from surveys.models import Contact, Invitation, Response, Survey
from tests.browser.conftest import restore_built_in_rows

pytestmark = pytest.mark.browser


def test_a_partner_answers_the_built_in_survey_on_a_phone(
    browser, live_server, django_db_setup, transactional_db, project_a, coordinator, axe_violations
):
    restore_built_in_rows()
    survey = survey_copy(
        actor=coordinator,
        source=Survey.objects.templates().get(name="Samverkan"),
        project=project_a,
    )
    contact = Contact.objects.create(project=project_a, name="Per Partner", email="p@a.example")
    token = new_token()
    invitation = Invitation.objects.create(
        survey=survey,
        contact=contact,
        token_hash=hash_token(token),
        expires_on=timezone.localdate() + timedelta(days=14),
        sent_at=timezone.now(),
    )
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    try:
        page.goto(f"/s/p/{token}/")
        expect(page.get_by_role("heading", name="Samverkan")).to_be_visible()
        assert "{#" not in page.content()  # template comments stay out of the page
        assert axe_violations(page) == []

        # A free-text comment only: the required questions are missing, the comment is kept.
        page.locator("textarea").last.fill("Bra samarbete")
        page.get_by_role("button", name="Skicka").click()
        expect(page.get_by_role("alert").first).to_be_visible()
        assert page.locator("textarea").last.input_value() == "Bra samarbete"
        assert axe_violations(page) == []
        assert not Response.objects.exists()

        for group in page.locator("fieldset").all():
            radios = group.locator("input[type=radio]")
            if radios.count():
                # Scales are buttons: the person taps the label, as here.
                choice = radios.last.get_attribute("id")
                page.locator(f"label[for='{choice}']").click()
        page.get_by_role("button", name="Skicka").click()
        expect(page.get_by_text("Tack för dina svar!")).to_be_visible()
        assert axe_violations(page) == []
    finally:
        context.close()

    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    response = Response.objects.get()
    assert response.invitation == invitation
    assert response.answers.count() == 9
