"""Fictional demo data: one federation, its municipalities and agencies, a project and a user
per role. Every name, address and e-mail here is invented."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from demo.participants import seed_participants
from demo.referrals import seed_referrals
from demo.reports import seed_reports
from demo.surveys import seed_surveys
from fokus.models import Agency, AgencyKind, Federation, Membership, Municipality, Project, User
from fokus.roles import Role

DEMO_PASSWORD = "Fokus-demo-2026"
DEMO_DOMAIN = "demo.fokus.example"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    roles: str


def _user(federation: Federation, local: str, name: str) -> User:
    user, _ = User.objects.update_or_create(
        email=f"{local}@{DEMO_DOMAIN}",
        defaults={"full_name": name, "federation": federation, "is_active": True},
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _grant(user: User, role: Role, *, project=None, agency=None, substitute=False) -> None:
    Membership.objects.update_or_create(
        user=user,
        role=role,
        project=project,
        agency=agency,
        defaults={"federation": user.federation, "is_substitute": substitute},
    )


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    federation, _ = Federation.objects.update_or_create(
        slug="sjobygden",
        defaults={
            "name": "Samordningsförbundet Sjöbygden",
            "contact_email": f"kansliet@{DEMO_DOMAIN}",
        },
    )
    municipalities = {}
    for name, code in [("Ekeby", "9901"), ("Norrvik", "9902"), ("Sjömark", "9903")]:
        municipalities[name], _ = Municipality.objects.update_or_create(
            federation=federation, name=name, defaults={"code": code}
        )

    def agency(name: str, kind: str, municipality: Municipality | None = None) -> Agency:
        obj, _ = Agency.objects.update_or_create(
            federation=federation,
            name=name,
            defaults={"kind": kind, "municipality": municipality, "is_active": True},
        )
        return obj

    af = agency("Arbetsförmedlingen", AgencyKind.EMPLOYMENT_SERVICE)
    fk = agency("Försäkringskassan", AgencyKind.SOCIAL_INSURANCE)
    agency("Region Sjöbygden", AgencyKind.REGION)
    social = {
        name: agency(f"{name} kommun, socialtjänsten", AgencyKind.SOCIAL_SERVICES, municipality)
        for name, municipality in municipalities.items()
    }

    project, _ = Project.objects.update_or_create(
        federation=federation,
        name="Fokus 3.0",
        defaults={
            "owner": "Ekeby kommun",
            "description": (
                "Samordnad rehabilitering för personer långt från arbetsmarknaden, med "
                "gruppträffar och individuellt stöd i tre kommuner."
            ),
            "start_date": date(2026, 1, 1),
            "end_date": date(2028, 12, 31),
            "intake_mode": "cohort",
        },
    )
    project.municipalities.set(municipalities.values())

    # An ended project with no data in Fokus: its history is in spreadsheets, for trying the
    # import with docs/import-examples/ (which name Ekeby, Norrvik and Älmhult).
    almhult, _ = Municipality.objects.update_or_create(
        federation=federation, name="Älmhult", defaults={"code": "9904"}
    )
    history, _ = Project.objects.update_or_create(
        federation=federation,
        name="Steget 2020–2022",
        defaults={
            "owner": "Norrvik kommun",
            "description": "Avslutat projekt vars historik finns i kalkylblad (importera den).",
            "start_date": date(2020, 1, 1),
            "end_date": date(2022, 12, 31),
            "intake_mode": "cohort",
        },
    )
    history.municipalities.set([municipalities["Ekeby"], municipalities["Norrvik"], almhult])
    agency("Älmhult kommun, socialtjänsten", AgencyKind.SOCIAL_SERVICES, almhult)

    admin = _user(federation, "admin", "Ada Administratör")
    _grant(admin, Role.FEDERATION_ADMIN)
    staff = _user(federation, "kansliet", "Frida Förbundsdotter")
    _grant(staff, Role.FEDERATION_STAFF)
    log_reviewer = _user(federation, "loggranskare", "Lena Logg")
    _grant(log_reviewer, Role.LOG_REVIEWER)
    coordinator = _user(federation, "koordinator", "Kim Koordinatorsson")
    _grant(coordinator, Role.COORDINATOR, project=project)
    _grant(coordinator, Role.COORDINATOR, project=history)
    officer_af = _user(federation, "handlaggare.af", "Hanna Handläggarsson")
    _grant(officer_af, Role.CASE_OFFICER, agency=af)
    _grant(officer_af, Role.CASE_GROUP_MEMBER, project=project, agency=af)
    officer_fk = _user(federation, "handlaggare.fk", "Filip Försäkringsson")
    _grant(officer_fk, Role.CASE_OFFICER, agency=fk)
    group_member = _user(federation, "arendegrupp", "Siv Samverkansdotter")
    _grant(group_member, Role.CASE_GROUP_MEMBER, project=project, agency=social["Ekeby"])
    substitute = _user(federation, "ersattare", "Erik Ersättarsson")
    _grant(
        substitute, Role.CASE_GROUP_MEMBER, project=project, agency=social["Ekeby"], substitute=True
    )

    seed_referrals(project=project)
    seed_participants(project=project)
    seed_surveys(project=project)
    seed_reports(project=project)

    return [
        DemoLogin(admin.email, admin.full_name, "förbundsadministratör"),
        DemoLogin(staff.email, staff.full_name, "förbundets kansli"),
        DemoLogin(log_reviewer.email, log_reviewer.full_name, "loggranskare"),
        DemoLogin(coordinator.email, coordinator.full_name, "koordinator, Fokus 3.0"),
        DemoLogin(
            officer_af.email,
            officer_af.full_name,
            "handläggare Arbetsförmedlingen + ärendegruppen",
        ),
        DemoLogin(officer_fk.email, officer_fk.full_name, "handläggare Försäkringskassan"),
        DemoLogin(group_member.email, group_member.full_name, "ärendegruppen, Ekeby soc."),
        DemoLogin(substitute.email, substitute.full_name, "ärendegruppen, ersättare"),
    ]
