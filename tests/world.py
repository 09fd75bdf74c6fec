"""The test world's rows, built by plain functions: the fixtures of tests/conftest.py make
them one per test, tests/matrix_objects.py once for a whole module. Same names, addresses
and roles either way.

Federation A ("Förbund A") has municipalities Ekeby and Norrvik, agencies AF, FK and Ekeby's
social services, and projects "Insats A" and "Insats A2". Federation B is the outsider tenant.
"""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from cohorts.models import Cohort
from demo.referrals import demo_personnummer
from fokus.models import (
    Agency,
    AgencyKind,
    Federation,
    Job,
    Membership,
    Municipality,
    Project,
    User,
)
from fokus.roles import Role
from referrals.models import Consent, ConsentMethod, Referral

PASSWORD = "Testlosen-2026!"


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


# Personnummer use serial numbers 980–999, which Skatteverket keeps for testing.


def test_personnummer(birth: str, serial: str = "980") -> str:
    """12 digits for a birth date YYYYMMDD and a test serial 980–999."""
    return demo_personnummer(birth, int(serial))


# pytest should not collect the helper above as a test.
test_personnummer.__test__ = False


# --- Organisations ----------------------------------------------------------------------------


def federation_a() -> Federation:
    return Federation.objects.create(name="Förbund A", slug="a", contact_email="a@forbund.example")


def federation_b() -> Federation:
    return Federation.objects.create(name="Förbund B", slug="b")


def municipality_a(fed_a) -> Municipality:
    return Municipality.objects.create(federation=fed_a, name="Ekeby", code="9901")


def municipality_a2(fed_a) -> Municipality:
    return Municipality.objects.create(federation=fed_a, name="Norrvik", code="9902")


def agency_af(fed_a) -> Agency:
    return Agency.objects.create(
        federation=fed_a, kind=AgencyKind.EMPLOYMENT_SERVICE, name="Arbetsförmedlingen"
    )


def agency_fk(fed_a) -> Agency:
    return Agency.objects.create(
        federation=fed_a, kind=AgencyKind.SOCIAL_INSURANCE, name="Försäkringskassan"
    )


def agency_soc(fed_a, municipality_a) -> Agency:
    return Agency.objects.create(
        federation=fed_a,
        kind=AgencyKind.SOCIAL_SERVICES,
        name="Ekeby socialtjänst",
        municipality=municipality_a,
    )


def _project(federation, name, owner, end_date, municipalities) -> Project:
    project = Project.objects.create(
        federation=federation,
        name=name,
        owner=owner,
        start_date=date(2026, 1, 1),
        end_date=end_date,
    )
    project.municipalities.set(municipalities)
    return project


def project_a(fed_a, municipality_a, municipality_a2) -> Project:
    return _project(
        fed_a, "Insats A", "Ekeby kommun", date(2027, 12, 31), [municipality_a, municipality_a2]
    )


def project_a_other(fed_a, municipality_a) -> Project:
    """A second project of federation A in which our coordinator has no role."""
    return _project(fed_a, "Insats A2", "Norrvik kommun", date(2026, 12, 31), [municipality_a])


def project_b(fed_b) -> Project:
    municipality = Municipality.objects.create(federation=fed_b, name="Västby")
    return _project(fed_b, "Insats B", "Västby kommun", date(2027, 12, 31), [municipality])


def cohort(project_a, municipality_a) -> Cohort:
    return Cohort.objects.create(
        project=project_a,
        municipality=municipality_a,
        start_date=date(2026, 9, 1),
        places=16,
        places_per_agency=4,
        release_date=date(2026, 8, 15),
    )


# --- Personas ---------------------------------------------------------------------------------


def coordinator(fed_a, project_a) -> User:
    return make_user(
        fed_a,
        "koordinator@a.example",
        "Kim Koordinator",
        (Role.COORDINATOR, {"project": project_a}),
    )


def case_officer_a(fed_a, agency_af) -> User:
    return make_user(
        fed_a,
        "handlaggare.af@a.example",
        "Hanna Handläggare",
        (Role.CASE_OFFICER, {"agency": agency_af}),
    )


def case_officer_b(fed_a, agency_fk) -> User:
    return make_user(
        fed_a,
        "handlaggare.fk@a.example",
        "Filip Försäkring",
        (Role.CASE_OFFICER, {"agency": agency_fk}),
    )


def case_group_member(fed_a, project_a, agency_soc) -> User:
    return make_user(
        fed_a,
        "arendegrupp@a.example",
        "Siv Samverkan",
        (Role.CASE_GROUP_MEMBER, {"project": project_a, "agency": agency_soc}),
    )


