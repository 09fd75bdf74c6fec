"""Every list of people — names, birth years — is written to the access log like a participant
page is: who looked, at which project or start, and how many were listed."""

import pytest
from django.urls import reverse

from fokus.models import AccessAction, AccessLogEntry

pytestmark = pytest.mark.django_db

NAME = "Testa Testsson"


def views_by(user):
    return AccessLogEntry.objects.filter(actor=user, action=AccessAction.VIEW)


# (persona, URL name, what the URL takes, the project or start logged, detail)
LIST_PAGES = [
    ("case_officer_a", "referrals:referral-list", None, None, "referral list: page 1, 1 of 1"),
    ("coordinator", "participants:participant-list", "project", "project", "participant list: 1"),
    ("coordinator", "participants:session-list", "cohort", "cohort", "attendance grid: 1 listed"),
    ("coordinator", "participants:due-list", "project", "project", "due list: "),
    ("coordinator", "stepladder:project-steps", "project", "project", "step statistics: 0 named"),
    ("coordinator", "stepladder:cohort-steps", "cohort", "cohort", "step statistics: 0 named"),
    ("case_officer_a", "participants:officer-participant-list", None, None, "my participants: 1"),
]


@pytest.mark.parametrize(("persona", "name", "takes", "logged", "detail"), LIST_PAGES)
def test_it_logs_one_view_of_each_list_page(
    request, persona_client, started, persona, name, takes, logged, detail
):
    user = request.getfixturevalue(persona)
    objects = {"project": started.project, "cohort": started.cohort}
    args = [objects[takes].pk] if takes else []
    before = set(views_by(user).values_list("pk", flat=True))

    response = persona_client(persona).get(reverse(name, args=args))

    assert response.status_code == 200
    [row] = views_by(user).exclude(pk__in=before)
    assert row.detail.startswith(detail), row.detail
    assert row.federation_id == started.project.federation_id
    if logged:
        assert (row.object_type, row.object_id) == (
            objects[logged]._meta.label_lower,
            str(objects[logged].pk),
        )
    else:
        assert (row.object_type, row.object_id) == ("", "")
    # The list itself is in the log, not the names on it.
    assert NAME not in f"{row.object_label} {row.detail}"


def test_it_logs_the_referral_list_filtered_by_project(persona_client, started, case_officer_a):
    persona_client("case_officer_a").get(
        reverse("referrals:referral-list"), {"project": started.project_id}
    )

    row = views_by(case_officer_a).get(detail__startswith="referral list")
    assert (row.object_type, row.object_id) == ("fokus.project", str(started.project_id))


def test_it_logs_the_list_it_showed_after_a_bad_filter(persona_client, started, coordinator):
    url = reverse("participants:participant-list", args=[started.project_id])

    response = persona_client("coordinator").get(url, {"status": "nonsense"})

    assert response.status_code == 400
    assert views_by(coordinator).get().detail == "participant list: 0 listed"


def test_it_does_not_log_aggregates_without_names(persona_client, started, federation_staff):
    url = reverse("stepladder:project-steps", args=[started.project_id])

    response = persona_client("federation_staff").get(url)

    assert response.status_code == 200
    assert not views_by(federation_staff).exists()


@pytest.mark.django_db(transaction=True)
def test_it_logs_a_list_outside_any_surrounding_transaction(persona_client, started, coordinator):
    response = persona_client("coordinator").get(
        reverse("participants:due-list", args=[started.project_id])
    )

    assert response.status_code == 200
    assert views_by(coordinator).filter(detail__startswith="due list").count() == 1
