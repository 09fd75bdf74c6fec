"""Personas shared by every test: two federations, and one user per role.

Federation A ("Förbund A") has municipalities Ekeby and Norrvik, agencies AF, FK and Ekeby's
social services, and project "Insats A". Federation B is the outsider tenant.
"""

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from fokus.access import Role
from fokus.models import Agency, AgencyKind, Federation, Membership, Municipality, Project, User
from participants.models import Cohort
from referrals.demo import demo_personnummer
from referrals.models import Consent, ConsentMethod, Referral
from tests import clock, writer_guard

PASSWORD = "Testlosen-2026!"


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


def make_user(federation, email, name, *roles):
    user = User.objects.create_user(email, PASSWORD, full_name=name, federation=federation)
    for role, context in roles:
        Membership.objects.create(
            user=user,
            federation=federation,
            role=role,
            project=context.get("project"),
            agency=context.get("agency"),
            is_substitute=context.get("substitute", False),
        )
    return user


@pytest.fixture
def fed_a(db):
    return Federation.objects.create(name="Förbund A", slug="a", contact_email="a@forbund.example")


@pytest.fixture
def fed_b(db):
    return Federation.objects.create(name="Förbund B", slug="b")


@pytest.fixture
def municipality_a(fed_a):
    return Municipality.objects.create(federation=fed_a, name="Ekeby", code="9901")


@pytest.fixture
def municipality_a2(fed_a):
    return Municipality.objects.create(federation=fed_a, name="Norrvik", code="9902")


@pytest.fixture
def agency_af(fed_a):
    return Agency.objects.create(
        federation=fed_a, kind=AgencyKind.EMPLOYMENT_SERVICE, name="Arbetsförmedlingen"
    )


@pytest.fixture
def agency_fk(fed_a):
    return Agency.objects.create(
        federation=fed_a, kind=AgencyKind.SOCIAL_INSURANCE, name="Försäkringskassan"
    )


@pytest.fixture
def agency_soc(fed_a, municipality_a):
    return Agency.objects.create(
        federation=fed_a,
        kind=AgencyKind.SOCIAL_SERVICES,
        name="Ekeby socialtjänst",
        municipality=municipality_a,
    )


@pytest.fixture
def project_a(fed_a, municipality_a, municipality_a2):
    project = Project.objects.create(
        federation=fed_a,
        name="Insats A",
        owner="Ekeby kommun",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
    )
    project.municipalities.set([municipality_a, municipality_a2])
    return project


@pytest.fixture
def project_a_other(fed_a, municipality_a):
    """A second project of federation A in which our coordinator has no role."""
    project = Project.objects.create(
        federation=fed_a,
        name="Insats A2",
        owner="Norrvik kommun",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    project.municipalities.set([municipality_a])
    return project


@pytest.fixture
def project_b(fed_b):
    municipality = Municipality.objects.create(federation=fed_b, name="Västby")
    project = Project.objects.create(
        federation=fed_b,
        name="Insats B",
        owner="Västby kommun",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
    )
    project.municipalities.set([municipality])
    return project


@pytest.fixture
def agency_b(fed_b):
    return Agency.objects.create(
        federation=fed_b, kind=AgencyKind.EMPLOYMENT_SERVICE, name="Arbetsförmedlingen B"
    )


@pytest.fixture
def coordinator(fed_a, project_a):
    return make_user(
        fed_a,
        "koordinator@a.example",
        "Kim Koordinator",
        (Role.COORDINATOR, {"project": project_a}),
    )


@pytest.fixture
def case_officer_a(fed_a, agency_af):
    return make_user(
        fed_a,
        "handlaggare.af@a.example",
        "Hanna Handläggare",
        (Role.CASE_OFFICER, {"agency": agency_af}),
    )


@pytest.fixture
def case_officer_b(fed_a, agency_fk):
    return make_user(
        fed_a,
        "handlaggare.fk@a.example",
        "Filip Försäkring",
        (Role.CASE_OFFICER, {"agency": agency_fk}),
    )


@pytest.fixture
def case_group_member(fed_a, project_a, agency_soc):
    return make_user(
        fed_a,
        "arendegrupp@a.example",
        "Siv Samverkan",
        (Role.CASE_GROUP_MEMBER, {"project": project_a, "agency": agency_soc}),
    )


@pytest.fixture
def federation_staff(fed_a):
    return make_user(fed_a, "kansli@a.example", "Frida Förbund", (Role.FEDERATION_STAFF, {}))


@pytest.fixture
def federation_admin(fed_a):
    return make_user(fed_a, "admin@a.example", "Ada Admin", (Role.FEDERATION_ADMIN, {}))


@pytest.fixture
def no_role_user(fed_a):
    return make_user(fed_a, "ny@a.example", "Nils Nyanställd")


@pytest.fixture
def outsider(fed_b, project_b):
    """A coordinator of another federation."""
    return make_user(
        fed_b, "koordinator@b.example", "Olle Utanför", (Role.COORDINATOR, {"project": project_b})
    )


@pytest.fixture
def outsider_admin(fed_b):
    return make_user(fed_b, "admin@b.example", "Berit Bförbund", (Role.FEDERATION_ADMIN, {}))


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
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs seconds per test with ten personas.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Referrals ------------------------------------------------------------------------------
# Personnummer use serial numbers 980–999, which Skatteverket keeps for testing.


def test_personnummer(birth: str, serial: str = "980") -> str:
    """12 digits for a birth date YYYYMMDD and a test serial 980–999."""
    return demo_personnummer(birth, int(serial))


# pytest should not collect the helper above as a test.
test_personnummer.__test__ = False


@pytest.fixture
def cohort(project_a, municipality_a):
    return Cohort.objects.create(
        project=project_a,
        municipality=municipality_a,
        start_date=date(2026, 9, 1),
        places=16,
        places_per_agency=4,
        release_date=date(2026, 8, 15),
    )


@pytest.fixture
def make_referral(project_a, agency_af, case_officer_a, municipality_a, cohort):
    """A complete draft with consent, ready to submit; override any field by keyword."""

    def make(*, consent=True, agency=None, officer=None, **fields):
        values = {
            "federation": project_a.federation,
            "project": project_a,
            "cohort": cohort,
            "referring_agency": agency or agency_af,
            "created_by": officer or case_officer_a,
            "name": "Testa Testsson",
            "personnummer": test_personnummer("19850101"),
            "home_municipality": municipality_a,
            "far_from_labour_market": "yes",
            "long_term_unemployed": "yes",
            "needs_rehabilitation": "yes",
            "sufficient_swedish": "yes",
            "social_services_involved": True,
        }
        values.update(fields)
        referral = Referral.objects.create(**values)
        if consent:
            Consent.objects.create(
                referral=referral,
                consents_social_services=True,
                consents_af=True,
                consents_fk=True,
                consents_region=True,
                consents_project=True,
                method=ConsentMethod.IN_PERSON,
                given_on=timezone.localdate(),
                place="Ekeby",
                recorded_by=values["created_by"],
            )
        return referral

    return make