def federation_staff(fed_a) -> User:
    return make_user(fed_a, "kansli@a.example", "Frida Förbund", (Role.FEDERATION_STAFF, {}))


def federation_admin(fed_a) -> User:
    return make_user(fed_a, "admin@a.example", "Ada Admin", (Role.FEDERATION_ADMIN, {}))


def no_role_user(fed_a) -> User:
    return make_user(fed_a, "ny@a.example", "Nils Nyanställd")


def outsider(fed_b, project_b) -> User:
    """A coordinator of another federation."""
    return make_user(
        fed_b, "koordinator@b.example", "Olle Utanför", (Role.COORDINATOR, {"project": project_b})
    )


def outsider_admin(fed_b) -> User:
    return make_user(fed_b, "admin@b.example", "Berit Bförbund", (Role.FEDERATION_ADMIN, {}))


# --- Referrals --------------------------------------------------------------------------------


def referral(project, cohort, agency, officer, municipality, /, *, consent=True, **fields):
    """A complete draft of `officer` at `agency`, ready to submit, with an in-person consent
    given today unless `consent=False`; override any field by keyword (`project=` too: the
    first five are positional only, so that their names stay free for overrides)."""
    values = {
        "federation": project.federation,
        "project": project,
        "cohort": cohort,
        "referring_agency": agency,
        "created_by": officer,
        "name": "Testa Testsson",
        "personnummer": test_personnummer("19850101"),
        "home_municipality": municipality,
        "far_from_labour_market": "yes",
        "long_term_unemployed": "yes",
        "needs_rehabilitation": "yes",
        "sufficient_swedish": "yes",
        "social_services_involved": True,
    }
    values.update(fields)
    made = Referral.objects.create(**values)
    if consent:
        give_consent(made, given_on=timezone.localdate())
    return made


def give_consent(referral: Referral, *, given_on: date, signed_pdf: bool = False) -> Consent:
    """Consent to everything, recorded by the referring officer: given in person in Ekeby, or
    on a signed paper form stored as a PDF."""
    consent = Consent(
        referral=referral,
        consents_social_services=True,
        consents_af=True,
        consents_fk=True,
        consents_region=True,
        consents_project=True,
        method=ConsentMethod.PAPER if signed_pdf else ConsentMethod.IN_PERSON,
        given_on=given_on,
        place="" if signed_pdf else "Ekeby",
        recorded_by=referral.created_by,
    )
    if signed_pdf:
        consent.document.save("samtycke.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    consent.save()
    return consent


# --- The second factor ----------------------------------------------------------------------

# A fixed key, so a test (or the browser test) can compute the code an app would show.
TOTP_KEY = "3132333435363738393031323334353637383930"


def authenticator(user: User) -> TOTPDevice:
    """The user's confirmed authenticator app, with a key tests know."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="app", defaults={"key": TOTP_KEY, "confirmed": True}
    )
    return device


def code_now(device: TOTPDevice) -> str:
    """The six digits the app shows at this moment (the suite's clock)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:06d}"


def pass_second_factor(client, user: User) -> None:
    """Mark a force_login-ed test client's session as having passed the second factor, as the
    code page does; tests of the sign-in itself go through the real pages instead."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


def sign_in(client, user: User, password: str = PASSWORD):
    """Sign in through the real pages: the password, then the app's code. Returns the last
    response (the redirect to where the user was going)."""
    device = authenticator(user)
    response = client.post(reverse("login"), {"username": user.email, "password": password})
    assert response.status_code == 302, response
    return client.post(reverse("two-factor-verify"), {"code": code_now(device)})


# --- Background jobs ----------------------------------------------------------------------------


def run_queued_jobs() -> int:
    """Run every task waiting in the queue, through django-tasks-db's own worker code
    (`Worker.run_task`: claim, run, record), as `manage.py run_worker --batch` would, but on
    the test's connection and inside its transaction (the real command's loop closes
    connections between tasks, which would end a test transaction). Returns how many ran.

    A job queued without its task means the request's on_commit callbacks never ran: wrap the
    request in `django_capture_on_commit_callbacks(execute=True)`."""
    lost = Job.objects.filter(status=Job.Status.QUEUED, task_id="")
    assert not lost.exists(), (
        f"Jobs queued without a task ({list(lost.values_list('kind', flat=True))}): run the "
        "request inside django_capture_on_commit_callbacks(execute=True)."
    )
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():
            task_result = DBTaskResult.objects.ready().get_locked()
            if task_result is None:
                return ran
            task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1
