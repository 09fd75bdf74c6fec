"""The whole URL × persona matrix, and a guard that no URL is left out of it.

Objects in the URLs belong to federation A. Outsiders (federation B) must get 404 for them,
logged-in users of A without the role 403, anonymous users a redirect to the login page.
"""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from participants import plans
from participants.models import (
    ClientMeeting,
    Enrolment,
    FollowUp,
    GroupSession,
    InvitationLetter,
)
from referrals.models import CaseGroupMeeting, Consent, ConsentMethod, Consultation, ReferralStatus
from reports.models import ParticipantReport
from stepladder.models import Ladder, Rating, Step
from surveys.answering import hash_token
from surveys.definitions import survey_copy
from surveys.models import AnonymousLink, Contact, Invitation, Survey
from tests.conftest import PERSONAS, test_personnummer

pytestmark = pytest.mark.django_db

LOGIN = 302  # anonymous: redirected to the login page
OK = 200


# Every persona the same, e.g. pages open to everyone.
def everyone(status):
    return dict.fromkeys(PERSONAS, status)


def admin_only(*, outsider_admin=403):
    """Federation-admin pages. `outsider_admin` is what federation B's admin gets: 404 for an
    object of A, 200 for a list (which shows B's own rows)."""
    expected = dict.fromkeys(PERSONAS, 403)
    expected.update(federation_admin=OK, anonymous=LOGIN, outsider_admin=outsider_admin)
    return expected


def with_(base, **overrides):
    return {**base, **overrides}


ALL_ROLES_SEE = with_(everyone(OK), no_role_user=403, anonymous=LOGIN)


def in_federation_a(status):
    """Project pages: `status` for everyone of federation A, 404 for federation B's users
    (the project is not theirs), the login page for anonymous users."""
    return with_(everyone(status), outsider=404, outsider_admin=404, anonymous=LOGIN)


# The förbund's own pages: its staff and admins; federation B's admin sees B's own.
FEDERATION_STAFF_ONLY = with_(
    everyone(403), federation_staff=OK, federation_admin=OK, outsider_admin=OK, anonymous=LOGIN
)

SHAPES = {
    # The project's coordinators and ärendegrupp members.
    "reviewers": with_(in_federation_a(403), coordinator=OK, case_group_member=OK),
    # Who plans starts and places: the project's coordinators and the federation's admins.
    "cohort_managers": with_(in_federation_a(403), coordinator=OK, federation_admin=OK),
    # Step statistics: the project's coordinators, and the federation's staff and admins, who
    # see the aggregates only.
    "step_statistics": with_(
        in_federation_a(403), coordinator=OK, federation_staff=OK, federation_admin=OK
    ),
    # Participants: the project's coordinators only. Another federation's user gets 404 (the
    # project or participation is not theirs), the rest of federation A 403.
    "coordinators": with_(in_federation_a(403), coordinator=OK),
}

