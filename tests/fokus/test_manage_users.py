"""The federation admin's user pages: invitations, roles, deactivation, and the tenant wall."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from fokus.models import AccessLogEntry, Membership, User
from fokus.roles import Role
from tests.conftest import make_user

NEW_USER = {"full_name": "Nora Ny", "email": "Nora.Ny@Ekeby.example", "phone": "070-123 45 67"}
NEW_PASSWORD = "Vinterljus-over-Ekeby-77"

INVALID_CHOICE = "Välj ett giltigt alternativ. Det valet finns inte bland tillgängliga alternativ."
LAST_ADMIN = "Förbundet måste ha minst en aktiv administratör."

# The same answer for an address in this federation and in another: nothing leaks.
ADDRESS_IN_USE = (
    "E-postadressen kan inte användas för ett nytt konto. Om personen redan har ett konto här "
    "hittar du hen i användarlistan; annars använd en annan arbetsadress."
)


def detail_url(user: User) -> str:
    return reverse("manage:user-detail", args=[user.public_id])


def edit_data(user: User, **changes) -> dict:
    """The edit form as the browser posts it; an unchecked box is simply left out."""
    data = {"full_name": user.full_name, "email": user.email, "phone": user.phone}
    if user.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def invite(client: Client, capture, data=NEW_USER):
    # The invitation leaves only when the account is committed; run the on-commit hooks.
    with capture(execute=True):
        return client.post(reverse("manage:user-create"), data)


# --- Creating users ------------------------------------------------------------------------------


def test_it_creates_a_user_in_the_admins_federation_and_mails_an_invitation(
    admin_client_a, fed_a, federation_admin, django_capture_on_commit_callbacks
):
    response = invite(admin_client_a, django_capture_on_commit_callbacks)

    user = User.objects.get(email="nora.ny@ekeby.example")
    assertRedirects(response, detail_url(user))
    assert user.federation == fed_a
    assert user.full_name == "Nora Ny"
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nora.ny@ekeby.example"]
    assert message.subject == "Ditt konto i Fokus"
    assert "Hej Nora Ny!" in message.body
    assert "Förbund A" in message.body
    assert "Länken gäller i 3 dagar." in message.body
    entry = AccessLogEntry.objects.get(action="create", object_type="fokus.user")
    assert entry.actor == federation_admin
    assert entry.federation == fed_a
    assert entry.object_id == str(user.public_id)


def test_it_tells_the_admin_the_invitation_was_sent(
    admin_client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_a.post(reverse("manage:user-create"), NEW_USER, follow=True)

    assert (
        "Kontot har skapats och en inbjudan har skickats till nora.ny@ekeby.example."
        in response.content.decode()
    )


def test_it_lets_the_invited_user_choose_a_password_and_log_in(
    admin_client_a, django_capture_on_commit_callbacks
):
    invite(admin_client_a, django_capture_on_commit_callbacks)
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    invitee = Client()

    page = invitee.get(link, follow=True)
    assert page.status_code == 200
    assert page.context["validlink"]
    assert "Välj ett nytt lösenord" in page.content.decode()
    set_password_url = page.redirect_chain[-1][0]
    response = invitee.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assertRedirects(response, reverse("password_reset_complete"))

    login = invitee.post(
        reverse("login"), {"username": "Nora.Ny@ekeby.example", "password": NEW_PASSWORD}
    )
    assertRedirects(login, reverse("home"), fetch_redirect_response=False)
    # At the first login the new user sets up the authenticator app before anything else.
    assert invitee.get(reverse("home"))["Location"].startswith(reverse("two-factor-setup"))
    # The link is single-use.
    reused = Client().get(link, follow=True)
    assert not reused.context["validlink"]


@pytest.mark.parametrize(
    "email", ["KOORDINATOR@a.example", "admin@B.example"], ids=["same-federation", "federation-b"]
)
def test_it_refuses_an_email_address_that_already_has_an_account(
    admin_client_a, coordinator, outsider_admin, email, django_capture_on_commit_callbacks
):
    users_before = User.objects.count()

    response = invite(
        admin_client_a, django_capture_on_commit_callbacks, {**NEW_USER, "email": email}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [ADDRESS_IN_USE]
    assert ADDRESS_IN_USE in response.content.decode()
    assert User.objects.count() == users_before
    assert mail.outbox == []
    assert not AccessLogEntry.objects.filter(action="create").exists()


def test_it_sends_the_invitation_again_on_request(admin_client_a, coordinator):
    response = admin_client_a.post(
        reverse("manage:user-invite", args=[coordinator.public_id]), follow=True
    )

    assert response.redirect_chain[-1][0] == detail_url(coordinator)
    assert "En ny inbjudan har skickats till koordinator@a.example." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["koordinator@a.example"]]


def test_it_sends_no_invitation_to_a_deactivated_account(admin_client_a, coordinator):
    coordinator.is_active = False
    coordinator.save()

    response = admin_client_a.post(
        reverse("manage:user-invite", args=[coordinator.public_id]), follow=True
    )

    assert "Kontot är inaktiverat. Aktivera det först." in response.content.decode()
    assert mail.outbox == []


# --- Roles ---------------------------------------------------------------------------------------

ROLE_CONTEXTS = [
    (Role.COORDINATOR, True, False),
    (Role.CASE_OFFICER, False, True),
    (Role.CASE_GROUP_MEMBER, True, True),
    (Role.FEDERATION_STAFF, False, False),
    (Role.FEDERATION_ADMIN, False, False),
]


@pytest.mark.parametrize(("role", "in_project", "for_agency"), ROLE_CONTEXTS)
def test_it_gives_a_user_each_role_in_its_context(
    admin_client_a,
    federation_admin,
    no_role_user,
    project_a,
    agency_af,
    role,
    in_project,
    for_agency,
):
    data = {"role": role}
    if in_project:
        data["project"] = project_a.pk
    if for_agency:
        data["agency"] = agency_af.pk

    response = admin_client_a.post(
        reverse("manage:membership-create", args=[no_role_user.public_id]), data, follow=True
    )

    assert response.redirect_chain[-1][0] == detail_url(no_role_user)
    assert "Rollen har lagts till." in response.content.decode()
    membership = Membership.objects.get(user=no_role_user)
    assert membership.role == role
    assert membership.federation_id == no_role_user.federation_id
    assert membership.project == (project_a if in_project else None)
    assert membership.agency == (agency_af if for_agency else None)
    entry = AccessLogEntry.objects.get(action="create", object_type="fokus.membership")
    assert entry.actor == federation_admin
    assert entry.detail.startswith("ny@a.example: ")


def test_it_ignores_a_context_the_role_does_not_use(
    admin_client_a, no_role_user, project_a, agency_af
):
    admin_client_a.post(
        reverse("manage:membership-create", args=[no_role_user.public_id]),
        {"role": Role.FEDERATION_STAFF, "project": project_a.pk, "agency": agency_af.pk},
    )

    membership = Membership.objects.get(user=no_role_user)
    assert (membership.project, membership.agency) == (None, None)


def test_it_marks_a_substitute_in_the_arendegrupp(
    admin_client_a, no_role_user, project_a, agency_soc
):
    admin_client_a.post(
        reverse("manage:membership-create", args=[no_role_user.public_id]),
        {
            "role": Role.CASE_GROUP_MEMBER,
            "project": project_a.pk,
            "agency": agency_soc.pk,
            "is_substitute": "on",
        },
    )

    assert Membership.objects.get(user=no_role_user).is_substitute


@pytest.mark.parametrize(
    ("role", "give", "field", "message"),
    [
        (Role.COORDINATOR, "", "project", "Rollen gäller en insats. Välj vilken."),
        (Role.CASE_OFFICER, "", "agency", "Rollen gäller en part. Välj vilken."),
        (Role.CASE_GROUP_MEMBER, "project", "agency", "Rollen gäller en part. Välj vilken."),
        (Role.CASE_GROUP_MEMBER, "agency", "project", "Rollen gäller en insats. Välj vilken."),
    ],
)
def test_it_refuses_a_role_without_its_context(
    admin_client_a, no_role_user, project_a, agency_af, role, give, field, message
):
    data = {"role": role}
    if give == "project":
        data["project"] = project_a.pk
    if give == "agency":
        data["agency"] = agency_af.pk

    response = admin_client_a.post(
        reverse("manage:membership-create", args=[no_role_user.public_id]), data
    )

    assert response.status_code == 400
    assert response.context["membership_form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not Membership.objects.filter(user=no_role_user).exists()
    assert not AccessLogEntry.objects.filter(object_type="fokus.membership").exists()


@pytest.mark.parametrize(
    ("role", "field", "other"),
    [
        (Role.COORDINATOR, "project", "project_b"),
        (Role.CASE_OFFICER, "agency", "agency_b"),
    ],
)
def test_it_refuses_a_project_or_agency_of_another_federation(
    admin_client_a, no_role_user, request, role, field, other
):
    foreign = request.getfixturevalue(other)

    response = admin_client_a.post(
        reverse("manage:membership-create", args=[no_role_user.public_id]),
        {"role": role, field: foreign.pk},
    )

    assert response.status_code == 400
    assert response.context["membership_form"].errors[field] == [INVALID_CHOICE]  # one clear error
    assert not Membership.objects.filter(user=no_role_user).exists()


def test_it_refuses_a_case_group_seat_with_a_foreign_agency(
    admin_client_a, no_role_user, project_a, agency_b
):
    response = admin_client_a.post(
        reverse("manage:membership-create", args=[no_role_user.public_id]),
        {"role": Role.CASE_GROUP_MEMBER, "project": project_a.pk, "agency": agency_b.pk},
    )

    assert response.status_code == 400
    assert not Membership.objects.filter(user=no_role_user).exists()


def test_it_does_not_offer_an_inactive_agency(admin_client_a, no_role_user, agency_af):
    agency_af.is_active = False
    agency_af.save()

    response = admin_client_a.post(
        reverse("manage:membership-create", args=[no_role_user.public_id]),
        {"role": Role.CASE_OFFICER, "agency": agency_af.pk},
    )

    assert response.status_code == 400
    assert not Membership.objects.filter(user=no_role_user).exists()


def test_it_refuses_a_role_the_user_already_has(admin_client_a, coordinator, project_a):
    response = admin_client_a.post(
        reverse("manage:membership-create", args=[coordinator.public_id]),
        {"role": Role.COORDINATOR, "project": project_a.pk},
    )

    assert response.status_code == 400
    assert response.context["membership_form"].non_field_errors() == [
        "Användaren har redan den här rollen här."
    ]
    assert Membership.objects.filter(user=coordinator).count() == 1


def test_it_removes_a_role(admin_client_a, federation_admin, coordinator):
    membership = coordinator.memberships.get()

    response = admin_client_a.post(
        reverse("manage:membership-delete", args=[coordinator.public_id, membership.pk]),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == detail_url(coordinator)
    assert "Rollen har tagits bort." in response.content.decode()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AccessLogEntry.objects.get(action="delete")
    assert entry.actor == federation_admin
    assert entry.detail.startswith("koordinator@a.example: ")


def test_it_removes_only_roles_of_the_user_in_the_url(admin_client_a, coordinator, case_officer_a):
    membership = coordinator.memberships.get()

    response = admin_client_a.post(
        reverse("manage:membership-delete", args=[case_officer_a.public_id, membership.pk])
    )

    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_it_keeps_the_last_federation_admin(admin_client_a, federation_admin):
    membership = federation_admin.memberships.get()

    response = admin_client_a.post(
        reverse("manage:membership-delete", args=[federation_admin.public_id, membership.pk]),
        follow=True,
    )

    assert LAST_ADMIN in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AccessLogEntry.objects.filter(action="delete").exists()


def test_it_does_not_count_a_deactivated_admin_as_the_remaining_one(
    admin_client_a, fed_a, federation_admin
):
    retired = make_user(fed_a, "pensionerad@a.example", "Pia Pension", (Role.FEDERATION_ADMIN, {}))
    retired.is_active = False
    retired.save()
    membership = federation_admin.memberships.get()

    response = admin_client_a.post(
        reverse("manage:membership-delete", args=[federation_admin.public_id, membership.pk]),
        follow=True,
    )

    assert LAST_ADMIN in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_it_lets_an_admin_step_down_when_another_admin_remains(
    admin_client_a, fed_a, federation_admin
):
    make_user(fed_a, "admin2@a.example", "Alva Admin", (Role.FEDERATION_ADMIN, {}))
    membership = federation_admin.memberships.get()

    admin_client_a.post(
        reverse("manage:membership-delete", args=[federation_admin.public_id, membership.pk])
    )

    assert not Membership.objects.filter(pk=membership.pk).exists()
    # Without the role the former admin is now shut out of the admin pages.
    assert admin_client_a.get(reverse("manage:user-list")).status_code == 403


# --- Editing and deactivating --------------------------------------------------------------------


def test_it_saves_changes_to_a_user_and_logs_the_changed_fields(
    admin_client_a, federation_admin, coordinator
):
    response = admin_client_a.post(
        reverse("manage:user-edit", args=[coordinator.public_id]),
        edit_data(coordinator, full_name="Kim Koordinatorsson", phone="08-123 456"),
    )

    assertRedirects(response, detail_url(coordinator))
    coordinator.refresh_from_db()
    assert coordinator.full_name == "Kim Koordinatorsson"
    assert coordinator.phone == "08-123 456"
    entry = AccessLogEntry.objects.get(action="change", object_type="fokus.user")
    assert entry.actor == federation_admin
    assert entry.detail == "full_name, phone"


def test_it_refuses_changing_an_email_to_one_already_in_use(
    admin_client_a, coordinator, case_officer_a
):
    response = admin_client_a.post(
        reverse("manage:user-edit", args=[coordinator.public_id]),
        edit_data(coordinator, email="Handlaggare.AF@a.example"),
    )

    assert response.status_code == 400
    assert ADDRESS_IN_USE in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.email == "koordinator@a.example"


def test_it_refuses_to_let_an_admin_deactivate_themselves(admin_client_a, federation_admin):
    response = admin_client_a.post(
        reverse("manage:user-edit", args=[federation_admin.public_id]),
        edit_data(federation_admin, is_active=None),
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Du kan inte inaktivera ditt eget konto."
    ]
    assert "Du kan inte inaktivera ditt eget konto." in response.content.decode()
    federation_admin.refresh_from_db()
    assert federation_admin.is_active
    assert not AccessLogEntry.objects.filter(action="change").exists()


def test_it_shuts_a_deactivated_user_out(admin_client_a, coordinator, project_a):
    their_client = Client()
    their_client.force_login(coordinator)
    assert their_client.get(reverse("project-detail", args=[project_a.pk])).status_code == 200

    response = admin_client_a.post(
        reverse("manage:user-edit", args=[coordinator.public_id]),
        edit_data(coordinator, is_active=None),
    )

    assertRedirects(response, detail_url(coordinator))
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    assert AccessLogEntry.objects.get(action="change").detail == "is_active"
    for url in (reverse("home"), reverse("project-detail", args=[project_a.pk])):
        page = their_client.get(url)
        assert page.status_code == 302
        assert page.url.startswith(reverse("login"))


def test_it_lets_an_admin_deactivate_another_admin(admin_client_a, fed_a):
    colleague = make_user(fed_a, "admin2@a.example", "Alva Admin", (Role.FEDERATION_ADMIN, {}))

    response = admin_client_a.post(
        reverse("manage:user-edit", args=[colleague.public_id]),
        edit_data(colleague, is_active=None),
    )

    assertRedirects(response, detail_url(colleague))
    colleague.refresh_from_db()
    assert not colleague.is_active


def test_it_refuses_a_deactivated_user_at_login(admin_client_a, coordinator):
    coordinator.set_password(NEW_PASSWORD)
    coordinator.save()
    admin_client_a.post(
        reverse("manage:user-edit", args=[coordinator.public_id]),
        edit_data(coordinator, is_active=None),
    )

    response = Client().post(
        reverse("login"), {"username": coordinator.email, "password": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


# --- The user list -------------------------------------------------------------------------------


def names(response) -> set[str]:
    return {user.full_name for user in response.context["page"]}


@pytest.mark.usefixtures("coordinator", "case_officer_a", "case_group_member", "outsider_admin")
def test_it_lists_only_the_admins_own_federation(admin_client_a):
    response = admin_client_a.get(reverse("manage:user-list"))

    assert response.status_code == 200
    assert names(response) == {"Ada Admin", "Kim Koordinator", "Hanna Handläggare", "Siv Samverkan"}
    assert "Berit Bförbund" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "koordinator"}, {"Kim Koordinator"}),
        ({"q": "HANDLAGGARE.AF"}, {"Hanna Handläggare"}),
        ({"q": "samverkan"}, {"Siv Samverkan"}),
        ({"role": Role.CASE_OFFICER}, {"Hanna Handläggare"}),
        ({"role": Role.FEDERATION_ADMIN}, {"Ada Admin"}),
        ({"q": "a.example", "role": Role.COORDINATOR}, {"Kim Koordinator"}),
        ({"q": "Berit"}, set()),
    ],
)
@pytest.mark.usefixtures("coordinator", "case_officer_a", "case_group_member", "outsider_admin")
def test_it_filters_the_user_list_by_name_email_and_role(admin_client_a, query, expected):
    response = admin_client_a.get(reverse("manage:user-list"), query)

    assert response.status_code == 200
    assert names(response) == expected


def test_it_lists_a_user_with_two_roles_once(admin_client_a, fed_a, project_a, agency_af):
    make_user(
        fed_a,
        "dubbel@a.example",
        "Dora Dubbel",
        (Role.COORDINATOR, {"project": project_a}),
        (Role.CASE_GROUP_MEMBER, {"project": project_a, "agency": agency_af}),
    )

    response = admin_client_a.get(reverse("manage:user-list"), {"q": "dubbel"})

    assert [user.full_name for user in response.context["page"]] == ["Dora Dubbel"]


# --- Who may do it -------------------------------------------------------------------------------


def test_it_forbids_the_user_pages_to_a_coordinator(persona_client, no_role_user):
    client = persona_client("coordinator")

    assert client.get(reverse("manage:user-list")).status_code == 403
    assert client.get(detail_url(no_role_user)).status_code == 403
    response = client.post(reverse("manage:user-create"), NEW_USER)
    assert response.status_code == 403
    assert not User.objects.filter(email="nora.ny@ekeby.example").exists()


OUTSIDER_URLS = [
    ("manage:user-detail", "get"),
    ("manage:user-edit", "get"),
    ("manage:user-edit", "post"),
    ("manage:user-invite", "post"),
    ("manage:membership-create", "post"),
    ("manage:membership-delete", "post"),
]


@pytest.mark.parametrize(("name", "method"), OUTSIDER_URLS)
def test_it_hides_federation_a_users_from_federation_b_admin(
    persona_client, coordinator, project_a, name, method
):
    membership = coordinator.memberships.get()
    args = [coordinator.public_id]
    if name == "manage:membership-delete":
        args.append(membership.pk)
    data = {"role": Role.FEDERATION_STAFF} if name == "manage:membership-create" else {}
    if name == "manage:user-edit":
        data = edit_data(coordinator, full_name="Kapad", is_active=None)

    response = getattr(persona_client("outsider_admin"), method)(reverse(name, args=args), data)

    assert response.status_code == 404
    coordinator.refresh_from_db()
    assert coordinator.full_name == "Kim Koordinator"
    assert coordinator.is_active
    assert list(coordinator.memberships.all()) == [membership]
    assert mail.outbox == []


@pytest.mark.parametrize(
    "name", ["manage:user-invite", "manage:membership-create", "manage:membership-delete"]
)
def test_it_answers_get_on_post_only_urls_with_405(admin_client_a, coordinator, name):
    args = [coordinator.public_id]
    if name == "manage:membership-delete":
        args.append(coordinator.memberships.get().pk)

    response = admin_client_a.get(reverse(name, args=args))

    assert response.status_code == 405
    assert coordinator.memberships.count() == 1
    assert mail.outbox == []
