"""What tests/test_permissions.py points its URLs at, built once for the whole module.

The personas and their organisations are the same rows as the function fixtures of
tests/conftest.py make (same names, addresses and roles); the objects are all federation A's.
"""

from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone

from fokus.models import ImportBatch, ImportKind, Job, RoleGrantRequest
from fokus.roles import Role
from participants import plans
from participants.models import (
    ClientMeeting,
    Enrolment,
    FollowUp,
    GroupSession,
    InvitationLetter,
)
from referrals.models import (
    CaseGroupMeeting,
    Consent,
    Consultation,
    Referral,
    ReferralStatus,
)
from reports.models import ParticipantReport
from stepladder.models import Ladder, Rating, Step
from surveys.answering import hash_token
from surveys.definitions import survey_copy
from surveys.models import AnonymousLink, Contact, Invitation, Survey
from tests import world
from tests.world import make_user, test_personnummer


def build_personas() -> dict:
    """Both federations, federation A's organisations and projects, and one user per persona
    (the same rows as the fixtures `fed_a`, `project_a`, `coordinator`, ... of
    tests/conftest.py, from tests/world.py)."""
    fed_a, fed_b = world.federation_a(), world.federation_b()
    municipality_a = world.municipality_a(fed_a)
    municipality_a2 = world.municipality_a2(fed_a)
    agency_af, agency_fk = world.agency_af(fed_a), world.agency_fk(fed_a)
    agency_soc = world.agency_soc(fed_a, municipality_a)
    project_a = world.project_a(fed_a, municipality_a, municipality_a2)
    # Another project of the same federation: project A's pages are not its users'.
    project_a_other = world.project_a_other(fed_a, municipality_a)
    project_b = world.project_b(fed_b)
    users = {
        "coordinator": world.coordinator(fed_a, project_a),
        "case_officer_a": world.case_officer_a(fed_a, agency_af),
        "case_officer_b": world.case_officer_b(fed_a, agency_fk),
        "case_group_member": world.case_group_member(fed_a, project_a, agency_soc),
        "federation_staff": world.federation_staff(fed_a),
        "federation_admin": world.federation_admin(fed_a),
        "no_role_user": world.no_role_user(fed_a),
        "other_project_coordinator": make_user(
            fed_a,
            "koordinator.a2@a.example",
            "Karl Kollega",
            (Role.COORDINATOR, {"project": project_a_other}),
        ),
        "other_project_case_group_member": make_user(
            fed_a,
            "arendegrupp.a2@a.example",
            "Greta Grannprojekt",
            (Role.CASE_GROUP_MEMBER, {"project": project_a_other, "agency": agency_fk}),
        ),
        "outsider": world.outsider(fed_b, project_b),
        "outsider_admin": world.outsider_admin(fed_b),
        # Reads the access log only: checked on the rows that name it (test_permissions).
        "log_reviewer": make_user(
            fed_a, "loggranskare@a.example", "Lena Loggranskare", (Role.LOG_REVIEWER, {})
        ),
    }
    return {
        **users,
        "fed_a": fed_a,
        "project_a": project_a,
        "municipality_a": municipality_a,
        "agency_af": agency_af,
        "agency_fk": agency_fk,
        "cohort": world.cohort(project_a, municipality_a),
    }


def _referral(personas: dict, **fields) -> Referral:
    """A complete referral of AF's officer to project A's start, as `make_referral` makes;
    its consent is recorded by `_consent`."""
    return world.referral(
        personas["project_a"],
        personas["cohort"],
        personas["agency_af"],
        personas["case_officer_a"],
        personas["municipality_a"],
        consent=False,
        **fields,
    )


def _consent(referral: Referral, *, document: bool) -> Consent:
    return world.give_consent(referral, given_on=date(2026, 1, 1), signed_pdf=document)


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
    # A second admin of A who asked to be project A's coordinator: federation_admin decides.
    second_admin = make_user(
        personas["fed_a"], "admin2@a.example", "Alva Andra", (Role.FEDERATION_ADMIN, {})
    )
    objects["role_request"] = RoleGrantRequest.objects.create(
        federation=personas["fed_a"],
        requested_by=second_admin,
        user=second_admin,
        role=Role.COORDINATOR,
        project=project,
    )
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
    objects["partner_survey"] = survey_copy(
        actor=coordinator, source=objects["survey_template"], project=project
    )
    objects["participant_survey"] = survey_copy(
        actor=coordinator,
        source=templates.filter(audience="participants").first(),
        project=project,
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
        token_hash=hash_token(objects["anonymous_token"]),
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
    # The coordinator's finished background job: the final report's PDF of project A.
    job = Job.objects.create(
        federation=project.federation,
        project=project,
        kind="reports.final_pdf",
        title="Slutrapport som PDF",
        status=Job.Status.SUCCEEDED,
        result={"file_name": "slutrapport.pdf"},
        created_by=coordinator,
        finished_at=timezone.now(),
    )
    job.result_file.save("slutrapport.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    objects["job"] = job
    # A checked upload of project A, waiting for its confirmation.
    objects["import_batch"] = ImportBatch.objects.create(
        federation=project.federation,
        project=project,
        kind=ImportKind.PARTICIPANTS,
        file_name="deltagare.csv",
        file=ContentFile(b"external_id\n", name="matris.csv"),
        file_sha256="0" * 64,
        status=ImportBatch.Status.PREVIEWED,
        preview={"counts": {"new": 1}, "rows": [{"row": 2, "key": "P-1", "outcome": "new"}]},
        created_by=coordinator,
    )
    return objects
