"""Roles that open case data, given by an admin to themselves, wait for a second admin; every
role change is logged and mailed to the federation's other admins."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from fokus.memberships import membership_add
from fokus.models import AccessLogEntry, Membership, RoleGrantRequest, User
from fokus.roles import Role
from tests.conftest import make_user

SUBJECT = "A role was changed in Fokus"
NO_SECOND_ADMIN = (
    "A role that opens case data cannot be given to yourself without the approval "
    "of another administrator, and the federation has no other active "
    "administrator. Ask for a second administrator to be added first; they can "
    "then give you the role or approve your request."
)


def sv(text: str) -> str:
    """The text as the Swedish pages show it (HTML-escaped)."""
    with translation.override("sv"):
        return escape(_(text))


@pytest.fixture
def second_admin(fed_a) -> User:
    return make_user(fed_a, "admin2@a.example", "Alva Andra", (Role.FEDERATION_ADMIN, {}))


@pytest.fixture
def second_client(second_admin) -> Client:
    client = Client()
    client.force_login(second_admin)
    return client


def add_role(client: Client, user: User, **data):
    return client.post(reverse("manage:membership-create", args=[user.public_id]), data)


def decide(client: Client, grant: RoleGrantRequest, outcome: str):
    return client.post(reverse("manage:role-request-decide", args=[grant.pk]), {"outcome": outcome})


def ask_for_coordinator(client, federation_admin, project_a, capture) -> RoleGrantRequest:
    with capture(execute=True):
        response = add_role(client, federation_admin, role=Role.COORDINATOR, project=project_a.pk)
    assert response.status_code == 302
    return RoleGrantRequest.objects.get()


# --- Giving others a role: at once, and the other admins are told ------------------------------


def test_it_gives_another_user_a_case_role_at_once_and_mails_the_other_admins(
    admin_client_a,
    federation_admin,
    second_admin,
    no_role_user,
    project_a,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add_role(
            admin_client_a, no_role_user, role=Role.COORDINATOR, project=project_a.pk
        )

    assert response.status_code == 302
    assert Membership.objects.filter(user=no_role_user, role=Role.COORDINATOR).exists()
    assert not RoleGrantRequest.objects.exists()
    # The other admin is told; the admin who made the change is not.
    assert [m.to for m in mail.outbox] == [["admin2@a.example"]]
    message = mail.outbox[0]
    with translation.override("sv"):
        assert message.subject == _(SUBJECT)
    assert "Ada Admin" in message.body and "Nils Nyanställd" in message.body
    assert "Insats A" in message.body
    assert reverse("manage:user-detail", args=[no_role_user.public_id]) in message.body


def test_it_mails_the_other_admins_when_a_role_is_removed(
    admin_client_a, second_admin, coordinator, django_capture_on_commit_callbacks
):
    membership = coordinator.memberships.get()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client_a.post(
            reverse("manage:membership-delete", args=[coordinator.public_id, membership.pk])
        )

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert [m.to for m in mail.outbox] == [["admin2@a.example"]]
    assert "Kim Koordinator" in mail.outbox[0].body


def test_it_gives_an_admin_a_role_without_case_data_at_once(
    admin_client_a, federation_admin, second_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_role(admin_client_a, federation_admin, role=Role.FEDERATION_STAFF)

    assert Membership.objects.filter(user=federation_admin, role=Role.FEDERATION_STAFF).exists()
    assert not RoleGrantRequest.objects.exists()
    assert [m.to for m in mail.outbox] == [["admin2@a.example"]]


# --- Giving oneself a case role: a request for a second admin -----------------------------------


@pytest.mark.parametrize(
    ("role", "in_project", "for_agency"),
    [
        (Role.COORDINATOR, True, False),
        (Role.CASE_OFFICER, False, True),
        (Role.CASE_GROUP_MEMBER, True, True),
    ],
)
def test_it_holds_a_case_role_an_admin_gives_themselves_until_another_admin_approves(
    admin_client_a,
    federation_admin,
    second_admin,
    project_a,
    agency_af,
    role,
    in_project,
    for_agency,
    django_capture_on_commit_callbacks,
):
    data = {"role": role}
    if in_project:
        data["project"] = project_a.pk
    if for_agency:
        data["agency"] = agency_af.pk

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_a.post(
            reverse("manage:membership-create", args=[federation_admin.public_id]),
            data,
            follow=True,
        )

    assert not Membership.objects.filter(user=federation_admin, role=role).exists()
    grant = RoleGrantRequest.objects.get()
    assert (grant.user, grant.requested_by, grant.role) == (
        federation_admin,
        federation_admin,
        role,
    )
    assert grant.outcome == RoleGrantRequest.Outcome.PENDING
    assert (
        sv(
            "Your request was sent to the federation's other administrators. You get "
            "the role when one of them approves it."
        )
        in response.content.decode()
    )
    # The requester sees it waiting, without the buttons.
    assert sv("Waiting for another administrator") in response.content.decode()
    assert reverse("manage:role-request-decide", args=[grant.pk]) not in response.content.decode()
    entry = AccessLogEntry.objects.get(object_type="fokus.rolegrantrequest")
    assert (entry.actor, entry.action) == (federation_admin, "create")
    assert [m.to for m in mail.outbox] == [["admin2@a.example"]]
    assert reverse("manage:user-detail", args=[federation_admin.public_id]) in mail.outbox[0].body


def test_it_shows_the_request_with_its_buttons_to_the_other_admin(
    admin_client_a, second_client, federation_admin, project_a, django_capture_on_commit_callbacks
):
    grant = ask_for_coordinator(
        admin_client_a, federation_admin, project_a, django_capture_on_commit_callbacks
    )
    decide_url = reverse("manage:role-request-decide", args=[grant.pk])

    for url in (
        reverse("manage:user-list"),
        reverse("manage:user-detail", args=[federation_admin.public_id]),
    ):
        content = second_client.get(url).content.decode()
        assert decide_url in content, url
        assert 'value="approve"' in content and 'value="refuse"' in content
    assert decide_url not in admin_client_a.get(reverse("manage:user-list")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_it_gives_the_role_when_another_admin_approves_in_autocommit(
    fed_a, project_a, django_capture_on_commit_callbacks
):
    requester = make_user(fed_a, "admin@a.example", "Ada Admin", (Role.FEDERATION_ADMIN, {}))
    approver = make_user(fed_a, "admin2@a.example", "Alva Andra", (Role.FEDERATION_ADMIN, {}))
    requester_client, approver_client = Client(), Client()
    requester_client.force_login(requester)
    approver_client.force_login(approver)
    add_role(requester_client, requester, role=Role.COORDINATOR, project=project_a.pk)
    grant = RoleGrantRequest.objects.get()
    assert len(mail.outbox) == 1  # the request, to the approver
    # The requester cannot open the project's case data yet.
    assert not Membership.objects.filter(user=requester, role=Role.COORDINATOR).exists()

    response = decide(approver_client, grant, "approve")

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.outcome == RoleGrantRequest.Outcome.APPROVED
    assert grant.decided_by == approver and grant.decided_at is not None
    assert Membership.objects.filter(
        user=requester, role=Role.COORDINATOR, project=project_a
    ).exists()
    assert AccessLogEntry.objects.filter(
        actor=approver, action="change", object_type="fokus.rolegrantrequest"
    ).exists()
    assert AccessLogEntry.objects.filter(
        actor=approver, action="create", object_type="fokus.membership"
    ).exists()
    # The approval goes to the requester, the other admin; the approver is not mailed.
    assert [m.to for m in mail.outbox[1:]] == [["admin@a.example"]]
    assert "Alva Andra" in mail.outbox[1].body


def test_it_records_a_refusal_and_gives_no_role(
    admin_client_a,
    second_client,
    second_admin,
    federation_admin,
    project_a,
    django_capture_on_commit_callbacks,
):
    grant = ask_for_coordinator(
        admin_client_a, federation_admin, project_a, django_capture_on_commit_callbacks
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(second_client, grant, "refuse")

    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.outcome, grant.decided_by) == (RoleGrantRequest.Outcome.REFUSED, second_admin)
    assert not Membership.objects.filter(user=federation_admin, role=Role.COORDINATOR).exists()
    assert AccessLogEntry.objects.filter(
        actor=second_admin, action="change", object_type="fokus.rolegrantrequest"
    ).exists()
    assert mail.outbox[-1].to == ["admin@a.example"]


def test_it_forbids_the_requester_to_approve_their_own_request(
    admin_client_a, second_admin, federation_admin, project_a, django_capture_on_commit_callbacks
):
    grant = ask_for_coordinator(
        admin_client_a, federation_admin, project_a, django_capture_on_commit_callbacks
    )

    response = decide(admin_client_a, grant, "approve")

    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.is_pending
    assert not Membership.objects.filter(user=federation_admin, role=Role.COORDINATOR).exists()


def test_it_refuses_a_self_grant_when_no_other_admin_is_active(
    admin_client_a, fed_a, federation_admin, project_a
):
    retired = make_user(fed_a, "pension@a.example", "Pia Pension", (Role.FEDERATION_ADMIN, {}))
    retired.is_active = False
    retired.save()

    response = add_role(
        admin_client_a, federation_admin, role=Role.COORDINATOR, project=project_a.pk
    )

    assert response.status_code == 400
    with translation.override("sv"):
        assert response.context["membership_form"].non_field_errors() == [_(NO_SECOND_ADMIN)]
    assert not RoleGrantRequest.objects.exists()
    assert not Membership.objects.filter(user=federation_admin, role=Role.COORDINATOR).exists()


def test_it_refuses_asking_twice_for_the_same_role(
    admin_client_a, second_admin, federation_admin, project_a, django_capture_on_commit_callbacks
):
    ask_for_coordinator(
        admin_client_a, federation_admin, project_a, django_capture_on_commit_callbacks
    )

    response = add_role(
        admin_client_a, federation_admin, role=Role.COORDINATOR, project=project_a.pk
    )

    assert response.status_code == 400
    assert RoleGrantRequest.objects.count() == 1


def test_it_refuses_deciding_a_request_twice(
    admin_client_a, second_client, federation_admin, project_a, django_capture_on_commit_callbacks
):
    grant = ask_for_coordinator(
        admin_client_a, federation_admin, project_a, django_capture_on_commit_callbacks
    )
    decide(second_client, grant, "refuse")

    response = decide(second_client, grant, "approve")

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.outcome == RoleGrantRequest.Outcome.REFUSED
    assert not Membership.objects.filter(user=federation_admin, role=Role.COORDINATOR).exists()


@pytest.mark.parametrize("outcome", ["", "maybe", "approve\x00"])
def test_it_answers_an_unknown_decision_with_the_page_and_a_message(
    admin_client_a,
    second_client,
    federation_admin,
    project_a,
    outcome,
    django_capture_on_commit_callbacks,
):
    grant = ask_for_coordinator(
        admin_client_a, federation_admin, project_a, django_capture_on_commit_callbacks
    )

    response = decide(second_client, grant, outcome)

    assert response.status_code == 400
    assert sv("Choose whether to approve or refuse the request.") in response.content.decode()
    grant.refresh_from_db()
    assert grant.is_pending


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider_admin", 404), ("coordinator", 403), ("no_role_user", 403), ("anonymous", 302)],
)
def test_it_keeps_the_decision_to_the_federations_admins(
    admin_client_a,
    second_admin,
    federation_admin,
    project_a,
    persona_client,
    persona,
    status,
    django_capture_on_commit_callbacks,
):
    grant = ask_for_coordinator(
        admin_client_a, federation_admin, project_a, django_capture_on_commit_callbacks
    )

    assert decide(persona_client(persona), grant, "approve").status_code == status
    grant.refresh_from_db()
    assert grant.is_pending


def test_the_service_refuses_a_self_grant_of_a_case_role(federation_admin, project_a):
    with pytest.raises(ValidationError):
        membership_add(
            actor=federation_admin,
            user=federation_admin,
            role=Role.COORDINATOR,
            project=project_a,
            agency=None,
            is_substitute=False,
        )
    assert not Membership.objects.filter(user=federation_admin, role=Role.COORDINATOR).exists()
