"""A cohort's anonymous link under a flood: limits per client and per link, the cap per start,
and a response rate that never passes 100 %."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from participants.models import Enrolment
from reports.figures import Period
from reports.project_reports import survey_sections
from reports.smallcells import SmallCells
from surveys import flood
from surveys.answering import hash_token, new_token
from surveys.models import (
    AnonymousLink,
    AnonymousSubmission,
    Audience,
    Channel,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from surveys.results import response_rate
from tests.reports.test_final_report import pdf_text
from tests.world import test_personnummer

pytestmark = pytest.mark.django_db

CLIENT_A = "203.0.113.7"
CLIENT_B = "198.51.100.23"


@pytest.fixture
def survey(project_a):
    survey = Survey.objects.create(
        federation=project_a.federation,
        project=project_a,
        name="Efter gruppen",
        audience=Audience.PARTICIPANTS,
    )
    Question.objects.create(
        survey=survey, position=1, kind=QuestionKind.TEXT, text="Vad var bäst?", required=True
    )
    return survey


@pytest.fixture
def link(survey, cohort, coordinator):
    # 16 places and nobody registered yet: the link takes at most 24 answers.
    token = new_token()
    link = AnonymousLink.objects.create(
        survey=survey, cohort=cohort, token_hash=hash_token(token), created_by=coordinator
    )
    # Only the hash is stored; the tests open the link with its token.
    link.token = token
    return link


def _url(link):
    return reverse("surveys:answer-anonymous", args=[link.token])


def _post(client, survey, link, address, text="Gruppen"):
    field = f"q{survey.questions.get().pk}"
    return client.post(_url(link), {field: text}, REMOTE_ADDR=address)


def _enrol(project, cohort, coordinator, make_referral, n):
    for i in range(n):
        referral = make_referral(personnummer=test_personnummer("19850101", str(980 + i)))
        Enrolment.objects.create(
            federation=project.federation,
            project=project,
            cohort=cohort,
            referral=referral,
            status=Enrolment.Status.ACTIVE,
            coordinator=coordinator,
            enrolled_on=cohort.start_date,
            planned_exit_on=cohort.start_date + timedelta(days=180),
        )


# --- Per client and per link -----------------------------------------------------------------


def test_it_stores_only_the_allowed_answers_of_forty_rapid_posts_from_one_client(
    client, survey, link
):
    statuses = [_post(client, survey, link, CLIENT_A, f"Svar {i}").status_code for i in range(40)]
    allowed = flood.ANSWERS_PER_CLIENT_PER_HOUR
    assert statuses == [302] * allowed + [429] * (40 - allowed)
    assert Response.objects.filter(channel=Channel.ANONYMOUS).count() == allowed
    # The refusal keeps what was typed, says why and when to try again.
    refused = _post(client, survey, link, CLIENT_A, "Mitt sista svar")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert 'data-testid="too-many"' in refused.content.decode()
    assert "Mitt sista svar" in refused.content.decode()
    # Only a keyed hash of the client is kept, never its address.
    rows = list(AnonymousSubmission.objects.values_list("client_hash", flat=True))
    assert len(rows) == allowed and CLIENT_A not in "".join(rows)


def test_another_client_can_still_answer_a_link_one_client_flooded(client, survey, link):
    for _ in range(flood.ANSWERS_PER_CLIENT_PER_HOUR + 2):
        _post(client, survey, link, CLIENT_A)
    assert _post(client, survey, link, CLIENT_B).status_code == 302
    assert Response.objects.count() == flood.ANSWERS_PER_CLIENT_PER_HOUR + 1


def test_a_client_may_answer_again_once_the_hour_has_passed(client, survey, link):
    for _ in range(flood.ANSWERS_PER_CLIENT_PER_HOUR):
        assert _post(client, survey, link, CLIENT_A).status_code == 302
    assert _post(client, survey, link, CLIENT_A).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert _post(client, survey, link, CLIENT_A).status_code == 302
        # The rows of the past hour are gone: nothing older than the window is kept.
        assert AnonymousSubmission.objects.count() == 1


def test_it_limits_a_link_per_minute_whoever_sends(client, survey, link, cohort):
    cohort.places = 100
    cohort.save()
    per_minute = flood.ANSWERS_PER_LINK_PER_MINUTE
    for i in range(per_minute):
        assert _post(client, survey, link, f"192.0.2.{i + 1}").status_code == 302
    assert _post(client, survey, link, "192.0.2.250").status_code == 429
    assert Response.objects.count() == per_minute


# --- The cap per start ---------------------------------------------------------------------


def test_it_caps_a_link_at_one_and_a_half_times_the_starts_participants(
    client, survey, link, project_a, cohort, coordinator, make_referral
):
    _enrol(project_a, cohort, coordinator, make_referral, 2)
    assert flood.answer_cap(link) == 3
    for i in range(3):
        assert _post(client, survey, link, f"192.0.2.{i + 1}").status_code == 302
    refused = _post(client, survey, link, "192.0.2.99")
    assert refused.status_code == 409
    with translation.override("sv"):
        assert gettext("The survey has received all its answers") in refused.content.decode()
    assert Response.objects.count() == 3
    # Whoever opens the link afterwards is told so before filling in the form.
    assert client.get(_url(link)).status_code == 409


def test_it_caps_a_start_without_participants_by_its_places(link, cohort):
    assert flood.answer_cap(link) == 24
    cohort.places = 10_000
    cohort.save()
    assert flood.answer_cap(link) == flood.ANSWERS_PER_LINK_MAX


# --- Concurrent posts ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_cannot_overrun_the_limit(survey, link, monkeypatch):
    """Six posts from one client at the same moment, each through its own connection (as from
    several gunicorn workers), with room for two: two are stored, four refused."""
    monkeypatch.setattr(flood, "ANSWERS_PER_CLIENT_PER_HOUR", 2)
    barrier = threading.Barrier(6)
    statuses = []

    def submit():
        try:
            barrier.wait(timeout=10)
            statuses.append(_post(Client(), survey, link, CLIENT_A).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302, 302, 429, 429, 429, 429]
    assert Response.objects.filter(channel=Channel.ANONYMOUS).count() == 2
    assert AnonymousSubmission.objects.count() == 2


# --- The response rate ---------------------------------------------------------------------


@pytest.fixture
def overanswered(survey, project_a, cohort, coordinator, make_referral):
    """Five participants and ten anonymous answers (enough not to be withheld or hidden as
    small counts): 200 % before the clamp."""
    _enrol(project_a, cohort, coordinator, make_referral, 5)
    for _ in range(10):
        Response.objects.create(survey=survey, channel=Channel.ANONYMOUS, cohort=cohort)
    return survey


def test_the_response_rate_never_passes_a_hundred_and_says_why(overanswered):
    rate = response_rate(overanswered, responses=10)
    assert (rate.answered, rate.invited, rate.percent) == (10, 5, Decimal("100.0"))
    assert rate.exceeds and rate.note
    below = response_rate(overanswered, responses=5)
    assert below.percent == Decimal("100.0") and not below.exceeds and not below.note


def test_the_results_page_shows_at_most_a_hundred_per_cent(persona_client, overanswered):
    page = persona_client("coordinator").get(
        reverse("surveys:survey-results", args=[overanswered.public_id])
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "200" not in body.split('data-testid="response-rate"')[1].split("</dd>")[0]
    assert "100,0 %" in body or "100.0 %" in body
    assert 'data-testid="response-rate-note"' in body


def test_the_final_reports_survey_section_clamps_the_rate(overanswered, project_a):
    today = timezone.localdate()
    period = Period(date(today.year - 1, 1, 1), today)
    (section,) = survey_sections(project_a, period, SmallCells())
    assert section.response_rate.startswith("100")
    assert "200" not in section.response_rate
    assert section.response_rate_note


def test_the_final_report_pdf_shows_at_most_a_hundred_per_cent(
    overanswered, project_a, persona_client
):
    today = timezone.localdate()
    url = reverse("reports:final-report-pdf", args=[project_a.pk])
    response = persona_client("federation_staff").get(
        url, {"from": f"{today.year - 1}-01-01", "to": today.isoformat()}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "100,0 % (10/5)" in text
    assert "200,0 %" not in text
    with translation.override("sv"):
        note = str(response_rate(overanswered, responses=10).note)
    assert " ".join(note.split()) in text
