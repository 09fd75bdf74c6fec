"""The final report's survey results: each question's answered count and its rate of the
survey's responses ("83,3 % (5/6)"), beside the survey's response rate of the invitations, on
the page and in the PDF; withheld with the question when too few answered it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from reports.models import ReportSettings
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
from tests.reports.test_final_report import final_url, pdf_text, sv

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(project_a):
    """8 invitations sent, 6 answered on 2026-10-01 (within the project's period):

    Q1 single choice  answered by 5 (one answer row without an option) → 83,3 % (5/6)
    Q2 scale 1–4      answered by all 6, one of them "don't know"       → 100,0 % (6/6)
    Q3 single choice  answered by 4: too few (below 5), withheld
    Q4 free text      never in the report
    """
    survey = Survey.objects.create(
        federation=project_a.federation,
        project=project_a,
        name="Samverkan",
        audience=Audience.PARTNERS,
    )
    q1 = Question.objects.create(survey=survey, position=1, kind=QuestionKind.SINGLE, text="Hur?")
    often = Option.objects.create(question=q1, position=1, text="Ofta")
    q2 = Question.objects.create(
        survey=survey,
        position=2,
        kind=QuestionKind.SCALE,
        text="Hur lätt?",
        scale_max=4,
        allow_dont_know=True,
    )
    q3 = Question.objects.create(survey=survey, position=3, kind=QuestionKind.SINGLE, text="Vem?")
    who = Option.objects.create(question=q3, position=1, text="Någon")
    q4 = Question.objects.create(survey=survey, position=4, kind=QuestionKind.TEXT, text="Annat?")
    for n in range(8):
        contact = Contact.objects.create(
            project=project_a, name=f"Kontakt {n}", email=f"kontakt{n}@partner.example"
        )
        invitation = Invitation.objects.create(
            survey=survey,
            contact=contact,
            token_hash=f"{n:064x}",
            expires_on=date(2027, 12, 31),
            sent_at=datetime(2026, 9, 1, 12, tzinfo=ZoneInfo("Europe/Stockholm")),
        )
        if n >= 6:
            continue
        response = Response.objects.create(
            survey=survey,
            channel=Channel.PERSONAL,
            invitation=invitation,
            answered_on=date(2026, 10, 1),
        )
        answer = Answer.objects.create(response=response, question=q1)
        if n < 5:
            answer.options.add(often)
        if n < 5:
            Answer.objects.create(response=response, question=q2, scale_value=4 - n % 2)
        else:
            Answer.objects.create(response=response, question=q2, dont_know=True)
        if n < 4:
            Answer.objects.create(response=response, question=q3).options.add(who)
        Answer.objects.create(response=response, question=q4, text="Hemlig kommentar")
    return survey


def _between(text: str, start: str, end: str) -> str:
    first = text.index(start)
    return text[first : text.index(end, first)]


def test_it_prints_each_questions_answered_count_and_rate(survey, project_a, persona_client):
    response = persona_client("federation_staff").get(
        final_url(project_a, "reports:final-report-pdf")
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    answered = sv("Answered:")
    # The survey's response rate of the invitations stays.
    assert "75,0 % (6/8)" in text
    q1 = _between(text, "1. Hur?", "2. Hur lätt?")
    assert f"{answered} 5." in q1 and "83,3 % (5/6)" in q1
    q2 = _between(text, "2. Hur lätt?", "3. Vem?")
    assert f"{answered} 6." in q2 and "100,0 % (6/6)" in q2
    # Question 3 was answered by 4: withheld, so neither count nor rate is there.
    q3 = text[text.index("3. Vem?") :]
    assert sv("Too few answers to show.") in q3
    assert "(4/6)" not in text and "66,7 %" not in text
    assert "Hemlig kommentar" not in text


def test_it_shows_the_rates_on_the_page(survey, project_a, persona_client):
    for persona in ["federation_staff", "coordinator"]:
        html = persona_client(persona).get(final_url(project_a)).content.decode()
        q1 = _between(html, "1. Hur?", "2. Hur lätt?")
        assert "83,3 % (5/6)" in q1
        q2 = _between(html, "2. Hur lätt?", "3. Vem?")
        assert "100,0 % (6/6)" in q2
        assert "(4/6)" not in html


def test_a_projects_higher_threshold_withholds_the_rate_too(survey, project_a, persona_client):
    # From 6: question 1 (5 answered) is withheld with its rate; question 2 (6) is shown.
    ReportSettings.objects.create(project=project_a, small_cell_threshold=6)
    text = pdf_text(
        persona_client("federation_staff")
        .get(final_url(project_a, "reports:final-report-pdf"))
        .content
    )
    assert "(5/6)" not in text
    assert "100,0 % (6/6)" in text
