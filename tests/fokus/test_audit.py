"""The access log (append-only, per federation) and the row history django-pghistory keeps."""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, transaction
from django.test import RequestFactory
from django.urls import reverse

from fokus import request_context
from fokus.audit import log_access
from fokus.models import AccessAction, AccessLogEntry
from fokus.request_context import RequestContext
from fokus.roles import Role
from tests.fokus.test_manage_organisation import edit_project_data


@pytest.fixture
def entry(federation_admin, project_a):
    return log_access(actor=federation_admin, action=AccessAction.VIEW, obj=project_a)


# --- Append-only ---------------------------------------------------------------------------------


def test_it_refuses_to_change_an_access_log_row(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(detail="efterhandskonstruktion")

    entry.refresh_from_db()
    assert entry.detail == ""


def test_it_refuses_to_save_an_edited_access_log_row(entry):
    entry.actor_label = "någon.annan@a.example"

    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()

    entry.refresh_from_db()
    assert entry.actor_label == "admin@a.example"


def test_it_refuses_to_delete_an_access_log_row(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()

    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_it_refuses_to_delete_an_access_log_row_through_the_instance(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()

    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


# --- log_access ----------------------------------------------------------------------------------


def test_it_logs_the_object_its_federation_and_the_actor(fed_a, federation_admin, project_a):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT="Testläsare/1.0")

    # Services take no request: the address comes from the context the middleware sets.
    with request_context.using(RequestContext.from_request(request)):
        row = log_access(
            actor=federation_admin,
            action=AccessAction.PRINT,
            obj=project_a,
            detail="Deltagarlista",
        )

    row.refresh_from_db()
    assert row.federation == fed_a
    assert row.actor == federation_admin
    assert row.actor_label == "admin@a.example"
    assert (row.object_type, row.object_id, row.object_label) == (
        "fokus.project",
        str(project_a.pk),
        "Insats A",
    )
    assert row.action == "print"
    assert row.detail == "Deltagarlista"
    assert row.ip_address == "192.0.2.10"
    assert row.user_agent == "Testläsare/1.0"


def test_it_takes_the_federation_from_the_object_not_the_actor(federation_admin, fed_b, project_b):
    # The row lands in the log of the federation whose data was touched.
    row = log_access(actor=federation_admin, action=AccessAction.VIEW, obj=project_b)

    assert row.federation == fed_b


def test_it_falls_back_to_the_actors_federation_without_an_object(fed_a, federation_admin):
    row = log_access(actor=federation_admin, action=AccessAction.EXPORT, detail="Årsrapport")

    assert row.federation == fed_a
    assert (row.object_type, row.object_id, row.object_label) == ("", "", "")


def test_it_identifies_a_user_by_public_id_not_by_row_number(federation_admin, coordinator):
    row = log_access(actor=federation_admin, action=AccessAction.VIEW, obj=coordinator)

    assert row.object_id == str(coordinator.public_id)
    assert row.object_label == "Kim Koordinator"


@pytest.mark.django_db
def test_it_stores_only_the_typed_name_for_an_anonymous_actor():
    row = log_access(
        actor=AnonymousUser(), action=AccessAction.FAILED_LOGIN, actor_label="gissad@a.example"
    )

    row.refresh_from_db()
    assert row.actor is None
    assert row.actor_label == "gissad@a.example"
    assert row.federation is None
    assert (row.object_type, row.object_id, row.object_label, row.detail) == ("", "", "", "")
    assert row.ip_address is None


@pytest.mark.django_db
def test_it_stores_nothing_about_an_anonymous_actor_without_a_label():
    row = log_access(actor=AnonymousUser(), action=AccessAction.FAILED_LOGIN)

    assert row.actor is None
    assert row.actor_label == ""
    assert row.federation is None


def test_it_cuts_overlong_texts_to_fit(federation_admin):
    row = log_access(
        actor=federation_admin,
        action=AccessAction.VIEW,
        detail="x" * 600,
        actor_label="y" * 300,
    )

    row.refresh_from_db()
    assert len(row.detail) == 500
    assert len(row.actor_label) == 254


# --- Row history (django-pghistory) --------------------------------------------------------------


def test_it_keeps_the_old_and_new_project_name_with_who_changed_it(
    admin_client_a, federation_admin, project_a
):
    ProjectEvent = apps.get_model("fokus", "ProjectEvent")
    url = reverse("manage:project-edit", args=[project_a.pk])

    response = admin_client_a.post(url, edit_project_data(project_a, name="Insats Ekeby"))

    assert response.status_code == 302
    events = list(ProjectEvent.objects.filter(pgh_obj=project_a).order_by("pgh_id"))
    assert [(e.pgh_label, e.name) for e in events] == [
        ("insert", "Insats A"),
        ("update", "Insats Ekeby"),
    ]
    change = events[-1]
    assert change.pgh_context.metadata["user"] == federation_admin.pk
    assert change.pgh_context.metadata["url"] == url


def test_it_keeps_a_removed_role_in_the_history(admin_client_a, federation_admin, coordinator):
    MembershipEvent = apps.get_model("fokus", "MembershipEvent")
    membership = coordinator.memberships.get()

    admin_client_a.post(
        reverse("manage:membership-delete", args=[coordinator.public_id, membership.pk])
    )

    deleted = MembershipEvent.objects.get(pgh_obj_id=membership.pk, pgh_label="delete")
    assert (deleted.user_id, deleted.role, deleted.project_id) == (
        coordinator.pk,
        Role.COORDINATOR,
        membership.project_id,
    )
    assert deleted.pgh_context.metadata["user"] == federation_admin.pk


def test_it_keeps_no_password_hash_in_the_user_history(coordinator):
    UserEvent = apps.get_model("fokus", "UserEvent")

    coordinator.set_password("Ett-nytt-losenord-2026")
    coordinator.full_name = "Kim Koordinatorsson"
    coordinator.save()

    field_names = {f.name for f in UserEvent._meta.get_fields()}
    assert "password" not in field_names
    assert UserEvent.objects.filter(pgh_obj=coordinator, pgh_label="update").exists()


# --- The access log page -------------------------------------------------------------------------


@pytest.fixture
def log_rows(federation_admin, case_officer_a, outsider_admin, project_a, project_b, agency_af):
    return {
        "admin_view": log_access(actor=federation_admin, action=AccessAction.VIEW, obj=project_a),
        "officer_export": log_access(
            actor=case_officer_a, action=AccessAction.EXPORT, obj=agency_af
        ),
        "officer_view": log_access(actor=case_officer_a, action=AccessAction.VIEW, obj=project_a),
        "outsider_view": log_access(actor=outsider_admin, action=AccessAction.VIEW, obj=project_b),
        "outsider_export": log_access(
            actor=outsider_admin, action=AccessAction.EXPORT, obj=project_b
        ),
    }


def shown(response) -> set[int]:
    return {entry.pk for entry in response.context["page"]}


def test_it_shows_the_admin_only_their_own_federations_log(admin_client_a, fed_a, log_rows):
    response = admin_client_a.get(reverse("manage:access-log"))

    assert response.status_code == 200
    assert {log_rows[k].pk for k in ("admin_view", "officer_export", "officer_view")} <= shown(
        response
    )
    assert all(entry.federation_id == fed_a.pk for entry in response.context["page"])
    content = response.content.decode()
    assert "Insats A" in content
    assert "Insats B" not in content
    assert "admin@b.example" not in content


def test_it_filters_the_log_by_action(admin_client_a, log_rows):
    response = admin_client_a.get(reverse("manage:access-log"), {"action": "export"})

    assert shown(response) == {log_rows["officer_export"].pk}
    assert "Arbetsförmedlingen" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "HANDLAGGARE.AF"}, {"officer_export", "officer_view"}),
        ({"q": "insats a"}, {"admin_view", "officer_view"}),
        ({"q": "handlaggare", "action": "view"}, {"officer_view"}),
        ({"q": "Insats B"}, set()),
    ],
)
def test_it_filters_the_log_by_user_or_object(admin_client_a, log_rows, query, expected):
    response = admin_client_a.get(reverse("manage:access-log"), query)

    assert shown(response) == {log_rows[k].pk for k in expected}


