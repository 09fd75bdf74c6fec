"""The shell in a real browser: log in through the form, navigate, accessibility checks."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests import world
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_it_logs_in_and_shows_the_coordinator_their_project(page, coordinator, project_a):
    log_in(page, coordinator)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Välkommen")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    assert nav.get_by_role("link", name="Insatser").is_visible()
    assert nav.get_by_role("link", name="Användare").count() == 0
    page.get_by_role("link", name=project_a.name).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == project_a.name


def test_it_shows_a_swedish_error_for_a_wrong_password(page, coordinator):
    page.goto("/accounts/login/")
    page.get_by_label("E-post").fill(coordinator.email)
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Logga in").click()
    assert "E-postadressen eller lösenordet är fel" in page.content()
    assert page.get_by_label("E-post").input_value() == coordinator.email  # nothing lost


def test_it_offers_a_skip_link_as_the_first_tab_stop(page, coordinator):
    log_in(page, coordinator)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/projects/",
        "/manage/users/",
        "/manage/projects/new/",
        "/manage/access-log/",
        "/accessibility/",
    ],
)
def test_it_has_no_axe_violations_for_the_admin(
    page, federation_admin, project_a, path, axe_violations
):
    log_in(page, federation_admin)
    page.goto(path)
    assert axe_violations(page) == []


def test_it_has_no_axe_violations_on_login_and_on_a_form_with_errors(
    page, federation_admin, axe_violations
):
    page.goto("/accounts/login/")
    assert axe_violations(page) == []
    log_in(page, federation_admin)
    page.goto("/manage/municipalities/new/")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#form-errors")).to_contain_text("Formuläret innehåller fel")
    expect(page.get_by_text("Detta fält måste fyllas i.")).to_be_visible()
    assert axe_violations(page) == []


def test_a_first_login_sets_up_the_app_and_passes_axe(page, coordinator, axe_violations):
    page.goto("/accounts/login/")
    page.get_by_label("E-post").fill(coordinator.email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/two-factor/setup/**")
    expect(page.get_by_role("img", name="QR-kod för autentiseringsappen")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("textbox", name="Kod").fill(
        world.code_now(TOTPDevice.objects.get(user=coordinator))
    )
    page.get_by_role("button", name="Bekräfta").click()
    expect(page.get_by_role("heading", name="Dina reservkoder")).to_be_visible()
    assert page.locator(".backup-codes li").count() == 10
    assert axe_violations(page) == []
    page.get_by_role("link", name="Jag har sparat dem, fortsätt").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Välkommen")
