"""Pages outside the federation set-up: the accessibility statement, Django admin, errors,
and query counts that must not grow with the data."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fokus.models import Membership, User
from fokus.roles import Role


def test_it_shows_the_accessibility_statement_without_login(db):
    response = Client().get(reverse("accessibility"))
    assert response.status_code == 200
    assert "Tillgänglighetsredogörelse för Fokus" in response.text
    assert "2018:1937" in response.text


def test_it_keeps_the_django_admin_for_superusers(federation_admin):
    federation_admin.is_staff = True  # even a staff flag does not open it
    federation_admin.save()
    client = Client()
    client.force_login(federation_admin)
    assert client.get("/django-admin/").status_code == 302
    superuser = User.objects.create_superuser("root@plattform.example", "x", full_name="Root")
    client.force_login(superuser)
    assert client.get("/django-admin/").status_code == 200


def test_it_answers_unknown_pages_with_a_swedish_404(persona_client):
    response = persona_client("coordinator").get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.text


def test_it_answers_a_wrong_role_with_a_swedish_403(persona_client):
    response = persona_client("coordinator").get(reverse("manage:user-list"))
    assert response.status_code == 403
    assert "behörighet" in response.text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def _add_users(federation, project, agency, count, start=0):
    for i in range(start, start + count):
        user = User.objects.create_user(
            f"person{i}@a.example", None, full_name=f"Person {i}", federation=federation
        )
        Membership.objects.create(
            user=user, federation=federation, role=Role.COORDINATOR, project=project
        )
        Membership.objects.create(
            user=user, federation=federation, role=Role.CASE_OFFICER, agency=agency
        )


def test_it_lists_users_in_constant_queries(admin_client_a, fed_a, project_a, agency_af):
    _add_users(fed_a, project_a, agency_af, 3)
    few = _queries(admin_client_a, reverse("manage:user-list"))
    _add_users(fed_a, project_a, agency_af, 30, start=3)
    assert _queries(admin_client_a, reverse("manage:user-list")) == few


def test_it_shows_a_project_team_in_constant_queries(admin_client_a, fed_a, project_a, agency_af):
    _add_users(fed_a, project_a, agency_af, 2)
    few = _queries(admin_client_a, reverse("project-detail", args=[project_a.pk]))
    _add_users(fed_a, project_a, agency_af, 20, start=2)
    assert _queries(admin_client_a, reverse("project-detail", args=[project_a.pk])) == few
