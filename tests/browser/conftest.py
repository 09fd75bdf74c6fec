"""Headless Debian Chromium through Playwright, against pytest-django's live server."""

import os
from importlib import import_module
from pathlib import Path

import pytest

from tests import world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe" / "axe.min.js"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def restore_built_in_rows() -> None:
    """Transactional tests (these, and the concurrency tests) end with a flush, which also
    removes the rows the data migrations made: the default step ladder and the built-in
    surveys. Put them back as the migrations would."""
    from django.apps import apps

    from stepladder.models import Ladder
    from surveys.models import Survey

    if not Ladder.objects.filter(is_default=True).exists():
        import_module("stepladder.migrations.0002_default_ladder").create_default_ladder(apps, None)
    if not Survey.objects.templates().exists():
        import_module("surveys.migrations.0002_default_surveys").create_built_in_surveys(apps, None)


@pytest.fixture
def page(browser, django_db_setup, live_server, transactional_db):
    # django_db_setup first: fixtures are torn down in reverse order, so the live server (and
    # its thread's database connection) goes before the test database is dropped.
    restore_built_in_rows()
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe_violations():
    """Run axe-core (vendored) on the current page; return its WCAG 2.1 A/AA violations."""
    source = AXE.read_text(encoding="utf-8")

    def run(page) -> list[dict]:
        page.evaluate(source)  # evaluated, not injected, so our strict CSP stays on
        return page.evaluate(
            """async () => (await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
            })).violations.map(v => ({id: v.id, help: v.help,
                                       nodes: v.nodes.map(n => n.target.join(' '))}))"""
        )

    return run


def log_in(page, user) -> None:
    """Sign in through the real pages: the password, then the code of the user's app."""
    device = world.authenticator(user)
    page.goto("/accounts/login/")
    page.get_by_label("E-post").fill(user.email)
    page.get_by_label("Lösenord").fill(world.PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/two-factor/verify/**")
    page.get_by_label("Kod").fill(world.code_now(device))
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url("**/")