# url name → (kwargs factory taking the fixtures dict, method, {persona: status})
MATRIX = {
    "home": (None, "get", with_(everyone(OK), anonymous=LOGIN)),
    "accessibility": (None, "get", everyone(OK)),
    "login": (None, "get", with_(everyone(302), anonymous=OK)),  # logged in: on to start
    "logout": (None, "post", everyone(302)),
    "password_change": (None, "get", with_(everyone(OK), anonymous=LOGIN)),
    "password_change_done": (None, "get", with_(everyone(OK), anonymous=LOGIN)),
    "password_reset": (None, "get", everyone(OK)),
    "password_reset_done": (None, "get", everyone(OK)),
    "password_reset_confirm": (
        lambda f: {"uidb64": "MQ", "token": "set-password"},
        "get",
        everyone(OK),  # an invalid link renders a kind explanation
    ),
    "password_reset_complete": (None, "get", everyone(OK)),
    "project-list": (None, "get", ALL_ROLES_SEE),
    "project-detail": (
        lambda f: {"pk": f["project_a"].pk},
        "get",
        with_(ALL_ROLES_SEE, outsider=404, outsider_admin=404),
    ),
    "manage:user-list": (None, "get", admin_only(outsider_admin=OK)),
    "manage:user-create": (None, "get", admin_only(outsider_admin=OK)),
    "manage:user-detail": (
        lambda f: {"public_id": f["coordinator"].public_id},
        "get",
        admin_only(outsider_admin=404),
    ),
    "manage:user-edit": (
        lambda f: {"public_id": f["coordinator"].public_id},
        "get",
        admin_only(outsider_admin=404),
    ),
    "manage:user-invite": (
        lambda f: {"public_id": f["coordinator"].public_id},
        "post",
        with_(admin_only(outsider_admin=404), federation_admin=302),
    ),
    "manage:membership-create": (
        lambda f: {"public_id": f["coordinator"].public_id},
        "post",
        # An empty form: the admin gets the page back with errors.
        with_(admin_only(outsider_admin=404), federation_admin=400),
    ),
    "manage:membership-delete": (
        lambda f: {
            "public_id": f["coordinator"].public_id,
            "pk": f["coordinator"].memberships.get().pk,
        },
        "post",
        with_(admin_only(outsider_admin=404), federation_admin=302),
    ),
    "manage:agency-list": (None, "get", admin_only(outsider_admin=OK)),
    "manage:agency-create": (None, "get", admin_only(outsider_admin=OK)),
    "manage:agency-edit": (
        lambda f: {"pk": f["agency_af"].pk},
        "get",
        admin_only(outsider_admin=404),
    ),
    "manage:municipality-list": (None, "get", admin_only(outsider_admin=OK)),
    "manage:municipality-create": (None, "get", admin_only(outsider_admin=OK)),
    "manage:municipality-edit": (
        lambda f: {"pk": f["municipality_a"].pk},
        "get",
        admin_only(outsider_admin=404),
    ),
    "manage:project-create": (None, "get", admin_only(outsider_admin=OK)),
    "manage:project-edit": (
        lambda f: {"pk": f["project_a"].pk},
        "get",
        admin_only(outsider_admin=404),
    ),
    "manage:access-log": (None, "get", admin_only(outsider_admin=OK)),
    # --- Referrals: objects belong to project A; the referral is AF's (case_officer_a) ------
    "referrals:referral-list": (
        None,
        "get",
        with_(
            everyone(OK),
            federation_staff=403,
            federation_admin=403,
            no_role_user=403,
            outsider_admin=403,
            anonymous=LOGIN,
        ),
    ),
    "referrals:referral-create": (
        None,
        "get",
        with_(everyone(403), case_officer_a=OK, case_officer_b=OK, anonymous=LOGIN),
    ),
    "referrals:referral-detail": (
        lambda f: {"public_id": f["submitted"].public_id},
        "get",
        with_(
            everyone(404), coordinator=OK, case_officer_a=OK, case_group_member=OK, anonymous=LOGIN
        ),
    ),
    "referrals:referral-edit": (
        lambda f: {"public_id": f["draft"].public_id},
        "get",
        with_(everyone(404), case_officer_a=OK, anonymous=LOGIN),  # drafts are the officer's
    ),
    "referrals:referral-withdraw": (
        lambda f: {"public_id": f["submitted"].public_id},
        "post",
        # The officer's empty form gets a 400 asking for the reason.
        with_(
            everyone(404),
            case_officer_a=400,
            coordinator=403,
            case_group_member=403,
            anonymous=LOGIN,
        ),
    ),
    "referrals:referral-delete": (
        lambda f: {"public_id": f["draft"].public_id},
        "post",
        with_(everyone(404), case_officer_a=302, anonymous=LOGIN),
    ),
    "referrals:consent-record": (
        lambda f: {"public_id": f["draft"].public_id},
        "get",
        with_(everyone(404), case_officer_a=OK, anonymous=LOGIN),
    ),
    "referrals:consent-document": (
        lambda f: {"public_id": f["submitted"].public_id},
        "get",
        with_(
            everyone(404), coordinator=OK, case_officer_a=OK, case_group_member=OK, anonymous=LOGIN
        ),
    ),
    "referrals:consent-withdraw": (
        lambda f: {"public_id": f["submitted"].public_id},
        "get",
        with_(
            everyone(404), coordinator=OK, case_officer_a=OK, case_group_member=403, anonymous=LOGIN
        ),
    ),
    "referrals:referral-decide": (
        lambda f: {"public_id": f["submitted"].public_id},
        "post",
        # Reviewers' empty form: 400 with the message. The referring officer sees it but
        # does not decide; a user without role is stopped before the lookup.
        with_(
            everyone(404),
            coordinator=400,
            case_group_member=400,
            case_officer_a=403,
            no_role_user=403,
            anonymous=LOGIN,
        ),
    ),
    "referrals:referral-move": (
        lambda f: {"public_id": f["submitted"].public_id},
        "post",
        with_(
            everyone(404),
            coordinator=400,
            case_group_member=400,
            case_officer_a=403,
            no_role_user=403,
            anonymous=LOGIN,
        ),
    ),
    "referrals:quota-board": (lambda f: {"project_pk": f["project_a"].pk}, "get", "reviewers"),
    "referrals:meeting-list": (lambda f: {"project_pk": f["project_a"].pk}, "get", "reviewers"),
    "referrals:meeting-create": (lambda f: {"project_pk": f["project_a"].pk}, "get", "reviewers"),
    "referrals:meeting-detail": (lambda f: {"pk": f["meeting"].pk}, "get", "reviewers"),
    "referrals:meeting-edit": (lambda f: {"pk": f["meeting"].pk}, "get", "reviewers"),
    "referrals:meeting-minutes": (lambda f: {"pk": f["meeting"].pk}, "get", "reviewers"),
    "referrals:referral-counts": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        with_(in_federation_a(403), coordinator=OK, federation_staff=OK, federation_admin=OK),
    ),
    "referrals:consultation-list": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        with_(
            in_federation_a(403),
            coordinator=OK,
            case_officer_a=OK,
            case_officer_b=OK,
            case_group_member=OK,
        ),
    ),
    "referrals:consultation-create": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        with_(in_federation_a(403), case_officer_a=OK, case_officer_b=OK, case_group_member=OK),
    ),
    "referrals:consultation-advice": (
        lambda f: {"pk": f["consultation"].pk},
        "post",
        with_(in_federation_a(403), coordinator=400, case_group_member=400),
    ),
    # --- Cohorts ----------------------------------------------------------------------------
    "participants:cohort-list": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        with_(in_federation_a(OK), no_role_user=403),
    ),
    "participants:cohort-create": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        "cohort_managers",
    ),
    "participants:cohort-edit": (lambda f: {"pk": f["cohort"].pk}, "get", "cohort_managers"),
    "participants:year-quota-edit": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        "cohort_managers",
    ),
    # --- Participants -----------------------------------------------------------------------
    "participants:participant-list": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        "coordinators",
    ),
    "participants:participant-detail": (
        lambda f: {"public_id": f["enrolment"].public_id},
        "get",
        # The referring agency's officer reads the shared summary; another agency's officer
        # gets 404, as for another agency's referral.
        with_(SHAPES["coordinators"], case_officer_a=OK, case_officer_b=404),
    ),
    "participants:enrolment-start": (
        lambda f: {"public_id": f["enrolment"].public_id},
        "get",
        "coordinators",
    ),
    "participants:enrolment-extend": (
        lambda f: {"public_id": f["active_enrolment"].public_id},
        "get",
        "coordinators",
    ),
    "participants:enrolment-exit": (
        lambda f: {"public_id": f["active_enrolment"].public_id},
        "get",
        "coordinators",
    ),
    "participants:follow-up-record": (
        lambda f: {"public_id": f["exited_enrolment"].public_id},
        "get",
        "coordinators",
    ),
    "participants:meeting-create": (
        lambda f: {"public_id": f["active_enrolment"].public_id},
        "get",
        "coordinators",
    ),
    "participants:meeting-edit": (lambda f: {"pk": f["client_meeting"].pk}, "get", "coordinators"),
    "participants:session-list": (lambda f: {"pk": f["cohort"].pk}, "get", "coordinators"),
    "participants:session-create": (lambda f: {"pk": f["cohort"].pk}, "get", "coordinators"),
    "participants:session-edit": (lambda f: {"pk": f["session"].pk}, "get", "coordinators"),
    "participants:plan-detail": (
        lambda f: {"public_id": f["active_enrolment"].public_id},
        "get",
        "coordinators",
    ),
    "participants:goal-create": (
        lambda f: {"public_id": f["active_enrolment"].public_id},
        "get",
        "coordinators",
    ),
    "participants:goal-edit": (lambda f: {"pk": f["goal"].pk}, "get", "coordinators"),
    "participants:plan-version": (
        lambda f: {"public_id": f["active_enrolment"].public_id, "number": 1},
        "get",
        "coordinators",
    ),
    "participants:letter-create": (
        lambda f: {"public_id": f["active_enrolment"].public_id},
        "get",
        "coordinators",
    ),
    "participants:letter-pdf": (lambda f: {"pk": f["letter"].pk}, "get", "coordinators"),
    "participants:due-list": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        "coordinators",
    ),
    # --- Step ladder ------------------------------------------------------------------------
    "stepladder:rating-list": (
        lambda f: {"public_id": f["active_enrolment"].public_id},
        "get",
        with_(SHAPES["coordinators"], case_officer_a=OK, case_officer_b=404),
    ),
    "stepladder:rating-create": (
        lambda f: {"public_id": f["active_enrolment"].public_id},
        "get",
        "coordinators",
    ),
    "stepladder:rating-correct": (lambda f: {"pk": f["rating"].pk}, "get", "coordinators"),
    "stepladder:cohort-steps": (lambda f: {"pk": f["cohort"].pk}, "get", "step_statistics"),
    "stepladder:project-steps": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        "step_statistics",
    ),
    "stepladder:ladder-list": (None, "get", admin_only(outsider_admin=OK)),
    "stepladder:ladder-create": (None, "get", admin_only(outsider_admin=OK)),
    "stepladder:ladder-detail": (
        lambda f: {"pk": f["own_ladder"].pk},
        "get",
        admin_only(outsider_admin=404),
    ),
    "stepladder:ladder-edit": (
        lambda f: {"pk": f["own_ladder"].pk},
        "get",
        admin_only(outsider_admin=404),
    ),
    "stepladder:ladder-new-version": (
        lambda f: {"pk": f["own_ladder"].pk},
        "post",
        with_(admin_only(outsider_admin=404), federation_admin=302),
    ),
    "stepladder:project-ladder": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        admin_only(outsider_admin=404),
    ),
    # --- Surveys --------------------------------------------------------------------------
    "surveys:survey-list": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        "step_statistics",  # coordinators manage; the federation's staff read
    ),
    "surveys:survey-copy": (
        lambda f: {"project_pk": f["project_a"].pk, "public_id": f["survey_template"].public_id},
        "post",
        with_(SHAPES["coordinators"], coordinator=302),
    ),
    "surveys:survey-detail": (
        lambda f: {"public_id": f["partner_survey"].public_id},
        "get",
        "step_statistics",
    ),
    "surveys:survey-edit": (
        lambda f: {"public_id": f["partner_survey"].public_id},
        "get",
        "coordinators",
    ),
    "surveys:survey-new-version": (
        lambda f: {"public_id": f["partner_survey"].public_id},
        "post",
        with_(SHAPES["coordinators"], coordinator=302),
    ),
    "surveys:contact-list": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        "coordinators",
    ),
    "surveys:contact-create": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        "coordinators",
    ),
    "surveys:contact-edit": (lambda f: {"pk": f["survey_contact"].pk}, "get", "coordinators"),
    "surveys:survey-send": (
        lambda f: {"public_id": f["partner_survey"].public_id},
        "get",
        "coordinators",
    ),
    "surveys:survey-remind": (
        lambda f: {"public_id": f["partner_survey"].public_id},
        "post",
        with_(SHAPES["coordinators"], coordinator=302),
    ),
    "surveys:anonymous-link": (
        lambda f: {"public_id": f["participant_survey"].public_id, "cohort_pk": f["cohort"].pk},
        "get",
        "coordinators",
    ),
    "surveys:participant-links": (
        lambda f: {"public_id": f["participant_survey"].public_id, "cohort_pk": f["cohort"].pk},
        "get",
        "coordinators",
    ),
    # Respondents have no account: the links work for everyone, logged in or not.
    "surveys:answer-personal": (lambda f: {"token": f["personal_token"]}, "get", everyone(OK)),
    "surveys:answer-anonymous": (lambda f: {"token": f["anonymous_token"]}, "get", everyone(OK)),
    "surveys:answer-thanks": (
        lambda f: {"public_id": f["partner_survey"].public_id},
        "get",
        everyone(OK),
    ),
    "surveys:paper-answer": (
        lambda f: {"public_id": f["participant_survey"].public_id},
        "get",
        "coordinators",
    ),
    "surveys:survey-results": (
        lambda f: {"public_id": f["partner_survey"].public_id},
        "get",
        "step_statistics",  # the federation's staff see aggregates without free text
    ),
    "surveys:survey-results-export": (
        lambda f: {"public_id": f["partner_survey"].public_id, "fmt": "csv"},
        "get",
        "step_statistics",
    ),
    # --- Reports --------------------------------------------------------------------------
    **{
        name: (kwargs, "get", "step_statistics")
        for name, kwargs in [
            ("reports:project-reports", lambda f: {"project_pk": f["project_a"].pk}),
            ("reports:final-report", lambda f: {"project_pk": f["project_a"].pk}),
            ("reports:final-report-pdf", lambda f: {"project_pk": f["project_a"].pk}),
            (
                "reports:interim-report",
                lambda f: {"project_pk": f["project_a"].pk, "year": 2026, "half": 1},
            ),
            (
                "reports:interim-report-pdf",
                lambda f: {"project_pk": f["project_a"].pk, "year": 2026, "half": 1},
            ),
            (
                "reports:report-table-export",
                lambda f: {
                    "project_pk": f["project_a"].pk,
                    "report": "final",
                    "table": "steps",
                    "fmt": "csv",
                },
            ),
        ]
    },
    # The narrative is written by the project's coordinators (and the federation's admins).
    "reports:final-report-edit": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        "cohort_managers",
    ),
    "reports:interim-report-edit": (
        lambda f: {"project_pk": f["project_a"].pk, "year": 2026, "half": 1},
        "get",
        "cohort_managers",
    ),
    "reports:participant-report-list": (
        lambda f: {"public_id": f["active_enrolment"].public_id},
        "get",
        with_(SHAPES["coordinators"], case_officer_a=OK, case_officer_b=404),
    ),
    "reports:participant-report-create": (
        # The exit report of the participation that has ended is still to be written.
        lambda f: {"public_id": f["exited_enrolment"].public_id},
        "get",
        "coordinators",
    ),
    "reports:participant-report-edit": (
        lambda f: {"pk": f["draft_report"].pk},
        "get",
        "coordinators",
    ),
    "reports:participant-report-preview": (
        lambda f: {"pk": f["draft_report"].pk},
        "get",
        "coordinators",
    ),
    "reports:participant-report-finalise": (
        lambda f: {"pk": f["draft_report"].pk},
        "post",
        with_(SHAPES["coordinators"], coordinator=302),
    ),
    "reports:participant-report-reissue": (
        lambda f: {"pk": f["final_report"].pk},
        "post",
        with_(SHAPES["coordinators"], coordinator=302),
    ),
    "reports:participant-report-pdf": (
        lambda f: {"pk": f["final_report"].pk},
        "get",
        # Shared with the referring agency (AF) while the consent stands.
        with_(SHAPES["coordinators"], case_officer_a=OK, case_officer_b=404),
    ),
    **{
        name: (kwargs, "get", FEDERATION_STAFF_ONLY)
        for name, kwargs in [
            ("reports:federation-summary", None),
            ("reports:federation-summary-pdf", None),
            ("reports:federation-summary-export", lambda f: {"fmt": "csv"}),
        ]
    },
    "reports:report-settings": (
        lambda f: {"project_pk": f["project_a"].pk},
        "get",
        "step_statistics",  # the project's coordinators and the federation's staff and admins
    ),
    "participants:officer-participant-list": (
        None,
        "get",
        with_(everyone(403), case_officer_a=OK, case_officer_b=OK, anonymous=LOGIN),
    ),
}

