"""The whole URL × persona matrix, and a guard that no URL is left out of it.

Objects in the URLs belong to federation A. Outsiders (federation B) must get 404 for them,
logged-in users of A without the role 403, anonymous users a redirect to the login page.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS

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


CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(("url_name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_it_answers_each_persona_as_the_matrix_says(request, url_name, persona, persona_client):
    fixtures = {
        name: request.getfixturevalue(name)
        for name in ("project_a", "coordinator", "agency_af", "municipality_a")
    }
    kwargs_factory, method, expected = MATRIX[url_name]
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
    fixtures = {
        name: request.getfixturevalue(name)
        for name in ("project_a", "coordinator", "agency_af", "municipality_a")
    }
    kwargs_factory = MATRIX[url_name][0]
    url = reverse(url_name, kwargs=kwargs_factory(fixtures) if kwargs_factory else None)
    assert admin_client_a.get(url).status_code == 405
