"""Each question's answer rate: those who answered it of the survey's responses ("75,0 % (6/8)"),
beside the survey's response rate of the invitations, on the results page and in its export,
and withheld with the question when too few answered it."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from surveys.models import (
    Answer,
    Audience,
    Channel,
    Contact,
    Invitation,
    Option,
    Question,
    QuestionKind,
    Response,
    Survey,
)
from surveys.results import survey_results

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def survey(project_a):
    """10 invitations sent, 8 answered. Of the 8 responses:

    Q1 single choice  answered by 6: responses 6 and 7 have an answer row without an option
                      or no row at all → 6/8 = 75,0 %
    Q2 scale 1–4      answered by 7: 6 values and one "don't know"; response 7's row has
                      neither → 7/8 = 87,5 %
    Q3 free text      answered by 5: one more wrote an empty text → 5/8 = 62,5 %
    Q4 multiple       answered by all 8 → 100,0 %
    Q5 free text      answered by 2 → withheld (fewer than 5)
    """
    survey = Survey.objects.create(
        federation=project_a.federation,
        project=project_a,
        name="Samverkan",
        audience=Audience.PARTNERS,
    )
    q1 = Question.objects.create(survey=survey, position=1, kind=QuestionKind.SINGLE, text="Hur?")
    yes = Option.objects.create(question=q1, position=1, text="Ja")
    q2 = Question.objects.create(
        survey=survey,
        position=2,
        kind=QuestionKind.SCALE,
        text="Hur lätt?",
        scale_max=4,
        allow_dont_know=True,
    )
    q3 = Question.objects.create(survey=survey, position=3, kind=QuestionKind.TEXT, text="Annat?")
    q4 = Question.objects.create(
        survey=survey, position=4, kind=QuestionKind.MULTIPLE, text="Vilka parter?"
    )
    af = Option.objects.create(question=q4, position=1, text="AF")
    q5 = Question.objects.create(survey=survey, position=5, kind=QuestionKind.TEXT, text="Mer?")
    for n in range(10):
        contact = Contact.objects.create(
            project=project_a, name=f"Kontakt {n}", email=f"kontakt{n}@partner.example"
        )
        invitation = Invitation.objects.create(
            survey=survey,
            contact=contact,
            token_hash=f"{n:064x}",
            expires_on=date(2026, 12, 31),
            sent_at=datetime(2026, 2, 1, 12, tzinfo=STOCKHOLM),
        )
        if n >= 8:
            continue
        response = Response.objects.create(
            survey=survey, channel=Channel.PERSONAL, invitation=invitation
        )
        if n < 6:
            Answer.objects.create(response=response, question=q1).options.add(yes)
        elif n == 6:
            Answer.objects.create(response=response, question=q1)  # nothing chosen
        if n < 6:
            Answer.objects.create(response=response, question=q2, scale_value=1 + n % 4)
        elif n == 6:
            Answer.objects.create(response=response, question=q2, dont_know=True)
        else:
            Answer.objects.create(response=response, question=q2)  # neither
        if n < 5:
            Answer.objects.create(response=response, question=q3, text=f"Text {n}")
        elif n == 5:
            Answer.objects.create(response=response, question=q3, text="")
        Answer.objects.create(response=response, question=q4).options.add(af)
        if n < 2:
            Answer.objects.create(response=response, question=q5, text="Kort")
    return survey


def _rates(results):
    return {
        q.question.position: (q.answered, q.respondents, q.answered_percent)
        for q in results.questions
    }


def test_it_gives_each_question_its_answered_count_and_rate_of_the_responses(survey):
    results = survey_results(survey)
    assert results.responses == 8
    assert _rates(results) == {
        1: (6, 8, Decimal("75.0")),
        2: (7, 8, Decimal("87.5")),
        3: (5, 8, Decimal("62.5")),
        4: (8, 8, Decimal("100.0")),
        5: (0, 0, None),  # withheld
    }
    with translation.override("sv"):
        assert [q.answered_rate for q in results.questions] == [
            "75,0 % (6/8)",
            "87,5 % (7/8)",
            "62,5 % (5/8)",
            "100,0 % (8/8)",
            "–",
        ]
        # The survey's own response rate, of the invitations, is still there.
        assert results.response_rate.display() == "80,0 % (8/10)"


def test_the_rate_follows_the_filters(survey):
    # Nobody answered in 2025: no respondents, no rate.
    results = survey_results(survey, date_to=date(2025, 12, 31))
    assert results.responses == 0
    assert {q.answered_rate for q in results.questions} == {"–"}


def test_it_shows_the_rates_on_the_results_page(survey, persona_client):
    for persona in ["coordinator", "federation_staff"]:
        response = persona_client(persona).get(
            reverse("surveys:survey-results", args=[survey.public_id])
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "80,0 % (8/10)" in html  # the survey's response rate
        by_position = {q.position: q.pk for q in survey.questions.all()}
        for position, rate in [
            (1, "75,0 % (6/8)"),
            (2, "87,5 % (7/8)"),
            (3, "62,5 % (5/8)"),
            (4, "100,0 % (8/8)"),
        ]:
            start = html.index(f'data-testid="answer-rate-{by_position[position]}"')
            assert rate in html[start : html.index("</span>", start)], (position, persona)
        # Too few answered question 5: neither its count nor its rate is shown.
        assert f'data-testid="answer-rate-{by_position[5]}"' not in html
        assert f'data-testid="too-few-{by_position[5]}"' in html
        assert "(2/8)" not in html


def test_it_exports_the_rates(survey, persona_client):
    url = reverse("surveys:survey-results-export", args=[survey.public_id, "csv"])
    content = persona_client("federation_staff").get(url).content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(content[1:]), delimiter=";"))
    # No., question, option, count, percent, answered, answer rate, mean, median.
    rate = {row[0]: (row[5], row[6]) for row in rows[1:] if row[5]}
    assert rate == {"1": ("6", "75,0"), "2": ("7", "87,5"), "3": ("5", "62,5"), "4": ("8", "100,0")}
    withheld = [row for row in rows if row[0] == "5"]
    assert len(withheld) == 1 and withheld[0][5:] == ["", "", "", ""]
