"""The step-ladder pages of a start and of a project: who sees what, Swedish number formats,
the chart, and a query count that does not grow with the participants."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import Cohort
from fokus.roles import Role
from tests.conftest import make_user
from tests.stepladder import test_stats as dataset_module
from tests.stepladder.test_stats import DEC, ENROLMENT, MAR, QUARTERLY, SEP

# The constructed dataset of test_stats, whose figures are worked out there by hand.
cohort_norrvik = dataset_module.cohort_norrvik
participant = dataset_module.participant
dataset = dataset_module.dataset


@pytest.fixture
def other_coordinator(fed_a, project_a_other):
    return make_user(
        fed_a,
        "koordinator2@a.example",
        "Klara Annanprojekt",
        (Role.COORDINATOR, {"project": project_a_other}),
    )


def cohort_url(cohort):
    return reverse("stepladder:cohort-steps", args=[cohort.pk])


def project_url(project):
    return reverse("stepladder:project-steps", args=[project.pk])


@pytest.fixture
def urls(cohort, project_a):
    return {"cohort": cohort_url(cohort), "project": project_url(project_a)}


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["cohort", "project"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("federation_staff", 200),
        ("federation_admin", 200),
        ("other_coordinator", 404),
        ("case_officer_a", 403),
        ("case_group_member", 403),
        ("no_role_user", 403),
        ("outsider", 404),
        ("outsider_admin", 404),
    ],
)
def test_it_lets_only_coordinators_and_federation_staff_in(
    persona_client, urls, page, persona, status, other_coordinator
):
    assert persona_client(persona).get(urls[page]).status_code == status


@pytest.mark.parametrize("page", ["cohort", "project"])
def test_it_sends_the_anonymous_to_the_login(persona_client, urls, page):
    response = persona_client("anonymous").get(urls[page])
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("page", ["cohort", "project"])
def test_it_refuses_post(persona_client, urls, page):
    assert persona_client("coordinator").post(urls[page]).status_code == 405


def test_it_is_404_for_an_unknown_cohort_or_project(persona_client):
    client = persona_client("coordinator")
    assert client.get(reverse("stepladder:cohort-steps", args=[999999])).status_code == 404
    assert client.get(reverse("stepladder:project-steps", args=[999999])).status_code == 404


def test_it_is_404_for_another_federations_cohort(persona_client, project_b):
    other = Cohort.objects.create(
        project=project_b,
        municipality=project_b.municipalities.get(),
        start_date=date(2026, 9, 1),
    )
    client = persona_client("coordinator")
    assert client.get(cohort_url(other)).status_code == 404
    assert client.get(project_url(project_b)).status_code == 404


# --- What each reader sees -----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["cohort", "project"])
def test_it_shows_the_coordinator_who_went_down_with_a_link(
    persona_client, urls, page, dataset, cohort
):
    bo = cohort.enrolments.get(referral__name="Bo")
    html = persona_client("coordinator").get(urls[page]).content.decode()
    assert "Bo</a>" in html
    assert reverse("participants:participant-detail", args=[bo.public_id]) in html
    assert 'id="went-down"' in html


@pytest.mark.parametrize("persona", ["federation_staff", "federation_admin"])
@pytest.mark.parametrize("page", ["cohort", "project"])
def test_it_shows_federation_staff_aggregates_without_names(
    persona_client, urls, page, persona, dataset, cohort
):
    bo = cohort.enrolments.get(referral__name="Bo")
    response = persona_client(persona).get(urls[page])
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["stats"].went_down is None
    assert 'id="went-down"' not in html
    assert str(bo.public_id) not in html
    for name in ("Anna", "Bo<", "Cia", "Dan", "Eva", "Fia", "Gun"):
        assert name not in html
    # The aggregates are there: Ekeby's mean at enrolment 4 / 3 → 1,3.
    assert ">1,3<" in html


def test_it_shows_the_project_figures_in_swedish_format(persona_client, project_a, dataset):
    response = persona_client("coordinator").get(project_url(project_a))
    html = response.content.decode()
    # Means worked out in test_stats: Ekeby 1,3 → 2,0, exit 4,0; Norrvik 1,7 → 3,3;
    # total 1,5 → 2,7; steps 4–6 at exit 100,0 % / 50,0 % / 66,7 %.
    for text in (">1,3<", ">2,0<", ">4,0<", ">1,7<", ">3,3<", ">1,5<", ">2,7<"):
        assert text in html
    for text in ("100,0 %", "50,0 %", "66,7 %", "28,6 %", "14,3 %"):
        assert text in html
    assert "1.3" not in html and "66.7" not in html
    # Municipality rows and a link to each start's page.
    assert ">Ekeby<" in html and ">Norrvik<" in html
    for cohort in project_a.cohorts.all():
        assert cohort_url(cohort) in html


def test_it_rounds_half_up_on_the_page(persona_client, participant, cohort):
    # First steps 1, 1, 1, 2: 5 / 4 = 1.25 → "1,3".
    for name, first in [("A", 1), ("B", 1), ("C", 1), ("D", 2)]:
        participant(name, cohort, [(SEP, ENROLMENT, first)])
    html = persona_client("federation_staff").get(cohort_url(cohort)).content.decode()
    assert ">1,3<" in html
    assert ">1,2<" not in html


def test_it_draws_the_chart_as_accessible_svg_with_a_table(persona_client, cohort, dataset):
    html = persona_client("coordinator").get(cohort_url(cohort)).content.decode()
    assert 'role="img"' in html
    assert 'aria-labelledby="step-distribution-title step-distribution-desc"' in html
    assert '<title id="step-distribution-title">' in html
    # Counts are written on the bars as text, not told by colour alone; coordinates are
    # plain numbers even under the Swedish locale.
    assert 'font-weight="bold" fill="#212529">2</text>' in html
    assert 'viewBox="0 0 532 226"' in html
    # The table alternative: step 1 has Bo and Cia, 2 of 4 = 50,0 %.
    assert "<caption>" in html and "50,0 %" in html


def test_it_says_so_when_nobody_has_started(persona_client, cohort):
    response = persona_client("coordinator").get(cohort_url(cohort))
    assert response.status_code == 200
    assert response.context["stats"].participants == 0
    assert "<svg" not in response.content.decode()


# --- Query count ---------------------------------------------------------------------------------


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["cohort", "project"])
def test_it_uses_the_same_number_of_queries_for_3_and_15_participants(
    persona_client, participant, cohort, urls, page
):
    client = persona_client("coordinator")

    def add(first, count):
        for i in range(first, first + count):
            # Every one of them went down, so the list has as many rows as participants.
            participant(
                f"P{i}", cohort, [(SEP, ENROLMENT, 1), (DEC, QUARTERLY, 3), (MAR, QUARTERLY, 2)]
            )

    add(0, 3)
    few = _page_queries(client, urls[page])
    add(3, 12)
    many = _page_queries(client, urls[page])
    assert many == few
    assert len(client.get(urls[page]).context["stats"].went_down) == 15
