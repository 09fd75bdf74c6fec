"""Survey results: exact counts, shares, means, medians and response rates on constructed
answers, the filters, who sees what, and the CSV/XLSX exports."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook

from cohorts.models import Cohort
from fokus.models import AccessAction, AccessLogEntry
from participants.models import Enrolment
from surveys.charts import bar_chart
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
from surveys.results import (
    filtered_responses,
    mean_and_median,
    percent,
    response_rate,
    survey_results,
)
from surveys.smallgroups import TOO_FEW
from surveys.views.results import EXPORT_HEADERS
from tests.conftest import test_personnummer

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# Question 1, single choice: how often in contact (34 of the 36 answered).
OFTEN = [
    ("every week", 10),
    ("sometime a month", 12),
    ("every other month", 6),
    ("more rarely", 4),
    ("a few times", 2),
]
# Question 2, scale 1–4 with "don't know": 3×1, 5×2, 12×3, 14×4 and 2 "don't know".
EASY_TO_REACH = [1] * 3 + [2] * 5 + [3] * 12 + [4] * 14 + [None] * 2
# Question 3, scale 1–4: 4×1, 14×2, 10×3, 8×4: an even count whose middle values differ.
COOPERATION = [1] * 4 + [2] * 14 + [3] * 10 + [4] * 8
# Question 4, multiple choice, answered by 30: who ticked which party.
PARTIES = [("Social services", 25), ("Arbetsförmedlingen", 20), ("Försäkringskassan", 15)]
FREE_TEXTS = ['=HYPERLINK("http://evil.example","klick")', "+1", "-2", "@x", "Bra projekt!"]


def _question(survey, position, kind, text, options=(), **fields):
    question = Question.objects.create(
        survey=survey, position=position, kind=kind, text=text, **fields
    )
    made = [
        Option.objects.create(question=question, position=index, text=option)
        for index, option in enumerate(options, start=1)
    ]
    return question, made


def _answer(response, question, *, options=(), value=None, dont_know=False, text=""):
    answer = Answer.objects.create(
        response=response, question=question, scale_value=value, dont_know=dont_know, text=text
    )
    if options:
        answer.options.set(options)
    return answer


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=STOCKHOLM)


@pytest.fixture
def partner_survey(project_a, coordinator):
    """The partner survey with 36 invitations sent (34 answered by personal link), one
    invitation never sent, and 2 paper answers: 36 responses in all."""
    survey = Survey.objects.create(
        federation=project_a.federation,
        project=project_a,
        name="Samverkan",
        audience=Audience.PARTNERS,
    )
    q1, often = _question(
        survey,
        1,
        QuestionKind.SINGLE,
        "How often have you been in contact with the project?",
        [text for text, _n in OFTEN],
    )
    q2, _options = _question(
        survey,
        2,
        QuestionKind.SCALE,
        "How easy was it to reach the project?",
        scale_max=4,
        scale_min_label="hard",
        scale_max_label="easy",
        allow_dont_know=True,
    )
    q3, _options = _question(
        survey,
        3,
        QuestionKind.SCALE,
        "How has cooperation with the project staff worked?",
        scale_max=4,
        scale_min_label="hard",
        scale_max_label="easy",
    )
    q4, parties = _question(
        survey,
        4,
        QuestionKind.MULTIPLE,
        "Which parties did you work with?",
        [text for text, _n in PARTIES],
    )
    q5, _options = _question(survey, 5, QuestionKind.TEXT, "Other comments")

    invitations = []
    for index in range(37):
        contact = Contact.objects.create(
            project=project_a, name=f"Kontakt {index}", email=f"kontakt{index}@partner.example"
        )
        invitations.append(
            Invitation.objects.create(
                survey=survey,
                contact=contact,
                token_hash=f"{index:064x}",
                expires_on=date(2026, 12, 31),
                # The last one was never sent: it is no part of the response rate.
                sent_at=None if index == 36 else _at(date(2026, 2, 1)),
            )
        )
    responses = []
    for index in range(36):
        if index < 34:
            responses.append(
                Response.objects.create(
                    survey=survey, channel=Channel.PERSONAL, invitation=invitations[index]
                )
            )
        else:
            responses.append(
                Response.objects.create(
                    survey=survey,
                    channel=Channel.PAPER,
                    entered_by=coordinator,
                    answered_on=date(2026, 3, 15),
                )
            )
    # The first ten answered in March, the rest (the paper answers' typing too) in May.
    for index, response in enumerate(responses):
        day = date(2026, 3, 1) if index < 10 else date(2026, 5, 1)
        Response.objects.filter(pk=response.pk).update(submitted_at=_at(day))

    often_choices = [
        option for option, (_t, n) in zip(often, OFTEN, strict=True) for _copy in range(n)
    ]
    # Who ticked what: social services 0–24, AF 10–29, FK 0–14; so each of the 30 ticked one.
    ticked_by = dict(zip(parties, [range(0, 25), range(10, 30), range(0, 15)], strict=True))
    for index, response in enumerate(responses):
        if index < len(often_choices):
            _answer(response, q1, options=[often_choices[index]])
        value = EASY_TO_REACH[index]
        _answer(response, q2, value=value, dont_know=value is None)
        _answer(response, q3, value=COOPERATION[index])
        if index < 30:
            _answer(response, q4, options=[o for o, who in ticked_by.items() if index in who])
        if index < len(FREE_TEXTS):
            _answer(response, q5, text=FREE_TEXTS[index])
        elif index == len(FREE_TEXTS):
            _answer(response, q5, text="")  # an empty text is not an answer
    return survey


def _by_position(results):
    return {result.question.position: result for result in results.questions}


def _rows(result):
    return [(option.display, option.count, option.percent) for option in result.options]


# --- The computation ------------------------------------------------------------------------


def test_it_rounds_half_up():
    assert percent(1, 16) == Decimal("6.3")  # 6.25
    assert percent(34, 36) == Decimal("94.4")
    assert percent(0, 0) is None
    assert mean_and_median({1: 7, 2: 1}) == (Decimal("1.13"), Decimal("1.00"))  # 1.125
    assert mean_and_median({}) == (None, None)
    assert mean_and_median({2: 1, 5: 1}) == (Decimal("3.50"), Decimal("3.50"))


def test_it_counts_a_single_choice_question_of_those_who_answered(partner_survey):
    q1 = _by_position(survey_results(partner_survey))[1]
    assert q1.answered == 34
    assert _rows(q1) == [
        ("every week", 10, Decimal("29.4")),
        ("sometime a month", 12, Decimal("35.3")),
        ("every other month", 6, Decimal("17.6")),
        ("more rarely", 4, Decimal("11.8")),
        ("a few times", 2, Decimal("5.9")),
    ]


def test_it_gives_a_scale_counts_mean_and_median(partner_survey):
    results = survey_results(partner_survey)
    assert results.responses == 36
    q2 = _by_position(results)[2]
    assert q2.answered == 36
    assert _rows(q2) == [
        ("1 (hard)", 3, Decimal("8.3")),
        ("2", 5, Decimal("13.9")),
        ("3", 12, Decimal("33.3")),
        ("4 (easy)", 14, Decimal("38.9")),
        (_("Don't know"), 2, Decimal("5.6")),
    ]
    # 105/34 = 3.088…; the 17th and 18th of the 34 values are both 3.
    assert (q2.numeric, q2.dont_know) == (34, 2)
    assert q2.mean == Decimal("3.09")
    assert q2.median == Decimal("3.00")


def test_it_averages_the_two_middle_values_of_an_even_count(partner_survey):
    q3 = _by_position(survey_results(partner_survey))[3]
    assert q3.answered == q3.numeric == 36
    # The 18th value is 2 and the 19th is 3; the mean is 94/36 = 2.611…
    assert q3.median == Decimal("2.50")
    assert q3.mean == Decimal("2.61")
    # No "don't know" row where none is offered and none was given.
    assert [option.count for option in q3.options] == [4, 14, 10, 8]


def test_it_gives_multiple_choice_shares_of_the_respondents(partner_survey):
    q4 = _by_position(survey_results(partner_survey))[4]
    assert q4.answered == 30
    assert _rows(q4) == [
        ("Social services", 25, Decimal("83.3")),
        ("Arbetsförmedlingen", 20, Decimal("66.7")),
        ("Försäkringskassan", 15, Decimal("50.0")),
    ]


def test_it_lists_free_texts_only_when_asked(partner_survey):
    q5 = _by_position(survey_results(partner_survey))[5]
    assert q5.answered == 5
    assert q5.texts is None
    q5 = _by_position(survey_results(partner_survey, include_free_text=True))[5]
    assert q5.texts == FREE_TEXTS


def test_it_gives_the_partner_response_rate_from_the_invitations(partner_survey):
    rate = survey_results(partner_survey).response_rate
    assert (rate.answered, rate.invited, rate.percent, rate.basis) == (
        34,
        36,
        Decimal("94.4"),
        "invitations",
    )
    with translation.override("sv"):
        assert rate.display() == "94,4 % (34/36)"


def test_it_has_no_response_rate_before_anyone_was_asked(project_a):
    survey = Survey.objects.create(
        federation=project_a.federation, project=project_a, name="Ny", audience=Audience.PARTNERS
    )
    results = survey_results(survey)
    assert results.responses == 0
    assert results.response_rate is None


def test_it_filters_by_period_with_the_paper_date(partner_survey):
    # Ten answered in March by link, and the two paper answers are dated 15 March.
    results = survey_results(partner_survey, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert results.responses == 12
    q2 = _by_position(results)[2]
    # The first ten values are 1, 1, 1, 2, 2, 2, 2, 2, 3, 3; the paper answers "don't know".
    assert [option.count for option in q2.options] == [3, 5, 2, 0, 2]
    assert q2.median == Decimal("2.00")
    assert survey_results(partner_survey, date_from=date(2026, 5, 2)).responses == 0
    # The response rate describes the whole mailing, whatever the period.
    assert results.response_rate.answered == 34


def test_its_queries_do_not_grow_with_the_responses(partner_survey, coordinator):
    with CaptureQueriesContext(connection) as before:
        survey_results(partner_survey, include_free_text=True, date_from=date(2000, 1, 1))
    question = partner_survey.questions.get(position=5)
    for index in range(20):
        response = Response.objects.create(
            survey=partner_survey, channel=Channel.PAPER, entered_by=coordinator
        )
        _answer(response, question, text=f"svar {index}")
    with CaptureQueriesContext(connection) as after:
        results = survey_results(partner_survey, include_free_text=True, date_from=date(2000, 1, 1))
    assert results.responses == 56
    assert len(after.captured_queries) == len(before.captured_queries) <= 10


def test_the_chart_has_a_bar_per_row_scaled_to_the_largest(partner_survey):
    results = _by_position(survey_results(partner_survey))
    chart = bar_chart(results[2])
    assert [bar.count for bar in chart.bars] == [3, 5, 12, 14, 2]
    widths = [bar.width for bar in chart.bars]
    assert widths[3] == max(widths) > widths[2] > widths[1] > widths[0] > 0
    assert chart.bars[4].fill != chart.bars[0].fill  # "don't know" stands apart
    assert all(bar.y + bar.height <= chart.height for bar in chart.bars)
    assert bar_chart(results[5]) is None


# --- Participant surveys: response rate by participants, start and municipality filters ----


@pytest.fixture
def participant_survey(project_a, cohort, municipality_a2, coordinator, make_referral):
    """Two starts: Ekeby with 4 started (one of them exited) and 1 not yet started; Norrvik
    with 2 started. 3 anonymous answers from Ekeby, 1 from Norrvik, 1 paper answer without
    a start."""
    norrvik = Cohort.objects.create(
        project=project_a,
        municipality=municipality_a2,
        start_date=date(2026, 10, 1),
        places=16,
        places_per_agency=4,
    )
    serials = iter(range(980, 1000))

    def enrol(start, status):
        referral = make_referral(personnummer=test_personnummer("19850101", str(next(serials))))
        started = status != Enrolment.Status.ACCEPTED
        fields = {}
        if status == Enrolment.Status.EXITED:
            fields = {
                "exited_on": date(2026, 11, 1),
                "exit_reason": "completed_period",
                "receiving_party": "Arbetsförmedlingen",
                "exit_plan": "Arbetsträning",
            }
        return Enrolment.objects.create(
            federation=project_a.federation,
            project=project_a,
            cohort=start,
            referral=referral,
            status=status,
            coordinator=coordinator if started else None,
            enrolled_on=start.start_date if started else None,
            planned_exit_on=start.start_date + timedelta(days=180) if started else None,
            **fields,
        )

    for status in ["active", "active", "active", "exited", "accepted"]:
        enrol(cohort, status)
    enrol(norrvik, "active")
    enrol(norrvik, "active")

    survey = Survey.objects.create(
        federation=project_a.federation,
        project=project_a,
        name="Efter gruppen",
        audience=Audience.PARTICIPANTS,
    )
    scale, _options = _question(survey, 1, QuestionKind.SCALE, "How was it?", scale_max=5)
    for start, value in [(cohort, 1), (cohort, 2), (cohort, 3), (norrvik, 4)]:
        response = Response.objects.create(survey=survey, channel=Channel.ANONYMOUS, cohort=start)
        _answer(response, scale, value=value)
    paper = Response.objects.create(survey=survey, channel=Channel.PAPER, entered_by=coordinator)
    _answer(paper, scale, value=4)
    survey.norrvik = norrvik
    return survey


def test_it_gives_participant_response_rates_per_start_and_municipality(
    participant_survey, cohort, municipality_a2, settings
):
    settings.FOKUS_MIN_GROUP_SIZE = 2  # results shown from 2 respondents (the start's 3)
    everything = survey_results(participant_survey)
    rate = everything.response_rate
    assert (rate.answered, rate.invited, rate.percent, rate.basis) == (
        5,
        6,
        Decimal("83.3"),
        "participants",
    )
    q1 = everything.questions[0]
    assert (q1.mean, q1.median) == (Decimal("2.80"), Decimal("3.00"))

    ekeby = survey_results(participant_survey, cohorts=[cohort])
    assert ekeby.responses == 3
    assert (ekeby.response_rate.answered, ekeby.response_rate.invited) == (3, 4)
    assert ekeby.response_rate.percent == Decimal("75.0")
    assert (ekeby.questions[0].mean, ekeby.questions[0].median) == (
        Decimal("2.00"),
        Decimal("2.00"),
    )
    assert [o.count for o in ekeby.questions[0].options] == [1, 1, 1, 0, 0]

    # Norrvik's one response is withheld, but its rate is 1 of 2.
    norrvik = survey_results(participant_survey, municipality=municipality_a2)
    assert (norrvik.withheld, norrvik.responses, norrvik.response_rate) == (True, 0, None)
    rate = response_rate(participant_survey, responses=1, municipality=municipality_a2)
    assert rate.percent == Decimal("50.0")
    assert survey_results(participant_survey, cohorts=[]).responses == 0


# --- The page ------------------------------------------------------------------------------


def _url(survey):
    return reverse("surveys:survey-results", args=[survey.public_id])


def test_it_shows_the_results_in_swedish_number_format(partner_survey, persona_client):
    response = persona_client("coordinator").get(_url(partner_survey))
    assert response.status_code == 200
    html = response.content.decode()
    assert "94,4 % (34/36)" in html
    q2 = partner_survey.questions.get(position=2).pk
    q3 = partner_survey.questions.get(position=3).pk
    assert f'data-testid="mean-{q2}">3,09<' in html
    assert f'data-testid="median-{q2}">3,00<' in html
    assert f'data-testid="median-{q3}">2,50<' in html
    assert "38,9 %" in html and "83,3 %" in html
    # The bar chart: an image with a title and description, and the counts as text.
    assert html.count('role="img"') == 4
    assert 'aria-labelledby="chart-' in html
    assert "<desc" in html and ">14 (38,9 %)</text>" in html
    # SVG coordinates never get a decimal comma.
    assert 'width="560"' in html
    # The coordinator sees the free texts, escaped.
    assert "Bra projekt!" in html
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in html
    entry = AccessLogEntry.objects.get(action=AccessAction.VIEW)
    assert entry.object_id == str(partner_survey.public_id)


def test_federation_staff_see_aggregates_but_no_free_text(partner_survey, persona_client):
    url = _url(partner_survey)
    for persona in ["federation_staff", "federation_admin"]:
        response = persona_client(persona).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "94,4 % (34/36)" in html
        assert "Bra projekt!" not in html
        assert "HYPERLINK" not in html
        # The free-text question's count only.
        answered = ngettext(
            "%(counter)s answered this question.", "%(counter)s answered this question.", 5
        )
        assert answered % {"counter": 5} in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("federation_staff", 200),
        ("federation_admin", 200),
        ("case_officer_a", 403),
        ("case_group_member", 403),
        ("no_role_user", 403),
        ("outsider", 404),
        ("outsider_admin", 404),
        ("anonymous", 302),
    ],
)
def test_access_per_persona(partner_survey, persona_client, persona, status):
    page = reverse("surveys:survey-results", args=[partner_survey.public_id])
    export = reverse("surveys:survey-results-export", args=[partner_survey.public_id, "csv"])
    client = persona_client(persona)
    assert client.get(page).status_code == status
    assert client.get(export).status_code == status
    if status == 302:
        assert "login" in client.get(page)["Location"]


def test_another_project_coordinator_is_refused(partner_survey, other_coordinator, client):
    client.force_login(other_coordinator)
    url = reverse("surveys:survey-results", args=[partner_survey.public_id])
    assert client.get(url).status_code == 404  # not their project: as if it did not exist


@pytest.fixture
def other_coordinator(fed_a, project_a_other):
    from fokus.roles import Role
    from tests.conftest import make_user

    return make_user(
        fed_a,
        "koordinator2@a.example",
        "Klara Annanprojekt",
        (Role.COORDINATOR, {"project": project_a_other}),
    )


def test_a_built_in_survey_has_no_results_page(db, persona_client):
    template = Survey.objects.create(name="Mall", audience=Audience.PARTNERS)
    for persona in ["coordinator", "federation_staff"]:
        client = persona_client(persona)
        assert (
            client.get(reverse("surveys:survey-results", args=[template.public_id])).status_code
            == 404
        )
        export = reverse("surveys:survey-results-export", args=[template.public_id, "csv"])
        assert client.get(export).status_code == 404


def test_the_page_refuses_other_methods(partner_survey, persona_client):
    url = reverse("surveys:survey-results", args=[partner_survey.public_id])
    assert persona_client("coordinator").post(url).status_code == 405


def test_the_page_filters_by_period(partner_survey, persona_client):
    url = reverse("surveys:survey-results", args=[partner_survey.public_id])
    response = persona_client("coordinator").get(
        url, {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )
    assert response.status_code == 200
    assert response.context["results"].responses == 12
    # The export links carry the filter.
    assert "export.csv?date_from=2026-03-01&amp;date_to=2026-03-31" in response.content.decode()


def test_the_page_filters_a_participant_survey_by_start(
    participant_survey, persona_client, cohort, project_b, settings
):
    settings.FOKUS_MIN_GROUP_SIZE = 2  # the start's 3 respondents are shown
    url = reverse("surveys:survey-results", args=[participant_survey.public_id])
    client = persona_client("coordinator")
    response = client.get(url, {"cohort": cohort.pk})
    assert response.status_code == 200
    assert response.context["results"].responses == 3
    assert "75,0 % (3/4)" in response.content.decode()
    norrvik = participant_survey.norrvik
    response = client.get(url, {"municipality": norrvik.municipality_id})
    assert response.context["results"].withheld  # 1 respondent


BAD_DATE = "Enter the date as YYYY-MM-DD, e.g. 2026-09-01."
BAD_START = "Choose one of the project's starts from the list."


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "not a date"}, BAD_DATE),
        (
            {"date_from": "2026-05-01", "date_to": "2026-03-01"},
            "The end of the period cannot be before its start.",
        ),
        ({"cohort": "abc"}, BAD_START),
        ({"cohort": "999999"}, BAD_START),
        ({"municipality": "x"}, "Choose one of the project's municipalities from the list."),
    ],
)
def test_a_bad_filter_is_a_400_with_a_message(participant_survey, persona_client, query, message):
    client = persona_client("coordinator")
    url = reverse("surveys:survey-results", args=[participant_survey.public_id])
    response = client.get(url, query)
    assert response.status_code == 400
    assert response.context["results"] is None
    html = response.content.decode()
    assert 'id="form-errors"' in html
    assert escape(_(message)) in html
    # The date typed is kept in the form.
    if "date_from" in query:
        assert f'value="{query["date_from"]}"' in html
    export = reverse("surveys:survey-results-export", args=[participant_survey.public_id, "csv"])
    response = client.get(export, query)
    assert response.status_code == 400
    assert _(message) in response.content.decode()
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT).exists()


def test_a_start_of_another_project_is_a_bad_filter(
    participant_survey, persona_client, project_a_other, municipality_a
):
    foreign = Cohort.objects.create(
        project=project_a_other, municipality=municipality_a, start_date=date(2026, 9, 1)
    )
    url = reverse("surveys:survey-results", args=[participant_survey.public_id])
    assert persona_client("coordinator").get(url, {"cohort": foreign.pk}).status_code == 400


# --- Exports -------------------------------------------------------------------------------


def _export(client, survey, fmt, **query):
    return client.get(reverse("surveys:survey-results-export", args=[survey.public_id, fmt]), query)


def _csv_rows(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_it_exports_csv_with_every_option_and_escaped_free_text(partner_survey, persona_client):
    response = _export(persona_client("coordinator"), partner_survey, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    rows = _csv_rows(response)
    assert rows[0] == [str(header) for header in EXPORT_HEADERS]
    assert len(rows[0]) == 9
    assert [
        "2",
        "How easy was it to reach the project?",
        "4 (easy)",
        "14",
        "38,9",
        "36",
        "100,0",
        "3,09",
        "3,00",
    ] in rows
    assert rows[1] == [
        "1",
        "How often have you been in contact with the project?",
        "every week",
        "10",
        "29,4",
        "34",
        "94,4",
        "",
        "",
    ]
    parties = next(row for row in rows if row[2] == "Social services")
    assert parties[:6] == [
        "4",
        "Which parties did you work with?",
        "Social services",
        "25",
        "83,3",
        "30",
    ]
    texts = [row[2] for row in rows if row[0] == "5"]
    assert texts == [
        _("Number of answers"),
        '\'=HYPERLINK("http://evil.example","klick")',
        "'+1",
        "'-2",
        "'@x",
        "Bra projekt!",
    ]
    entry = AccessLogEntry.objects.get(action=AccessAction.EXPORT)
    assert entry.object_id == str(partner_survey.public_id)
    assert "csv" in entry.detail


def test_it_exports_xlsx(partner_survey, persona_client):
    response = _export(persona_client("coordinator"), partner_survey, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [str(header) for header in EXPORT_HEADERS]
    scale_row = next(r for r in rows if r[0] == 2 and r[2] == "1 (hard)")
    assert scale_row[3] == 3
    assert Decimal(str(scale_row[4])) == Decimal("8.3")
    assert Decimal(str(scale_row[6])) == Decimal("100.0")
    assert Decimal(str(scale_row[7])) == Decimal("3.09")
    assert Decimal(str(scale_row[8])) == Decimal("3.00")
    texts = [r[2] for r in rows if r[0] == 5]
    assert texts[1] == '\'=HYPERLINK("http://evil.example","klick")'
    assert texts[2:5] == ["'+1", "'-2", "'@x"]
    # No cell is a formula.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_staff_export_has_no_free_text(partner_survey, persona_client):
    rows = _csv_rows(_export(persona_client("federation_staff"), partner_survey, "csv"))
    assert [row[2:4] for row in rows if row[0] == "5"] == [[_("Number of answers"), "5"]]
    assert not any("HYPERLINK" in cell or "Bra projekt" in cell for row in rows for cell in row)


def test_the_export_respects_the_filters(participant_survey, persona_client, cohort, settings):
    settings.FOKUS_MIN_GROUP_SIZE = 2
    rows = _csv_rows(
        _export(persona_client("coordinator"), participant_survey, "csv", cohort=cohort.pk)
    )
    assert [row[3] for row in rows[1:]] == ["1", "1", "1", "0", "0"]
    assert rows[1][6:] == ["100,0", "2,00", "2,00"]


def test_an_unknown_export_format_is_a_404(partner_survey, persona_client):
    for fmt in ["pdf", "xls", "CSV"]:
        assert _export(persona_client("coordinator"), partner_survey, fmt).status_code == 404


def test_the_local_date_decides_the_period(partner_survey):
    # Submitted 23:30 UTC on 31 March is 1 April in Stockholm.
    response = Response.objects.filter(survey=partner_survey, channel=Channel.PERSONAL).last()
    Response.objects.filter(pk=response.pk).update(
        submitted_at=datetime(2026, 3, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    )
    with timezone.override(STOCKHOLM):
        april = filtered_responses(
            partner_survey, date_from=date(2026, 4, 1), date_to=date(2026, 4, 1)
        )
        assert april.count() == 1


# --- Small groups ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["federation_staff", "coordinator"])
def test_a_filter_with_3_respondents_shows_too_few_and_no_numbers(
    participant_survey, persona_client, cohort, persona
):
    # The start Ekeby: 3 answers, 1, 2 and 3 (mean 2,00), of 4 participants.
    url = reverse("surveys:survey-results", args=[participant_survey.public_id])
    response = persona_client(persona).get(url, {"cohort": cohort.pk})
    assert response.status_code == 200
    results = response.context["results"]
    assert results.withheld
    assert (results.responses, results.response_rate) == (0, None)
    assert [(q.answered, q.options, q.mean) for q in results.questions] == [(0, [], None)]
    html = response.content.decode()
    assert escape(str(TOO_FEW)) in html
    main = html[html.index("<main") :]
    for figure in ["(3/4)", "75,0", "2,00", 'data-testid="responses"', "<svg", "<table"]:
        assert figure not in main, figure
    # The whole survey (5 answers) is shown.
    assert not persona_client(persona).get(url).context["results"].withheld


def test_the_export_of_too_few_says_so_and_holds_no_figure(
    participant_survey, persona_client, cohort
):
    rows = _csv_rows(
        _export(persona_client("federation_staff"), participant_survey, "csv", cohort=cohort.pk)
    )
    assert rows[1:] == [["", "", str(TOO_FEW), "", "", "", "", "", ""]]


def test_a_question_answered_by_too_few_is_withheld_with_its_free_texts(
    partner_survey, persona_client, settings
):
    # 36 responses; the free-text question was answered by 5: withheld from 6.
    settings.FOKUS_MIN_GROUP_SIZE = 6
    response = persona_client("coordinator").get(_url(partner_survey))
    html = response.content.decode()
    q5 = partner_survey.questions.get(position=5).pk
    assert f'data-testid="too-few-{q5}"' in html
    assert "Bra projekt!" not in html and "HYPERLINK" not in html
    assert "94,4 % (34/36)" in html  # the rest is shown
    rows = _csv_rows(_export(persona_client("coordinator"), partner_survey, "csv"))
    assert [row[2] for row in rows if row[0] == "5"] == [str(TOO_FEW)]