def test_it_says_so_when_nothing_matches(admin_client_a, log_rows):
    response = admin_client_a.get(reverse("manage:access-log"), {"q": "finns inte"})

    assert "Inga poster matchar." in response.content.decode()


def test_it_shows_federation_b_admin_only_their_own_log(persona_client, log_rows):
    response = persona_client("outsider_admin").get(reverse("manage:access-log"))

    assert {log_rows["outsider_view"].pk, log_rows["outsider_export"].pk} <= shown(response)
    assert not shown(response) & {
        log_rows[k].pk for k in ("admin_view", "officer_export", "officer_view")
    }


@pytest.mark.parametrize("persona", ["federation_staff", "coordinator", "case_officer_a"])
def test_it_forbids_the_access_log_to_everyone_but_admins(persona_client, log_rows, persona):
    assert persona_client(persona).get(reverse("manage:access-log")).status_code == 403


def test_the_middleware_puts_the_clients_address_on_every_row_a_request_writes(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("logout"), REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Kontorsdator")

    row = AccessLogEntry.objects.get(actor=coordinator, action=AccessAction.LOGOUT)
    assert (row.ip_address, row.user_agent) == ("198.51.100.7", "Kontorsdator")
    # Outside a request nothing is known, and nothing is left over from the last one.
    assert log_access(actor=coordinator, action=AccessAction.VIEW).ip_address is None
