"""A project's report settings (small cells), reports:report-settings: who may change them,
what is accepted (a threshold from the floor FOKUS_MIN_GROUP_SIZE, 5, to 10; hiding cannot be
turned off), and that the first save creates the row."""

import pytest
from django.test import Client
from django.urls import reverse

from fokus.models import AccessAction, AccessLogEntry
from fokus.roles import Role
from reports.models import ReportSettings
from tests.conftest import make_user


def url(project) -> str:
    return reverse("reports:report-settings", args=[project.pk])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_coordinator(fed_a, project_a_other):
    """A coordinator of federation A who works in another project."""
    return make_user(
        fed_a,
        "koordinator2@a.example",
        "Klara Annanprojekt",
        (Role.COORDINATOR, {"project": project_a_other}),
    )


VALID = {"small_cell_threshold": "6"}


@pytest.mark.parametrize("persona", ["coordinator", "federation_staff", "federation_admin"])
def test_the_form_shows_the_defaults_without_saving_anything(persona_client, project_a, persona):
    response = persona_client(persona).get(url(project_a))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["small_cell_threshold"].value() == 5
    assert "hide_small_cells_in_final_report" not in form.fields  # hiding is always on
    assert not ReportSettings.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "federation_staff", "federation_admin"])
def test_the_first_save_creates_the_settings(persona_client, project_a, persona):
    response = persona_client(persona).post(url(project_a), VALID)
    assert response.status_code == 302
    assert response["Location"] == url(project_a)
    settings = ReportSettings.objects.get(project=project_a)
    assert settings.small_cell_threshold == 6
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CREATE, object_type="reports.reportsettings"
    ).exists()


def test_a_later_save_changes_the_same_row_and_logs_the_fields(coordinator, project_a):
    ReportSettings.objects.create(project=project_a, small_cell_threshold=6)
    client = client_for(coordinator)
    response = client.post(url(project_a), {"small_cell_threshold": "8"})
    assert response.status_code == 302
    settings = ReportSettings.objects.get(project=project_a)
    assert settings.small_cell_threshold == 8
    entry = AccessLogEntry.objects.get(action=AccessAction.CHANGE)
    assert "small_cell_threshold" in entry.detail
    assert ReportSettings.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_save_through_the_page_works_in_autocommit(coordinator, project_a):
    """The row lock (select_for_update) must sit inside the service's own transaction."""
    ReportSettings.objects.create(project=project_a, small_cell_threshold=7)
    response = client_for(coordinator).post(url(project_a), {"small_cell_threshold": "6"})
    assert response.status_code == 302
    settings = ReportSettings.objects.get(project=project_a)
    assert settings.small_cell_threshold == 6
    entry = AccessLogEntry.objects.get(action=AccessAction.CHANGE)
    assert entry.detail == "small_cell_threshold"


@pytest.mark.parametrize("value", ["4", "2", "1", "11", "0", "-3", "abc", "", "3.5", "99999999999"])
def test_a_threshold_outside_5_to_10_is_refused(coordinator, project_a, value):
    ReportSettings.objects.create(project=project_a, small_cell_threshold=7)
    response = client_for(coordinator).post(url(project_a), {"small_cell_threshold": value})
    assert response.status_code == 400
    assert response.context["form"].errors["small_cell_threshold"]
    html = response.content.decode()
    assert 'id="form-errors"' in html
    # What was typed is kept, and nothing was saved.
    if value:
        assert f'value="{value}"' in html
    assert ReportSettings.objects.get(project=project_a).small_cell_threshold == 7
    assert not AccessLogEntry.objects.filter(action=AccessAction.CHANGE).exists()


@pytest.mark.parametrize("value", ["5", "10"])
def test_the_ends_of_the_range_are_accepted(coordinator, project_a, value):
    response = client_for(coordinator).post(url(project_a), {"small_cell_threshold": value})
    assert response.status_code == 302
    assert ReportSettings.objects.get(project=project_a).small_cell_threshold == int(value)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("case_officer_a", 403),
        ("case_group_member", 403),
        ("no_role_user", 403),
        ("other_coordinator", 404),
        ("outsider", 404),
        ("outsider_admin", 404),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_who_may_not_change_them(persona_client, project_a, persona, expected, method):
    response = getattr(persona_client(persona), method)(url(project_a), VALID)
    assert response.status_code == expected
    assert not ReportSettings.objects.exists()


def test_anonymous_goes_to_the_login(persona_client, project_a):
    response = persona_client("anonymous").post(url(project_a), VALID)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not ReportSettings.objects.exists()


def test_a_coordinator_changes_only_their_own_project(
    coordinator, other_coordinator, project_a, project_a_other
):
    assert client_for(coordinator).get(url(project_a_other)).status_code == 404
    assert client_for(other_coordinator).get(url(project_a_other)).status_code == 200


def test_a_project_that_does_not_exist_is_404(federation_admin):
    response = client_for(federation_admin).get(reverse("reports:report-settings", args=[999999]))
    assert response.status_code == 404


def test_other_methods_are_refused(federation_admin, project_a):
    assert client_for(federation_admin).put(url(project_a)).status_code == 405


def test_the_summary_uses_the_saved_threshold(federation_staff, project_a, make_referral):
    client_for(federation_staff).post(url(project_a), {"small_cell_threshold": "7"})
    response = client_for(federation_staff).get(reverse("reports:federation-summary"))
    row = next(row for row in response.context["summary"].rows if row.project_id == project_a.pk)
    assert row.threshold == 7


def test_the_floor_setting_moves_the_lower_end(coordinator, project_a, settings):
    settings.FOKUS_MIN_GROUP_SIZE = 3
    client = client_for(coordinator)
    response = client.post(url(project_a), {"small_cell_threshold": "2"})
    assert response.status_code == 400
    assert "3" in response.context["form"].errors["small_cell_threshold"][0]
    assert client.post(url(project_a), {"small_cell_threshold": "3"}).status_code == 302


def test_a_stored_threshold_below_the_floor_is_offered_as_the_floor(coordinator, project_a):
    ReportSettings.objects.create(project=project_a, small_cell_threshold=3)
    form = client_for(coordinator).get(url(project_a)).context["form"]
    assert form["small_cell_threshold"].value() == 5