# Served by Django itself, guarded by its own staff check.
NOT_IN_MATRIX_NAMESPACES = {"admin"}


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in NOT_IN_MATRIX_NAMESPACES:
                continue
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_it_covers_every_url_pattern():
    missing = sorted(set(_named_patterns()) - set(MATRIX))
    assert not missing, f"URL names missing from the permission matrix: {missing}"


def _objects(request) -> dict:
    """The objects the URLs point at, all of federation A."""
    names = ("project_a", "coordinator", "agency_af", "municipality_a", "cohort", "agency_fk")
    objects = {name: request.getfixturevalue(name) for name in names}
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = request.getfixturevalue("tmp_path")
    make_referral = request.getfixturevalue("make_referral")
    objects["draft"] = make_referral(consent=False)
    objects["submitted"] = make_referral(
        status=ReferralStatus.SUBMITTED,
        consent=False,
        personnummer=test_personnummer("19850101", "981"),
    )
    for referral in (objects["draft"], objects["submitted"]):
        consent = Consent(
            referral=referral,
            consents_social_services=True,
            consents_af=True,
            consents_fk=True,
            consents_region=True,
            consents_project=True,
            method=ConsentMethod.PAPER,
            given_on=date(2026, 1, 1),
            recorded_by=referral.created_by,
        )
        consent.document.save("samtycke.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        consent.save()
    project = objects["project_a"]
    objects["meeting"] = CaseGroupMeeting.objects.create(project=project, date=date(2026, 12, 1))
    officer_b = request.getfixturevalue("case_officer_b")
    objects["consultation"] = Consultation.objects.create(
        project=project,
        raised_by_agency=objects["agency_fk"],
        raised_by=officer_b,
        summary="En person i 40-årsåldern",
        question="Vilken insats passar?",
    )
    # An accepted referral's participation, not yet started, and one that has started.
    objects["enrolment"] = Enrolment.objects.create(
        federation=project.federation,
        project=project,
        cohort=objects["cohort"],
        referral=make_referral(
            status=ReferralStatus.ACCEPTED, personnummer=test_personnummer("19850101", "982")
        ),
    )
    objects["active_enrolment"] = Enrolment.objects.create(
        federation=project.federation,
        project=project,
        cohort=objects["cohort"],
        referral=make_referral(
            status=ReferralStatus.ENROLLED, personnummer=test_personnummer("19850101", "983")
        ),
        status=Enrolment.Status.ACTIVE,
        coordinator=objects["coordinator"],
        enrolled_on=date(2026, 9, 1),
        planned_exit_on=date(2027, 9, 1),
    )
    # One that has ended, with its 90-day follow-up still to do.
    objects["exited_enrolment"] = Enrolment.objects.create(
        federation=project.federation,
        project=project,
        cohort=objects["cohort"],
        referral=make_referral(
            status=ReferralStatus.EXITED, personnummer=test_personnummer("19850101", "984")
        ),
        status=Enrolment.Status.EXITED,
        coordinator=objects["coordinator"],
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
    coordinator, active = objects["coordinator"], objects["active_enrolment"]
    objects["client_meeting"] = ClientMeeting.objects.create(
        enrolment=active,
        kind="intake",
        date=date(2026, 9, 1),
        duration_minutes=60,
        recorded_by=coordinator,
    )
    objects["session"] = GroupSession.objects.create(
        cohort=objects["cohort"],
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
    step = Step.objects.get(ladder__is_default=True, number=2)
    objects["rating"] = Rating.objects.create(
        enrolment=active,
        rated_on=date(2026, 9, 1),
        kind="enrolment",
        step=step,
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
        cohort=objects["cohort"],
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
    final.shared_with.add(objects["agency_af"])
    objects["final_report"] = final
    objects["draft_report"] = ParticipantReport.objects.create(
        enrolment=active, kind="follow_up_6", created_by=coordinator
    )
    return objects


CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(("url_name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_it_answers_each_persona_as_the_matrix_says(request, url_name, persona, persona_client):
    fixtures = _objects(request)
    kwargs_factory, method, expected = MATRIX[url_name]
    if isinstance(expected, str):
        expected = SHAPES[expected]
    url = reverse(url_name, kwargs=kwargs_factory(fixtures) if kwargs_factory else None)
    client = persona_client(persona)
    response = getattr(client, method)(url)
    assert response.status_code == expected[persona], (
        f"{persona} {method.upper()} {url}: got {response.status_code}, "
        f"expected {expected[persona]}"
    )
    if expected[persona] == LOGIN and persona == "anonymous" and url_name not in ("logout",):
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "url_name",
    [name for name, (_, method, _) in MATRIX.items() if method == "post"],
)
def test_it_refuses_get_on_post_only_urls(url_name, request, admin_client_a):
    fixtures = _objects(request)
    kwargs_factory = MATRIX[url_name][0]
    url = reverse(url_name, kwargs=kwargs_factory(fixtures) if kwargs_factory else None)
    assert admin_client_a.get(url).status_code == 405
