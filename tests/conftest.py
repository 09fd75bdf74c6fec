"""Personas shared by every test: two federations, and one user per role (built by
tests/world.py), the suite's clock and its writer check."""

import pytest
import time_machine
from django.test import Client

from fokus.models import Agency, AgencyKind
from tests import clock, world, writer_guard
from tests.world import PASSWORD, make_user, test_personnummer  # noqa: F401  (shared by tests)

# --- The writer check (tests/writer_guard.py) -------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _writer_guard():
    from django.db import connections
    from django.db.backends.signals import connection_created

    guard = writer_guard.Guard()

    def install(sender, connection, **kwargs):
        guard.install(connection)

    for connection in connections.all():
        guard.install(connection)
    # Threads (the live server's) open connections of their own.
    connection_created.connect(install, weak=False)
    yield guard
    connection_created.disconnect(install)


@pytest.fixture(autouse=True)
def _no_non_atomic_writes(_writer_guard):
    """Fails the test even when the code under test swallowed the guard's error."""
    _writer_guard.violations.clear()
    yield
    assert not _writer_guard.violations, _writer_guard.violations[0]


# --- The clock ------------------------------------------------------------------------------


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "today(day): run the test on this day (YYYY-MM-DD) instead of the suite's today"
    )


@pytest.fixture(scope="session", autouse=True)
def _suite_clock():
    """The suite's today for everything built before the first test too (module fixtures)."""
    with time_machine.travel(clock.moment(clock.today()), tick=True):
        yield


@pytest.fixture(autouse=True)
def _test_clock(request):
    """Each test starts at 10:00 on the suite's today, or on the day its `today` marker names."""
    marker = request.node.get_closest_marker("today")
    day = clock.parse_day(marker.args[0]) if marker else clock.today()
    with time_machine.travel(clock.moment(day), tick=True):
        yield


@pytest.fixture
def fed_a(db):
    return world.federation_a()


@pytest.fixture
def fed_b(db):
    return world.federation_b()


@pytest.fixture
def municipality_a(fed_a):
    return world.municipality_a(fed_a)


@pytest.fixture
def municipality_a2(fed_a):
    return world.municipality_a2(fed_a)


@pytest.fixture
def agency_af(fed_a):
    return world.agency_af(fed_a)


@pytest.fixture
def agency_fk(fed_a):
    return world.agency_fk(fed_a)


@pytest.fixture
def agency_soc(fed_a, municipality_a):
    return world.agency_soc(fed_a, municipality_a)


@pytest.fixture
def project_a(fed_a, municipality_a, municipality_a2):
    return world.project_a(fed_a, municipality_a, municipality_a2)


@pytest.fixture
def project_a_other(fed_a, municipality_a):
    """A second project of federation A in which our coordinator has no role."""
    return world.project_a_other(fed_a, municipality_a)


@pytest.fixture
def project_b(fed_b):
    return world.project_b(fed_b)


@pytest.fixture
def agency_b(fed_b):
    return Agency.objects.create(
        federation=fed_b, kind=AgencyKind.EMPLOYMENT_SERVICE, name="Arbetsförmedlingen B"
    )


@pytest.fixture
def coordinator(fed_a, project_a):
    return world.coordinator(fed_a, project_a)


@pytest.fixture
def case_officer_a(fed_a, agency_af):
    return world.case_officer_a(fed_a, agency_af)


@pytest.fixture
def case_officer_b(fed_a, agency_fk):
    return world.case_officer_b(fed_a, agency_fk)


@pytest.fixture
def case_group_member(fed_a, project_a, agency_soc):
    return world.case_group_member(fed_a, project_a, agency_soc)


@pytest.fixture
def federation_staff(fed_a):
    return world.federation_staff(fed_a)


@pytest.fixture
def federation_admin(fed_a):
    return world.federation_admin(fed_a)


@pytest.fixture
def no_role_user(fed_a):
    return world.no_role_user(fed_a)


@pytest.fixture
def outsider(fed_b, project_b):
    """A coordinator of another federation."""
    return world.outsider(fed_b, project_b)


@pytest.fixture
def outsider_admin(fed_b):
    return world.outsider_admin(fed_b)


PERSONAS = [
    "coordinator",
    "case_officer_a",
    "case_officer_b",
    "case_group_member",
    "federation_staff",
    "federation_admin",
    "no_role_user",
    "outsider",
    "outsider_admin",
    "anonymous",
]


@pytest.fixture
def persona_client(request):
    """client_for("coordinator") → a test client logged in as that persona."""

    def client_for(name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return client_for


@pytest.fixture
def admin_client_a(federation_admin):
    client = Client()
    client.force_login(federation_admin)
    return client


@pytest.fixture(autouse=True)
def _second_factor_on_force_login(monkeypatch):
    """A test client logged in with force_login has passed the second factor too, as every
    real session must before it sees a page with data (fokus/signin/middleware.py)."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        world.pass_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs seconds per test with ten personas.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The reset page's constant answer time is tested on its own (tests/fokus/test_signin.py).
    settings.FOKUS_PASSWORD_RESET_MIN_SECONDS = 0.0


# --- Referrals ------------------------------------------------------------------------------


@pytest.fixture
def cohort(project_a, municipality_a):
    return world.cohort(project_a, municipality_a)


@pytest.fixture
def make_referral(project_a, agency_af, case_officer_a, municipality_a, cohort):
    """A complete draft with consent, ready to submit; override any field by keyword."""

    def make(*, consent=True, agency=None, officer=None, **fields):
        return world.referral(
            project_a,
            cohort,
            agency or agency_af,
            officer or case_officer_a,
            municipality_a,
            consent=consent,
            **fields,
        )

    return make
