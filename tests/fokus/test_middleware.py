"""Every signed-in page is `no-store`; every 403/404 a view raises for a signed-in user is a
REFUSED row in the access log (fokus/middleware.py)."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from fokus.middleware import NoStoreMiddleware
from fokus.models import AccessAction, AccessLogEntry
from participants.models import Enrolment
from referrals.models import ReferralStatus
from referrals.services import Decision, referral_decide
from surveys.answering import new_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(make_referral, coordinator, cohort) -> Enrolment:
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    referral_decide(actor=coordinator, referral=referral, decision=Decision.ACCEPT, cohort=cohort)
    return Enrolment.objects.get(referral=referral)


def refusals():
    return AccessLogEntry.objects.filter(action=AccessAction.REFUSED)


# --- Cache-Control: no-store ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "page"),
    [
        ("coordinator", lambda p: reverse("home")),
        ("case_officer_a", lambda p: reverse("referrals:referral-list")),
        ("coordinator", lambda p: reverse("participants:participant-detail", args=[p.public_id])),
        ("coordinator", lambda p: reverse("stepladder:project-steps", args=[p.project_id])),
        ("coordinator", lambda p: reverse("surveys:survey-list", args=[p.project_id])),
        ("coordinator", lambda p: reverse("reports:project-reports", args=[p.project_id])),
        ("federation_admin", lambda p: reverse("manage:access-log")),
    ],
)
def test_it_tells_browsers_and_proxies_to_keep_no_copy_of_a_signed_in_page(
    persona_client, participant, persona, page
):
    response = persona_client(persona).get(page(participant))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_a_refusal_is_not_kept_either(persona_client, participant):
    response = persona_client("outsider").get(
        reverse("participants:participant-detail", args=[participant.public_id])
    )

    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"


def test_an_anonymous_survey_page_with_a_secret_link_is_not_kept(client):
    response = client.get(reverse("surveys:answer-personal", args=[new_token()]))

    assert response["Cache-Control"] == "no-store"


def test_a_public_page_for_an_anonymous_visitor_keeps_its_defaults(client):
    response = client.get(reverse("accessibility"))

    assert response.status_code == 200
    assert "Cache-Control" not in response


def test_a_view_that_chose_its_own_caching_keeps_it(coordinator):
    request = RequestFactory().get("/")
    request.user = coordinator

    def view(request):
        response = HttpResponse("PDF")
        response["Cache-Control"] = "private, max-age=60"
        return response

    response = NoStoreMiddleware(view)(request)

    assert response["Cache-Control"] == "private, max-age=60"
    assert "Pragma" not in response


def test_static_files_are_left_to_whitenoise(settings, coordinator):
    # Tests run with DEBUG off, so WhiteNoise is told to find files as `make run` does.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()
    client.force_login(coordinator)

    response = client.get(f"/{settings.STATIC_URL.strip('/')}/css/fokus.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- Refused attempts in the access log ----------------------------------------------------------


def test_it_logs_an_outsider_asking_for_another_federations_participant(
    persona_client, participant, outsider, fed_b
):
    url = reverse("participants:participant-detail", args=[participant.public_id])

    response = persona_client("outsider").get(url, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 404
    [row] = refusals()
    assert (row.actor, row.actor_label, row.federation) == (outsider, outsider.email, fed_b)
    assert row.detail == f"404 GET {url} participants:participant-detail"
    assert row.ip_address == "203.0.113.9"
    # Only the refusal: nothing was shown, so no VIEW.
    assert not AccessLogEntry.objects.filter(actor=outsider, action=AccessAction.VIEW).exists()


def test_it_logs_a_wrong_role_in_the_users_own_project(persona_client, project_a, case_officer_a):
    url = reverse("participants:participant-list", args=[project_a.pk])

    response = persona_client("case_officer_a").get(url)

    assert response.status_code == 403
    [row] = refusals()
    assert row.actor == case_officer_a
    assert row.detail == f"403 GET {url} participants:participant-list"


@pytest.mark.django_db(transaction=True)
def test_it_logs_a_refused_write_without_a_surrounding_transaction(
    persona_client, participant, outsider
):
    url = reverse("participants:enrolment-exit", args=[participant.public_id])

    response = persona_client("outsider").post(url, {"exited_on": "2026-10-01"})

    assert response.status_code == 404
    [row] = refusals()
    assert row.actor == outsider
    assert row.detail.startswith(f"404 POST {url}")
    participant.refresh_from_db()
    assert participant.status == Enrolment.Status.ACCEPTED


def test_it_does_not_log_anonymous_visitors_or_paths_that_are_no_page(
    client, persona_client, participant
):
    detail = reverse("participants:participant-detail", args=[participant.public_id])
    client.get(detail)  # to the login page
    client.get("/static/ingen-fil.css")
    client.get("/wp-login.php")
    assert persona_client("coordinator").get("/no-such-page/").status_code == 404

    assert not refusals().exists()
