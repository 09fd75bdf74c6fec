"""What tests/test_permissions.py points its URLs at, built once for the whole module.

The personas and their organisations are the same rows as the function fixtures of
tests/conftest.py make (same names, addresses and roles); the objects are all federation A's.
"""

from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone

from fokus.access import Role
from fokus.models import Agency, AgencyKind, Federation, Municipality, Project
from participants import plans
from participants.models import (
    ClientMeeting,
    Cohort,
    Enrolment,
    FollowUp,
    GroupSession,
    InvitationLetter,
)
from referrals.models import (
    CaseGroupMeeting,
    Consent,
    ConsentMethod,
    Consultation,
    Referral,
    ReferralStatus,
)
from reports.models import ParticipantReport
from stepladder.models import Ladder, Rating, Step
from surveys.answering import hash_token
from surveys.definitions import survey_copy
from surveys.models import AnonymousLink, Contact, Invitation, Survey
from tests.conftest import make_user, test_personnummer


def build_personas() -> dict:
    """Both federations, federation A's organisations and project, and one user per persona
    (as the fixtures `fed_a`, `project_a`, `coordinator`, ... of tests/conftest.py)."""
    fed_a = Federation.objects.create(name="Förbund A", slug="a", contact_email="a@forbund.example")
    fed_b = Federation.objects.create(name="Förbund B", slug="b")
    municipality_a = Municipality.objects.create(federation=fed_a, name="Ekeby", code="9901")
    municipality_a2 = Municipality.objects.create(federation=fed_a, name="Norrvik", code="9902")
    agency_af = Agency.objects.create(
        federation=fed_a, kind=AgencyKind.EMPLOYMENT_SERVICE, name="Arbetsförmedlingen"
    )
    agency_fk = Agency.objects.create(
        federation=fed_a, kind=AgencyKind.SOCIAL_INSURANCE, name="Försäkringskassan"
    )
    agency_soc = Agency.objects.create(
        federation=fed_a,
        kind=AgencyKind.SOCIAL_SERVICES,
        name="Ekeby socialtjänst",
        municipality=municipality_a,
    )
    project_a = Project.objects.create(
        federation=fed_a,
        name="Insats A",
        owner="Ekeby kommun",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
    )
    project_a.municipalities.set([municipality_a, municipality_a2])
    # Another project of the same federation, with a coordinator and an ärendegrupp member of
    # its own: project A's pages are not theirs.
    project_a2 = Project.objects.create(
        federation=fed_a,
        name="Insats A2",
        owner="Norrvik kommun",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
    )
    project_a2.municipalities.set([municipality_a2])
    project_b = Project.objects.create(
        federation=fed_b,
        name="Insats B",
        owner="Västby kommun",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
    )
    project_b.municipalities.set([Municipality.objects.create(federation=fed_b, name="Västby")])
    cohort = Cohort.objects.create(
        project=project_a,
        municipality=municipality_a,
        start_date=date(2026, 9, 1),
        places=16,
        places_per_agency=4,
        release_date=date(2026, 8, 15),
    )
    users = {
        "coordinator": make_user(
            fed_a,
            "koordinator@a.example",
            "Kim Koordinator",
            (Role.COORDINATOR, {"project": project_a}),
        ),
        "case_officer_a": make_user(
            fed_a,
            "handlaggare.af@a.example",
            "Hanna Handläggare",
            (Role.CASE_OFFICER, {"agency": agency_af}),
        ),
        "case_officer_b": make_user(
            fed_a,
            "handlaggare.fk@a.example",
            "Filip Försäkring",
            (Role.CASE_OFFICER, {"agency": agency_fk}),
        ),
        "case_group_member": make_user(
            fed_a,
            "arendegrupp@a.example",
            "Siv Samverkan",
            (Role.CASE_GROUP_MEMBER, {"project": project_a, "agency": agency_soc}),
        ),
        "federation_staff": make_user(
            fed_a, "kansli@a.example", "Frida Förbund", (Role.FEDERATION_STAFF, {})
        ),
        "federation_admin": make_user(
            fed_a, "admin@a.example", "Ada Admin", (Role.FEDERATION_ADMIN, {})
        ),
        "no_role_user": make_user(fed_a, "ny@a.example", "Nils Nyanställd"),
        "other_project_coordinator": make_user(
            fed_a,
            "koordinator.a2@a.example",
            "Karl Kollega",
            (Role.COORDINATOR, {"project": project_a2}),
        ),
        "other_project_case_group_member": make_user(
            fed_a,
            "arendegrupp.a2@a.example",
            "Greta Grannprojekt",
            (Role.CASE_GROUP_MEMBER, {"project": project_a2, "agency": agency_fk}),
        ),
        "outsider": make_user(
            fed_b,
            "koordinator@b.example",
            "Olle Utanför",
            (Role.COORDINATOR, {"project": project_b}),
        ),
        "outsider_admin": make_user(
            fed_b, "admin@b.example", "Berit Bförbund", (Role.FEDERATION_ADMIN, {})
        ),
    }
    return {
        **users,
        "fed_a": fed_a,
        "project_a": project_a,
        "municipality_a": municipality_a,
        "agency_af": agency_af,
        "agency_fk": agency_fk,
        "cohort": cohort,
    }


