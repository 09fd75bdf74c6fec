"""The access-log review page: who opens it, its filters, its pages and its export."""

# ruff: noqa: F811  (the fixtures imported from tests.fokus.logreview_world)
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fokus.forms import MembershipForm
from fokus.memberships import membership_add
from fokus.models import AccessAction, AccessLogEntry, Membership
from fokus.roles import Role
from tests.fokus.logreview_world import (  # noqa: F401  (fixtures)
    add,
    at,
    log_reviewer,
    reviewer_client,
    row,
)

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-15")]

URL = "/manage/log-review/"


@pytest.fixture
def rows(coordinator, case_officer_a, outsider_admin, make_referral):
    referral = make_referral(name="Petra Person")
    other = make_referral(name="Olle Annan")
    made = add(
        row(coordinator, AccessAction.VIEW, at("2026-10-03"), referral),
        row(coordinator, AccessAction.VIEW, at("2026-10-04"), other),
        row(case_officer_a, AccessAction.EXPORT, at("2026-10-05"), referral),
        row(case_officer_a, AccessAction.VIEW, at("2026-09-30"), referral),
        row(outsider_admin, AccessAction.VIEW, at("2026-10-03")),
    )
    return {
        "coordinator_petra": made[0],
        "coordinator_olle": made[1],
        "officer_export": made[2],
        "officer_september": made[3],
        "outsider": made[4],
        "referral": referral,
    }


def shown(response) -> set[int]:
    return {entry.pk for entry in response.context["page"]}


def test_it_shows_the_log_reviewer_the_previous_month_of_their_federation(reviewer_client, rows):
    response = reviewer_client.get(URL)

    assert response.status_code == 200
    assert shown(response) == {
        rows[k].pk for k in ("coordinator_petra", "coordinator_olle", "officer_export")
    }
    assert "Petra Person" in response.text


def test_it_shows_federation_b_only_its_own_rows(persona_client, rows):
    response = persona_client("outsider_admin").get(URL)

    assert shown(response) == {rows["outsider"].pk}


@pytest.mark.parametrize("persona", ["coordinator", "federation_staff", "case_officer_a"])
def test_it_refuses_the_review_to_other_roles(persona_client, persona):
    assert persona_client(persona).get(URL).status_code == 403


def test_it_lets_log_reviewers_read_the_log_through_the_policy(log_reviewer, coordinator, rows):
    assert set(AccessLogEntry.objects.for_user(log_reviewer)) >= {rows["coordinator_petra"]}
    assert not AccessLogEntry.objects.for_user(coordinator).exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"user": "HANDLAGGARE.AF"}, {"officer_export"}),
        ({"participant": "petra"}, {"coordinator_petra", "officer_export"}),
        ({"action": "export"}, {"officer_export"}),
        (
            {"date_from": "2026-09-01", "date_to": "2026-10-03"},
            {"coordinator_petra", "officer_september"},
        ),
    ],
)
def test_it_filters_by_user_participant_action_and_period(reviewer_client, rows, query, expected):
    response = reviewer_client.get(URL, query)

    assert shown(response) == {rows[k].pk for k in expected}


def test_it_filters_by_the_participants_id_and_the_users(reviewer_client, rows, case_officer_a):
    query = {"participant": str(rows["referral"].public_id), "user": str(case_officer_a.public_id)}

    response = reviewer_client.get(URL, query)

    assert shown(response) == {rows["officer_export"].pk}


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-10-31", "date_to": "2026-10-01"},
        {"date_from": "inte ett datum"},
        {"date_from": "2024-01-01", "date_to": "2026-10-01"},
        {"page": "x'; drop"},
    ],
)
def test_it_answers_bad_filters_with_the_form_not_a_500(reviewer_client, rows, query):
    response = reviewer_client.get(URL, query)

    assert response.status_code == 200
    if "date_from" in query:
        assert response.context["filters"].errors
        assert query["date_from"] in response.text  # what was typed is kept


def test_it_pages_the_log_without_a_query_per_row(reviewer_client, coordinator, rows):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert reviewer_client.get(URL).status_code == 200
        return len(captured)

    few = queries()
    add(*[row(coordinator, AccessAction.VIEW, at("2026-10-10"), rows["referral"])] * 40)
    assert queries() == few
    response = reviewer_client.get(URL)
    assert len(response.context["page"].object_list) == 43


def test_it_logs_that_the_log_was_read(reviewer_client, log_reviewer):
    reviewer_client.get(URL)

    assert AccessLogEntry.objects.filter(
        actor=log_reviewer, action=AccessAction.VIEW, detail__startswith="access log review"
    ).exists()


def test_the_log_reviewer_role_needs_no_project_or_agency(federation_admin, no_role_user):
    form = MembershipForm({"role": Role.LOG_REVIEWER}, user=no_role_user)

    assert form.is_valid(), form.errors
    membership_add(actor=federation_admin, user=no_role_user, **form.cleaned_data)
    assert Membership.objects.get(user=no_role_user).role == Role.LOG_REVIEWER
    assert str(Role.LOG_REVIEWER.label) == "Loggranskare"


# --- Export -----------------------------------------------------------------------------


def test_it_exports_the_periods_rows_as_csv_and_logs_it(reviewer_client, log_reviewer, rows):
    response = reviewer_client.get(
        reverse("manage:log-review-export", args=["csv"]), {"participant": "petra"}
    )

    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3  # the headers, Petra's view and her export
    assert "Petra Person" in text and "Olle Annan" not in text
    assert "handlaggare.af@a.example" in text
    assert response["Cache-Control"] == "no-store"
    logged = AccessLogEntry.objects.get(actor=log_reviewer, action=AccessAction.EXPORT)
    assert "2026-10-01–2026-10-31 as csv, 2 rows" in logged.detail


def test_it_exports_the_period_as_xlsx(reviewer_client, rows):
    response = reviewer_client.get(reverse("manage:log-review-export", args=["xlsx"]))

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    labels = {row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert labels == {"Petra Person", "Olle Annan"}


def test_it_answers_an_unknown_export_format_with_404(reviewer_client):
    assert reviewer_client.get(reverse("manage:log-review-export", args=["pdf"])).status_code == 404


def test_it_refuses_the_export_to_other_roles(persona_client):
    url = reverse("manage:log-review-export", args=["csv"])
    assert persona_client("federation_staff").get(url).status_code == 403
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT).exists()
