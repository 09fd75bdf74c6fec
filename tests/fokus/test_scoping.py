"""Which projects each role may open, and the access helpers behind it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from fokus import policy
from fokus.models import Membership, Project, User
from fokus.roles import Role
from tests.conftest import make_user


def fresh(user: User) -> User:
    """A new instance, so memberships are read again rather than taken from the cache."""
    return User.objects.get(pk=user.pk)


def visible(user) -> set[str]:
    return {project.name for project in Project.objects.for_user(user)}


# --- Project.objects.for_user --------------------------------------------------------------------


@pytest.mark.usefixtures("project_a", "project_a_other", "project_b")
@pytest.mark.parametrize("persona", ["federation_staff", "federation_admin", "case_officer_a"])
def test_it_shows_staff_admins_and_case_officers_every_project_of_their_federation(
    request, persona
):
    user = request.getfixturevalue(persona)

    assert visible(user) == {"Insats A", "Insats A2"}


@pytest.mark.usefixtures("project_a", "project_a_other", "project_b")
@pytest.mark.parametrize("persona", ["coordinator", "case_group_member"])
def test_it_shows_coordinators_and_arendegrupp_members_only_their_own_projects(request, persona):
    user = request.getfixturevalue(persona)

    assert visible(user) == {"Insats A"}


@pytest.mark.usefixtures("project_a", "project_a_other")
def test_it_shows_the_outsider_only_their_own_federations_project(outsider):
    assert visible(outsider) == {"Insats B"}


def test_it_shows_a_coordinator_every_project_they_coordinate(
    coordinator, project_a, project_a_other
):
    Membership.objects.create(
        user=coordinator,
        federation=coordinator.federation,
        role=Role.COORDINATOR,
        project=project_a_other,
    )

    assert visible(fresh(coordinator)) == {"Insats A", "Insats A2"}


@pytest.mark.usefixtures("project_a", "project_a_other", "project_b")
def test_it_shows_no_project_to_a_user_without_role(no_role_user):
    assert visible(no_role_user) == set()


@pytest.mark.usefixtures("project_a", "project_a_other", "project_b")
def test_it_shows_no_project_to_an_anonymous_user():
    assert visible(AnonymousUser()) == set()


@pytest.mark.usefixtures("project_a", "project_a_other")
def test_it_shows_no_project_to_a_deactivated_user(federation_admin):
    federation_admin.is_active = False
    federation_admin.save()

    assert visible(fresh(federation_admin)) == set()


@pytest.mark.usefixtures("project_a", "project_a_other", "project_b")
def test_it_ignores_a_membership_in_another_federation(fed_b, coordinator):
    # A stray row naming federation B must not open B's projects, nor make A's visible.
    Membership.objects.create(user=coordinator, federation=fed_b, role=Role.FEDERATION_ADMIN)

    assert visible(fresh(coordinator)) == {"Insats A"}


# --- The project pages ---------------------------------------------------------------------------


def test_it_lists_only_the_coordinators_own_projects(persona_client, project_a, project_a_other):
    response = persona_client("coordinator").get(reverse("project-list"))

    assert response.status_code == 200
    assert [p.name for p in response.context["projects"]] == ["Insats A"]
    assert "Insats A2" not in response.content.decode()


def test_it_opens_the_coordinators_own_project(persona_client, project_a):
    response = persona_client("coordinator").get(reverse("project-detail", args=[project_a.pk]))

    assert response.status_code == 200
    assert "Kim Koordinator" in response.content.decode()


def test_it_hides_another_project_of_the_federation_from_a_coordinator(
    persona_client, project_a, project_a_other
):
    response = persona_client("coordinator").get(
        reverse("project-detail", args=[project_a_other.pk])
    )

    assert response.status_code == 404


def test_it_opens_every_project_of_the_federation_to_a_case_officer(
    persona_client, project_a_other
):
    response = persona_client("case_officer_a").get(
        reverse("project-detail", args=[project_a_other.pk])
    )

    assert response.status_code == 200


def test_it_offers_the_edit_link_only_to_the_admin(persona_client, project_a):
    url = reverse("project-detail", args=[project_a.pk])
    edit_url = reverse("manage:project-edit", args=[project_a.pk])

    assert edit_url in persona_client("federation_admin").get(url).content.decode()
    assert edit_url not in persona_client("coordinator").get(url).content.decode()


# --- fokus.access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", {Role.COORDINATOR}),
        ("case_officer_a", {Role.CASE_OFFICER}),
        ("case_group_member", {Role.CASE_GROUP_MEMBER}),
        ("federation_staff", {Role.FEDERATION_STAFF}),
        ("federation_admin", {Role.FEDERATION_ADMIN}),
        ("no_role_user", set()),
    ],
)
def test_it_reports_the_roles_a_user_holds(request, persona, expected):
    assert policy.roles(request.getfixturevalue(persona)) == expected


def test_it_reports_every_role_of_a_user_with_several(fed_a, project_a, agency_af):
    user = make_user(
        fed_a,
        "flera@a.example",
        "Fia Flera",
        (Role.COORDINATOR, {"project": project_a}),
        (Role.CASE_OFFICER, {"agency": agency_af}),
    )

    assert policy.roles(user) == {Role.COORDINATOR, Role.CASE_OFFICER}


def test_it_reports_no_roles_for_an_anonymous_or_deactivated_user(coordinator):
    coordinator.is_active = False
    coordinator.save()

    assert policy.roles(AnonymousUser()) == set()
    assert policy.roles(fresh(coordinator)) == set()


def test_it_sees_a_new_role_once_the_cache_is_forgotten(no_role_user):
    assert policy.roles(no_role_user) == set()
    Membership.objects.create(
        user=no_role_user, federation=no_role_user.federation, role=Role.FEDERATION_STAFF
    )

    policy.forget_memberships(no_role_user)

    assert policy.roles(no_role_user) == {Role.FEDERATION_STAFF}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("federation_admin", True),
        ("outsider_admin", True),
        ("federation_staff", False),
        ("coordinator", False),
        ("case_officer_a", False),
        ("no_role_user", False),
    ],
)
def test_it_knows_who_is_a_federation_admin(request, persona, expected):
    assert policy.is_federation_admin(request.getfixturevalue(persona)) is expected


def test_it_does_not_make_an_admin_of_a_membership_in_another_federation(fed_b, coordinator):
    Membership.objects.create(user=coordinator, federation=fed_b, role=Role.FEDERATION_ADMIN)

    assert not policy.is_federation_admin(fresh(coordinator))


def test_it_lets_a_coordinator_coordinate_only_their_own_project(
    coordinator, project_a, project_a_other, project_b
):
    assert policy.can_coordinate(coordinator, project_a)
    assert not policy.can_coordinate(coordinator, project_a_other)
    assert not policy.can_coordinate(coordinator, project_b)


@pytest.mark.parametrize("persona", ["case_group_member", "federation_admin", "case_officer_a"])
def test_it_lets_no_other_role_coordinate(request, project_a, persona):
    assert not policy.can_coordinate(request.getfixturevalue(persona), project_a)


def test_it_lets_only_the_federations_admin_manage_project_settings(
    federation_admin, outsider_admin, coordinator, project_a, project_b
):
    assert policy.ProjectAccess(federation_admin, project_a).can("project.settings")
    # Another federation's project is not theirs at all: no access object, a 404.
    assert not policy.has_project(federation_admin, project_b)
    assert not policy.has_project(outsider_admin, project_a)
    assert not policy.ProjectAccess(coordinator, project_a).can("project.settings")
