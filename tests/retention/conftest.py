"""A project whose final report is in (`tests.reports.project_dataset`), with one exited
participant, E1, given every kind of personal data retention must remove."""

from datetime import date, datetime, time
from importlib import import_module

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from participants.models import ActionPlan, ActionPlanVersion, ClientMeeting, Goal, InvitationLetter
from referrals.models import Consent, Referral, ReferralStatus, ReferralStatusChange
from reports.models import ParticipantReport
from stepladder.models import Rating
from surveys.models import (
    Answer,
    Audience,
    Channel,
    Invitation,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from tests.reports.project_dataset import build

# Strings only E1's personal data holds: none may be left anywhere after retention.
SECRETS = {
    "name": "Anna Hemligdotter",
    "personnummer": "199001011234",
    "email": "anna@hemlig.example",
    "address": "Hemliga gatan 1",
    "background": "Hemlig bakgrund",
    "consent_place": "Hemliga kontoret",
    "notes": "Hemlig anteckning",
    "goal": "Hemligt mål",
    "mapping": "Hemlig kartläggning",
    "letter": "Hemligt brev",
    "status_note": "Hemlig statusnotis",
    "rating": "Hemlig stegkommentar",
    "answer": "Hemligt enkätsvar",
}


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def default_ladder(db):
    """The default step ladder a data migration makes: a transactional test that ran before
    this one in the worker flushed it away."""
    from django.apps import apps

    from stepladder.models import Ladder

    if not Ladder.objects.filter(is_default=True).exists():
        module = import_module("stepladder.migrations.0002_default_ladder")
        module.create_default_ladder(apps, None)


@pytest.fixture
def data(
    default_ladder,
    media,
    project_a,
    coordinator,
    municipality_a,
    municipality_a2,
    agency_af,
    agency_fk,
    agency_soc,
):
    p = build(
        project_a, coordinator, municipality_a, municipality_a2, agency_af, agency_fk, agency_soc
    )
    e1 = p["E1"]
    referral = e1.referral
    referral.name, referral.personnummer = SECRETS["name"], SECRETS["personnummer"]
    referral.email, referral.street_address = SECRETS["email"], SECRETS["address"]
    referral.background, referral.phone = SECRETS["background"], "070-1234567"
    referral.save()
    consent = Consent(
        referral=referral,
        **dict.fromkeys(
            [
                "consents_social_services",
                "consents_af",
                "consents_fk",
                "consents_region",
                "consents_project",
            ],
            True,
        ),
        method="paper",
        given_on=date(2026, 2, 1),
        place=SECRETS["consent_place"],
        recorded_by=coordinator,
    )
    consent.document.save("samtycke.pdf", ContentFile(b"%PDF-1.4 samtycke"), save=False)
    consent.save()
    ReferralStatusChange.objects.create(
        referral=referral,
        status=ReferralStatus.ENROLLED,
        by=coordinator,
        note=SECRETS["status_note"],
    )
    ClientMeeting.objects.create(
        enrolment=e1,
        kind="intake",
        date=date(2026, 3, 2),
        duration_minutes=60,
        notes=SECRETS["notes"],
        recorded_by=coordinator,
    )
    plan = ActionPlan.objects.create(enrolment=e1, version=1)
    Goal.objects.create(plan=plan, text=SECRETS["goal"], responsible="participant")
    ActionPlanVersion.objects.create(
        plan=plan, number=1, summary="Nytt mål", goals=[{"text": SECRETS["goal"]}], by=coordinator
    )
    InvitationLetter.objects.create(
        enrolment=e1,
        intake_at=aware(date(2026, 3, 2)),
        intake_place="Kontoret",
        contact=coordinator,
        contact_phone="010-100",
        message=SECRETS["letter"],
        created_by=coordinator,
    )
    report = ParticipantReport(
        enrolment=e1,
        kind="exit",
        status="final",
        mapping=SECRETS["mapping"],
        created_by=coordinator,
        finalised_at=aware(date(2026, 12, 16)),
        finalised_by=coordinator,
    )
    report.pdf.save("utskrivning.pdf", ContentFile(b"%PDF-1.4 rapport"), save=False)
    report.save()
    Rating.objects.filter(enrolment=e1).update(comment=SECRETS["rating"])
    survey = Survey.objects.create(
        federation=project_a.federation,
        project=project_a,
        name="Deltagarenkät",
        audience=Audience.PARTICIPANTS,
        follows_individuals=True,
    )
    question = Question.objects.create(
        survey=survey, position=1, kind=QuestionKind.TEXT, text="Något mer?"
    )
    invitation = Invitation.objects.create(
        survey=survey, enrolment=e1, token_hash="a" * 64, expires_on=date(2027, 1, 31)
    )
    response = Response.objects.create(
        survey=survey, channel=Channel.PERSONAL, invitation=invitation
    )
    Answer.objects.create(response=response, question=question, text=SECRETS["answer"])
    # The declined referral and the draft were last touched in spring 2026.
    Referral.objects.filter(status__in=["declined", "draft"]).update(
        updated_at=aware(date(2026, 3, 1))
    )
    p.update(consent=consent, report=report, invitation=invitation)
    return p


@pytest.fixture
def as_counted(monkeypatch, settings):
    """The reports' figures as counted, nothing hidden, so that a changed count shows."""
    from reports.smallcells import SmallCells

    settings.FOKUS_MIN_GROUP_SIZE = 2
    monkeypatch.setattr(
        SmallCells, "of", classmethod(lambda cls, project: cls(hide=False, threshold=2))
    )
