"""The whole URL × persona matrix, and a guard that no URL is left out of it.

Objects in the URLs belong to federation A's project A. A project that is not the user's is a
404: outsiders (federation B) and the coordinator or ärendegrupp member of another project of A
get 404 for it. Users whose project it is, or who see all of A's projects, get 403 without the
role; an account without any role 403; anonymous users a redirect to the login page.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.browser.conftest import restore_built_in_rows
from tests.conftest import PERSONAS
from tests.matrix_objects import build_objects, build_personas
from tests.world import pass_second_factor

# One worker runs the whole module, so its objects are built once (see `objects`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("permission-matrix")]

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
    "invitation-accept": (
        lambda f: {"uidb64": "MQ", "token": "set-password"},
        "get",
        everyone(OK),  # an invalid link renders a kind explanation
    ),
    # One's own second factor: every signed-in user, whatever their roles.
    "two-factor": (None, "get", with_(everyone(OK), anonymous=LOGIN)),
    "two-factor-setup": (None, "get", with_(everyone(OK), anonymous=LOGIN)),
    # Already past the second factor: on to where they were going.
    "two-factor-verify": (None, "get", with_(everyone(302), anonymous=LOGIN)),
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
    "manage:user-two-factor-reset": (
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
    "manage:role-request-decide": (
        # A role another admin of A asked for themselves; an empty form gets the page back.
        lambda f: {"pk": f["role_request"].pk},
        "post",
        with_(admin_only(outsider_admin=404), federation_admin=400),
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
    # The access-log review: the federation's admins and log reviewers (federation B's, B's log).
    "manage:log-review": (None, "get", with_(admin_only(outsider_admin=OK), log_reviewer=OK)),
    "manage:log-review-mark": (
        None,
        "post",  # an empty form: the page again with its errors
        with_(admin_only(outsider_admin=OK), log_reviewer=OK),
    ),
    "manage:log-review-export": (
        lambda f: {"fmt": "csv"},
        "get",
        with_(admin_only(outsider_admin=OK), log_reviewer=OK),
    ),
    # The register extract: its form, for every federation's admins (B's finds only B's people).
    "extracts:extract": (None, "get", admin_only(outsider_admin=OK)),
    "retention:policy-edit": (None, "get", admin_only(outsider_admin=OK)),
    # Importing history: the project's coordinators and the federation's admins.
    "imports:index": (lambda f: {"project_pk": f["project_a"].pk}, "get", "cohort_managers"),
    "imports:column-template": (
        lambda f: {"project_pk": f["project_a"].pk, "kind": "participants"},
        "get",
        "cohort_managers",
    ),
    "imports:batch": (
        lambda f: {"project_pk": f["project_a"].pk, "public_id": f["import_batch"].public_id},
        "get",
        "cohort_managers",
    ),
    "imports:commit": (
        lambda f: {"project_pk": f["project_a"].pk, "public_id": f["import_batch"].public_id},
        "post",  # starts the job and goes to its page
        with_(SHAPES["cohort_managers"], coordinator=302, federation_admin=302),
    ),
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
        # Another federation's project is not theirs: 404 by the one rule.
        with_(admin_only(outsider_admin=404), outsider=404),
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
    # A background job and its status and file: only the user who started it (here the
    # coordinator); anyone else, of any federation, 404; an account without roles 403 first.
    **{
        name: (
            lambda f: {"public_id": f["job"].public_id},
            "get",
            with_(everyone(404), coordinator=OK, no_role_user=403, anonymous=LOGIN),
        )
        for name in ("job", "job-status", "job-file")
    },
    "participants:officer-participant-list": (
        None,
        "get",
        with_(everyone(403), case_officer_a=OK, case_officer_b=OK, anonymous=LOGIN),
    ),
}

# Users of another project in federation A. The one rule (fokus/policy): a project you have
# no role in is a 404, as if it were another federation's, so wherever federation B's
# coordinator gets 404 they do too; elsewhere they are a coordinator / ärendegrupp member like
# those of project A.
OTHER_PROJECT_PERSONAS = {
    "other_project_coordinator": "coordinator",
    "other_project_case_group_member": "case_group_member",
}
MATRIX_PERSONAS = PERSONAS + list(OTHER_PROJECT_PERSONAS)
# A log reviewer holds one role that opens no project: checked on the rows that name it.
EXTRA_PERSONAS = ["log_reviewer"]


def with_other_project_personas(expected: dict) -> dict:
    derived = {
        persona: 404 if expected["outsider"] == 404 else expected[like]
        for persona, like in OTHER_PROJECT_PERSONAS.items()
    }
    return {**expected, **derived}


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


@pytest.fixture(scope="module")
def objects(django_db_setup, django_db_blocker, tmp_path_factory):
    """The personas and the objects the URLs point at, built and committed once for the
    module; each case runs in its own transaction on top, so what a POST changes is rolled
    back. At the end the database is emptied and the data migrations' rows put back."""
    settings = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    settings.enable()
    try:
        with django_db_blocker.unblock():
            yield build_objects(build_personas())
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
            ContentType.objects.clear_cache()  # flush made them anew, with new keys
            restore_built_in_rows()
        settings.disable()