def _referral(personas: dict, **fields) -> Referral:
    """A complete referral of AF's officer to project A's start, as `make_referral` makes."""
    values = {
        "federation": personas["fed_a"],
        "project": personas["project_a"],
        "cohort": personas["cohort"],
        "referring_agency": personas["agency_af"],
        "created_by": personas["case_officer_a"],
        "name": "Testa Testsson",
        "personnummer": test_personnummer("19850101"),
        "home_municipality": personas["municipality_a"],
        "far_from_labour_market": "yes",
        "long_term_unemployed": "yes",
        "needs_rehabilitation": "yes",
        "sufficient_swedish": "yes",
        "social_services_involved": True,
        **fields,
    }
    return Referral.objects.create(**values)


def _consent(referral: Referral, *, document: bool) -> Consent:
    consent = Consent(
        referral=referral,
        consents_social_services=True,
        consents_af=True,
        consents_fk=True,
        consents_region=True,
        consents_project=True,
        method=ConsentMethod.PAPER if document else ConsentMethod.IN_PERSON,
        given_on=date(2026, 1, 1),
        place="" if document else "Ekeby",
        recorded_by=referral.created_by,
    )
    if document:
        consent.document.save("samtycke.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    consent.save()
    return consent


def build_objects(personas: dict) -> dict:
    """The objects the URLs point at, all of federation A."""
    objects = dict(personas)
    project, cohort = personas["project_a"], personas["cohort"]
    coordinator = personas["coordinator"]
    # A draft and a submitted referral, each with a signed paper consent on file.
    objects["draft"] = _referral(personas)
    objects["submitted"] = _referral(
        personas,
        status=ReferralStatus.SUBMITTED,
        personnummer=test_personnummer("19850101", "981"),
    )
    for referral in (objects["draft"], objects["submitted"]):
        _consent(referral, document=True)
    objects["meeting"] = CaseGroupMeeting.objects.create(project=project, date=date(2026, 12, 1))
    objects["consultation"] = Consultation.objects.create(
        project=project,
        raised_by_agency=personas["agency_fk"],
        raised_by=personas["case_officer_b"],
        summary="En person i 40-årsåldern",
        question="Vilken insats passar?",
    )

    def participation(serial: str, referral_status: str, **fields) -> Enrolment:
        referral = _referral(
            personas, status=referral_status, personnummer=test_personnummer("19850101", serial)
        )
        _consent(referral, document=False)
        return Enrolment.objects.create(
            federation=project.federation,
            project=project,
            cohort=cohort,
            referral=referral,
            **fields,
        )

    # An accepted referral's participation, not yet started, and one that has started.
    objects["enrolment"] = participation("982", ReferralStatus.ACCEPTED)
    active = objects["active_enrolment"] = participation(
        "983",
        ReferralStatus.ENROLLED,
        status=Enrolment.Status.ACTIVE,
        coordinator=coordinator,
        enrolled_on=date(2026, 9, 1),
        planned_exit_on=date(2027, 9, 1),
    )
    # One that has ended, with its 90-day follow-up still to do.
    objects["exited_enrolment"] = participation(
        "984",
        ReferralStatus.EXITED,
        status=Enrolment.Status.EXITED,
        coordinator=coordinator,
        enrolled_on=date(2025, 9, 1),
        planned_exit_on=date(2026, 9, 1),
        exited_on=date(2026, 9, 1),
        exit_reason="completed_period",
        destination="studies",
        receiving_party="Vuxenutbildningen",
        exit_plan="Komvux från januari.",
    )
    FollowUp.objects.create(enrolment=objects["exited_enrolment"], due_on=date(2026, 11, 30))
    # The active participation's meeting, plan and letter, and a group session of its start.
    objects["client_meeting"] = ClientMeeting.objects.create(
        enrolment=active,
        kind="intake",
        date=date(2026, 9, 1),
        duration_minutes=60,
        recorded_by=coordinator,
    )
    objects["session"] = GroupSession.objects.create(
        cohort=cohort,
        date=date(2026, 9, 8),
        duration_minutes=180,
        theme="motivation",
        recorded_by=coordinator,
    )
    objects["goal"] = plans.goal_save(
        actor=coordinator,
        enrolment=active,
        text="Hitta en praktikplats",
        responsible="participant",
        status="planned",
    )
    objects["letter"] = InvitationLetter.objects.create(
        enrolment=active,
        intake_at=timezone.now(),
        intake_place="Kontoret",
        contact=coordinator,
        contact_phone="010-123 45 67",
        created_by=coordinator,
    )
    # A rating of the active participation on the default ladder, and a ladder of A's own.
    objects["rating"] = Rating.objects.create(
        enrolment=active,
        rated_on=date(2026, 9, 1),
        kind="enrolment",
        step=Step.objects.get(ladder__is_default=True, number=2),
        rated_by=coordinator,
    )
    own = Ladder.objects.create(federation=project.federation, name="BIP-trappan")
    Step.objects.create(ladder=own, number=1, headline="Start")
    Step.objects.create(ladder=own, number=2, headline="Mål")
    objects["own_ladder"] = own
    # Surveys: the project's copies of the built-in partner and group-programme surveys, a
    # contact with a personal link, and the start's anonymous link.
    templates = Survey.objects.templates()
    objects["survey_template"] = templates.get(name="Samverkan")
    objects["partner_survey"] = survey_copy(objects["survey_template"], project, coordinator)
    objects["participant_survey"] = survey_copy(
        templates.filter(audience="participants").first(), project, coordinator
    )
    Survey.objects.filter(pk=objects["participant_survey"].pk).update(follows_individuals=True)
    objects["survey_contact"] = Contact.objects.create(
        project=project, name="Per Partner", email="per.partner@a.example"
    )
    objects["personal_token"] = "personlig-lank-for-matrisen"
    Invitation.objects.create(
        survey=objects["partner_survey"],
        contact=objects["survey_contact"],
        token_hash=hash_token(objects["personal_token"]),
        expires_on=date(2099, 1, 1),
        sent_at=timezone.now(),
    )
    objects["anonymous_token"] = "anonym-lank-for-matrisen"
    AnonymousLink.objects.create(
        survey=objects["participant_survey"],
        cohort=cohort,
        token=objects["anonymous_token"],
        created_by=coordinator,
    )
    # A finalised follow-up report shared with the referring agency (its PDF stored as it
    # would be; rendering one per case would make the matrix slow) and a draft.
    final = ParticipantReport(
        enrolment=active,
        kind="follow_up_3",
        status="final",
        created_by=coordinator,
        finalised_at=timezone.now(),
        finalised_by=coordinator,
    )
    final.pdf.save("rapport.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    final.shared_with.add(personas["agency_af"])
    objects["final_report"] = final
    objects["draft_report"] = ParticipantReport.objects.create(
        enrolment=active, kind="follow_up_6", created_by=coordinator
    )
    return objects
