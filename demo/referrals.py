"""Fictional referrals for the demo federation: cohorts, a meeting, and referrals in several
states. Dates are relative to today so the demo never goes stale. Personnummer use serial
numbers 980–999, which Skatteverket never gives to real people.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort
from fokus.models import Agency, Municipality, Project, User
from participants.models import Enrolment
from referrals.models import (
    CaseGroupMeeting,
    Consent,
    ConsentMethod,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)


def _luhn(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def demo_personnummer(birth: str, serial: int) -> str:
    nine = birth[2:] + f"{serial:03d}"
    return f"{birth}{serial:03d}{_luhn(nine)}"


PEOPLE = [
    # name, birth date, serial, status
    ("Alva Exempelsdotter", "19880314", 981, ReferralStatus.SUBMITTED),
    ("Bertil Påhittad", "19750622", 982, ReferralStatus.SUBMITTED),
    ("Cecilia Fiktiv", "19930105", 983, ReferralStatus.ACCEPTED),
    ("David Demosson", "19810930", 984, ReferralStatus.WAIT_LISTED),
    ("Elin Provsdotter", "19990418", 985, ReferralStatus.DRAFT),
]


@transaction.atomic
def seed_referrals(*, project: Project) -> None:
    today = timezone.localdate()
    municipalities = {m.name: m for m in Municipality.objects.filter(federation=project.federation)}
    cohorts = {}
    for offset, name in enumerate(["Ekeby", "Norrvik", "Sjömark"]):
        start = today + timedelta(days=30 + 14 * offset)
        # The next start in the municipality (the participants demo adds a running one).
        cohorts[name] = Cohort.objects.filter(
            project=project, municipality=municipalities[name], start_date__gt=today
        ).first() or Cohort.objects.create(
            project=project,
            municipality=municipalities[name],
            start_date=start,
            release_date=start - timedelta(days=14),
        )
    meeting, _ = CaseGroupMeeting.objects.get_or_create(
        project=project,
        date=today + timedelta(days=7),
        defaults={"location": "Kommunhuset i Ekeby, rum Sjön"},
    )
    officer = User.objects.get(email="handlaggare.af@demo.fokus.example")
    deciding = User.objects.get(email="arendegrupp@demo.fokus.example")
    af = Agency.objects.get(federation=project.federation, name="Arbetsförmedlingen")
    for name, birth, serial, status in PEOPLE:
        personnummer = demo_personnummer(birth, serial)
        if Referral.objects.filter(project=project, personnummer=personnummer).exists():
            continue
        submitted = status != ReferralStatus.DRAFT
        referral = Referral.objects.create(
            federation=project.federation,
            project=project,
            cohort=cohorts["Ekeby"],
            referring_agency=af,
            created_by=officer,
            status=status,
            name=name,
            personnummer=personnummer,
            home_municipality=municipalities["Ekeby"],
            street_address="Påhittade vägen 1",
            postal_code="999 99",
            city="Ekeby",
            preferred_contact="phone",
            agrees_to_contact=True,
            far_from_labour_market="yes",
            long_term_unemployed="yes",
            needs_rehabilitation="yes",
            sufficient_swedish="yes",
            social_services_involved=True,
            social_services_contact="Socialsekreterare i Ekeby",
            background="Har arbetat inom lager och handel. Sjukskriven i perioder.",
            purpose="Komma vidare mot arbete eller studier med stöd från flera parter.",
            officer_name=officer.full_name,
            officer_email=officer.email,
            officer_workplace=af.name,
            submitted_at=timezone.now() if submitted else None,
            meeting=meeting if status == ReferralStatus.SUBMITTED else None,
            decided_by=deciding
            if status in (ReferralStatus.ACCEPTED, ReferralStatus.WAIT_LISTED)
            else None,
            decided_at=timezone.now()
            if status in (ReferralStatus.ACCEPTED, ReferralStatus.WAIT_LISTED)
            else None,
            wait_listed_at=timezone.now() if status == ReferralStatus.WAIT_LISTED else None,
        )
        Consent.objects.create(
            referral=referral,
            consents_social_services=True,
            consents_af=True,
            consents_fk=True,
            consents_region=True,
            consents_project=True,
            method=ConsentMethod.IN_PERSON,
            given_on=today - timedelta(days=3),
            place="Arbetsförmedlingen Ekeby",
            recorded_by=officer,
        )
        if submitted:
            ReferralStatusChange.objects.create(
                referral=referral, status=ReferralStatus.SUBMITTED, by=officer
            )
        if status in (ReferralStatus.ACCEPTED, ReferralStatus.WAIT_LISTED):
            ReferralStatusChange.objects.create(referral=referral, status=status, by=deciding)
        if status == ReferralStatus.ACCEPTED:
            Enrolment.objects.create(
                federation=project.federation,
                project=project,
                cohort=referral.cohort,
                referral=referral,
            )