@pytest.fixture(scope="module")
def session_cookies(objects, django_db_blocker):
    """One committed login per persona for the whole module (a login costs more queries than
    most pages); what a case does to its session is rolled back with the case."""
    cookies = {}
    with django_db_blocker.unblock():
        for persona in MATRIX_PERSONAS + EXTRA_PERSONAS:
            if persona != "anonymous":
                client = Client()
                client.force_login(objects[persona])
                pass_second_factor(client, objects[persona])
                cookies[persona] = client.cookies
    return cookies


@pytest.fixture
def client_for(session_cookies):
    """client_for("coordinator") → a test client logged in as the module's user of that name."""

    def client_for(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            for name, morsel in session_cookies[persona].items():
                client.cookies[name] = morsel.value
        return client

    return client_for


CASES = [(name, persona) for name in MATRIX for persona in MATRIX_PERSONAS]


@pytest.mark.parametrize(("url_name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_it_answers_each_persona_as_the_matrix_says(objects, url_name, persona, client_for):
    url, method, expected = _case(url_name, objects)
    client = client_for(persona)
    response = getattr(client, method)(url)
    assert response.status_code == expected[persona], (
        f"{persona} {method.upper()} {url}: got {response.status_code}, "
        f"expected {expected[persona]}"
    )
    if expected[persona] == LOGIN and persona == "anonymous" and url_name not in ("logout",):
        assert response["Location"].startswith(reverse("login"))


EXTRA_CASES = [
    (name, persona)
    for name, (_, _, expected) in MATRIX.items()
    for persona in EXTRA_PERSONAS
    if isinstance(expected, dict) and persona in expected
]


@pytest.mark.parametrize(
    ("url_name", "persona"), EXTRA_CASES, ids=[f"{n}-{p}" for n, p in EXTRA_CASES]
)
def test_it_answers_the_extra_personas_on_the_rows_that_name_them(
    objects, url_name, persona, client_for
):
    url, method, expected = _case(url_name, objects)
    status = getattr(client_for(persona), method)(url).status_code
    assert status == expected[persona], f"{persona} {method.upper()} {url}: got {status}"


def test_the_log_reviewer_is_refused_the_federation_admins_pages(objects, client_for):
    for name in ("manage:access-log", "manage:user-list", "reports:federation-summary"):
        url, _, _ = _case(name, objects)
        assert client_for("log_reviewer").get(url).status_code == 403, name


@pytest.mark.parametrize(
    "url_name",
    [name for name, (_, method, _) in MATRIX.items() if method == "post"],
)
def test_it_refuses_get_on_post_only_urls(url_name, objects, client_for):
    url, _, _ = _case(url_name, objects)
    assert client_for("federation_admin").get(url).status_code == 405


# What an empty POST may answer a persona who may open the page: the form again with its
# errors (200/400), done (302), or "this page does not take POST" (405).
ALLOWED_POST = {OK, 302, 400, 405}

GET_PAGES = [name for name, (_, method, _) in MATRIX.items() if method == "get"]


def _takes_post(client_for, url: str, expected: dict) -> bool:
    """Whether the page takes POST at all, asked of the persona who may open it (a GET-only
    page answers 405 to everyone)."""
    allowed = [p for p in PERSONAS if expected[p] == OK]
    client = client_for(allowed[0] if allowed else "anonymous")
    with transaction.atomic():
        status = client.post(url).status_code
        transaction.set_rollback(True)
    return status != 405


@pytest.mark.parametrize("url_name", GET_PAGES)
def test_a_page_that_takes_post_refuses_it_as_it_refuses_get(objects, url_name, client_for):
    """Every writing page: whoever may not open it may not post to it either (the same 302,
    403 or 404 as GET); whoever may open it never gets a 500 or a refusal for an empty form.
    A page that does not take POST answers 405 (or its refusal) to everyone."""
    url, _, expected = _case(url_name, objects)
    writing = _takes_post(client_for, url, expected)
    wrong = []
    for persona in MATRIX_PERSONAS:
        with transaction.atomic():
            status = client_for(persona).post(url).status_code
            transaction.set_rollback(True)
        if expected[persona] == OK:
            allowed = ALLOWED_POST if writing else {405}
        else:
            allowed = {expected[persona]} if writing else {405, expected[persona]}
        if status not in allowed:
            wrong.append(f"{persona}: {status} (GET {expected[persona]}, expected {allowed})")
    assert not wrong, f"POST {url}: " + "; ".join(wrong)


def test_the_matrix_posts_to_every_writing_page(objects, client_for):
    """Guards the test above: the pages it posts to really include the forms."""
    writing = [name for name in GET_PAGES if _takes_post(client_for, *_case(name, objects)[::2])]
    for name in ("manage:user-create", "participants:goal-create", "referrals:referral-create"):
        assert name in writing, name
    assert len(writing) >= 30, writing


def _case(url_name: str, objects: dict) -> tuple[str, str, dict]:
    """(url, method, {persona: status}) of one matrix row."""
    kwargs_factory, method, expected = MATRIX[url_name]
    if isinstance(expected, str):
        expected = SHAPES[expected]
    expected = with_other_project_personas(expected)
    url = reverse(url_name, kwargs=kwargs_factory(objects) if kwargs_factory else None)
    return url, method, expected
